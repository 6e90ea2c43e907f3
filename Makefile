# Vitrine: `make` builds the hypervisor for CONFIG, `make run` boots it in
# QEMU, `make test` runs every test. Set-up (cross compiler, QEMU) is done
# by scripts/deps.sh on first use.

CONFIG   ?= demo
# ARCH=riscv64 builds for QEMU's riscv64 `virt` (docs/riscv.md), in out/riscv64.
ARCH     ?= aarch64
include hyp/arch/$(ARCH)/arch.mk
O        ?= out
HOSTCC   ?= gcc

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC_T    := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
DEPS_OK := $(O)/.deps-ok

WARN      := -Wall -Wextra -Werror
# Freestanding: only the compiler's own headers (stdint.h, stdarg.h, ...), no libc.
TGT_FLAGS = -std=c11 -ffreestanding -nostdinc -isystem $(shell $(CC_T) -print-file-name=include) -fno-pie -no-pie -fno-stack-protector -fno-common \
             -fno-tree-loop-distribute-patterns $(ARCH_TGT_FLAGS) -O2 -g $(WARN) -MMD -MP

# ---- host tools --------------------------------------------------------------
# The one way a host program is built: $(call host_link,FLAGS[,LIBS]) compiles
# and links the .c and .o files among the rule's prerequisites.
HOST_CFLAGS := -std=c11 -O2 -g $(WARN) -Iinclude
define host_link
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(1) $(filter %.c %.o,$^) $(2) -o $@
endef

VMCONFIG := $(O)/host/vmconfig
# The device tree's port part is the architecture's (VMCONFIG_DT, hyp/arch/$(ARCH)/arch.mk).
VMCONFIG_SRC := $(filter-out tools/vmconfig/dtb_%.c,$(wildcard tools/vmconfig/*.c)) \
                tools/vmconfig/$(VMCONFIG_DT).c

$(VMCONFIG): $(VMCONFIG_SRC) $(wildcard tools/vmconfig/*.h) platforms/$(PLATFORM)/platform.h include/vitrine/config.h | $(DEPS_OK)
	$(call host_link,-Iplatforms/$(PLATFORM),-lfdt)

# ---- guests ------------------------------------------------------------------
# GUESTS, GUEST_BASE, GUEST_ARCH_FLAGS and RT_ARCH_SRC: hyp/arch/$(ARCH)/arch.mk.
GUEST_BASE_probe := $(GUEST_BASE_PROBE)
GUEST_FLAGS := $(TGT_FLAGS) $(GUEST_ARCH_FLAGS) -Iinclude -Iguests/rt/$(ARCH) -Iguests/rt -Ihyp/lib
RT_SRC      := $(RT_ARCH_SRC) guests/rt/rt.c guests/rt/irq_wait.c hyp/lib/fmt.c hyp/lib/string.c
RT_OBJ      := $(patsubst %,$(O)/guests/obj/%.o,$(RT_SRC))

$(O)/guests/obj/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC_T) $(GUEST_FLAGS) -c $< -o $@

$(O)/guests/obj/%.S.o: %.S | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC_T) $(GUEST_FLAGS) -c $< -o $@

define guest_rule
$(O)/guests/$(1).elf: $(patsubst %,$(O)/guests/obj/%.o,$(wildcard guests/$(1)/*.c)) $(RT_OBJ) $(GUEST_LD)
	@echo "  LD      $$@"
	$(Q)$(CC_T) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T $(GUEST_LD) \
		-Wl,--defsym=GUEST_BASE=$(or $(GUEST_BASE_$(1)),$(GUEST_BASE)) \
		$$(filter %.o,$$^) -lgcc -o $$@
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rule,$(g))))

$(O)/guests/%.bin: $(O)/guests/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

GUEST_BINS := $(patsubst %,$(O)/guests/%.bin,$(GUESTS))
include monitor/monitor.mk
include guests/linux/linux.mk
guests: $(GUEST_BINS) $(if $(ARCH_MONITOR),$(MONITOR_BINS))

# ---- hypervisor --------------------------------------------------------------
HYP_DIRS := hyp/core hyp/arch/$(ARCH) hyp/lib
HYP_SRC  := $(filter-out %.ld.S,$(foreach d,$(HYP_DIRS),$(wildcard $(d)/*.c $(d)/*.S))) \
            $(patsubst %,hyp/drivers/%.c,$(HYP_DRIVERS))
HYP_OBJ  := $(patsubst %,$(O)/hyp/%.o,$(HYP_SRC))
HYP_INC  := -Iinclude -Ihyp/core -Ihyp/arch/$(ARCH)/include -Ihyp/lib -Ihyp/drivers \
            -Iplatforms/$(PLATFORM)
# Early boot runs with the MMU off (device memory): no unaligned accesses.
# EXTRA_HYP_FLAGS: e.g. -DVT_TRACE_CLASSES=0 (tracing compiled out; use another O=).
# No padding before branch targets: an exit's paths meet at labels GCC would pad with
# NOPs that every exit then executes.
HYP_FLAGS := $(TGT_FLAGS) $(HYP_ARCH_FLAGS) -DVT_RING_PLAIN_STORES $(HYP_INC) \
             -falign-jumps=1 -falign-labels=1 -falign-loops=1 $(EXTRA_HYP_FLAGS)

$(O)/hyp/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC_T) $(HYP_FLAGS) -c $< -o $@

$(O)/hyp/%.S.o: %.S | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC_T) $(HYP_FLAGS) -c $< -o $@

$(O)/hyp/hyp.ld: hyp/arch/$(ARCH)/hyp.ld.S | $(DEPS_OK)
	@mkdir -p $(@D)
	$(Q)$(CC_T) -E -P -x c -D__ASSEMBLER__ $(HYP_INC) $< -o $@

# CONFIG is a name in configs/ or a path to a .cfg file anywhere (with a `/`,
# e.g. the experiments' generated out/bench/cfg/NAME.cfg), built in $(O)/cfg/NAME.
ifneq ($(findstring /,$(CONFIG)),)
CONFIG_FILE := $(CONFIG)
CFG_DIR     := $(O)/cfg/$(basename $(notdir $(CONFIG)))
else
CONFIG_FILE := $(CONFIG_DIR)/$(CONFIG).cfg
CFG_DIR     := $(O)/$(CONFIG)
endif
HYP_ELF := $(CFG_DIR)/vitrine.elf

# What the config embeds (images, kernels, initrds, DTBs), as rules vmconfig
# writes (--deps): building a config builds its own guests and nothing else.
# Files under $(O) have rules (guests, `make linux`); others must exist.
$(CFG_DIR)/embeds.d: $(CONFIG_FILE) $(VMCONFIG)
	@mkdir -p $(@D)
	$(Q)$(VMCONFIG) -I $(O)/guests --deps $(CFG_DIR)/config.c $< >$@.tmp && mv $@.tmp $@
ifeq ($(filter clean format lint,$(MAKECMDGOALS))$(if $(wildcard $(CONFIG_FILE)),,none),)
-include $(CFG_DIR)/embeds.d
endif

$(CFG_DIR)/config.c: $(CONFIG_FILE) $(VMCONFIG)
	@mkdir -p $(@D)
	@echo "  VMCONFIG $<"
	$(Q)$(VMCONFIG) -I $(O)/guests -o $@ --summary $< > $(CFG_DIR)/summary.txt || \
		{ rm -f $@; exit 1; }

$(CONFIG_DIR)/%.cfg:
	@echo "no $(CONFIG_DIR)/$*.cfg; the configs are: $(basename $(notdir $(wildcard $(CONFIG_DIR)/*.cfg)))" >&2
	@exit 1

$(CFG_DIR)/config.o: $(CFG_DIR)/config.c
	$(Q)$(CC_T) $(HYP_FLAGS) -c $< -o $@

$(HYP_ELF): $(HYP_OBJ) $(CFG_DIR)/config.o $(O)/hyp/hyp.ld
	@echo "  LD      $@"
	$(Q)$(CC_T) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments $(HYP_ARCH_LDFLAGS) \
		-T $(O)/hyp/hyp.ld $(HYP_OBJ) $(CFG_DIR)/config.o -lgcc -o $@
	@cat $(CFG_DIR)/summary.txt

# ---- entry points ------------------------------------------------------------
.DEFAULT_GOAL := all
.PHONY: all run test bench format lint clean guests deps trace-linux

all: $(HYP_ELF)

deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps.sh
	$(Q)scripts/deps.sh
	@mkdir -p $(@D) && touch $@

# LLC=1: with the emulated LLC plugin (built first), see scripts/run.sh.
LLC_SO := $(O)/host/libllc.so
run: $(HYP_ELF) $(if $(filter 1,$(LLC)),$(LLC_SO))
	$(Q)TRACE="$(TRACE)" TRACE_MODE="$(TRACE_MODE)" TRACE_CLASSES="$(TRACE_CLASSES)" \
		SCRIPT="$(SCRIPT)" NET_PORT="$(NET_PORT)" NET_TRACE_PORT="$(NET_TRACE_PORT)" \
		NET_GDB_PORT="$(NET_GDB_PORT)" \
		LLC="$(LLC)" LLC_ARGS="$(LLC_ARGS)" LLC_OUT="$(LLC_OUT)" \
		LLC_PAGE="$(LLC_PAGE)" O="$(O)" scripts/run.sh $(HYP_ELF)

# `make test` covers both architectures; ARCH=aarch64 or ARCH=riscv64 runs one.
test: $(DEPS_OK)
	$(Q)TEST_ARCH="$(if $(filter command line,$(origin ARCH)),$(ARCH))" tests/run.sh

# Linux's own ftrace and the hypervisor's trace, merged into one Perfetto trace:
# $(O)/linux-ftrace.perfetto-trace (scripts/trace-linux.sh, docs/tracing.md).
trace-linux: $(DEPS_OK)
	$(Q)O="$(O)" scripts/trace-linux.sh

# The experiments (bench/all.sh): CSVs and PNGs in $(O)/bench/, generated configs
# in $(O)/bench/cfg/ (built in $(O)/cfg/NAME), a tracing-free build in $(O)/bench/notrace.
bench: $(DEPS_OK)
	$(Q)O="$(O)" BENCH="$(BENCH)" bench/all.sh

FORMAT_SRC = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h')
format:
	$(Q)clang-format -i $(FORMAT_SRC)

# The hypervisor's include path for architecture $(1), whichever ARCH this make builds.
lint_hyp_inc = -Iinclude -Ihyp/core -Ihyp/arch/$(1)/include -Ihyp/lib -Ihyp/drivers -Iplatforms/qemu-$(1)-virt
lint:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRC)
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -U__ASSEMBLER__ $(call lint_hyp_inc,aarch64) -Itools -Iguests/rt \
		-Iguests/pingpong -i hyp/arch/riscv64 \
		hyp guests tools/llc tools/el2count tools/hotpc tools/vmconfig tests/unit tests/llc monitor
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -U__ASSEMBLER__ $(call lint_hyp_inc,riscv64) -Iguests/rt \
		hyp/arch/riscv64 guests/rt/riscv64 guests/sbi

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ---- trace: vtrace (host tool), its lint and fuzzing --------------------------
# trace/ and tests/trace/; `make fuzz-trace [FUZZ_SECONDS=N]` needs clang, which
# `scripts/deps.sh fuzz` installs (only for this target).
VTRACE     := $(O)/host/vtrace
VTRACE_LIB := trace/dump.c trace/decode.c trace/stats.c trace/pb.c trace/perfetto.c \
              trace/perfetto_ftrace.c trace/perfetto_counters.c trace/perfetto_guest.c \
              trace/pbcheck.c trace/svg.c
VTRACE_SRC := trace/vtrace.c $(VTRACE_LIB)
FUZZ_SECONDS ?= 300
.PHONY: vtrace fuzz-trace lint-trace

all: $(VTRACE)
vtrace: $(VTRACE)
$(VTRACE): $(VTRACE_SRC) $(wildcard trace/*.h include/vitrine/*.h) | $(DEPS_OK)
	$(call host_link)

# The fuzzers: libFuzzer's clang, which `scripts/deps.sh fuzz` installs (only for them).
FUZZ_FLAGS := -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(O)/host/fuzz_dump $(O)/host/fuzz_config: HOSTCC := clang-14

$(O)/host/fuzz_dump: tests/trace/fuzz_dump.c $(VTRACE_LIB) $(wildcard trace/*.h)
	$(Q)scripts/deps.sh fuzz
	$(call host_link,$(FUZZ_FLAGS))

fuzz-trace: $(O)/host/fuzz_dump
	@mkdir -p $(O)/fuzz/corpus $(O)/fuzz/crashes
	$(O)/host/fuzz_dump -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-artifact_prefix=$(O)/fuzz/crashes/ $(O)/fuzz/corpus tests/trace/corpus

lint: lint-trace
lint-trace:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -Iinclude trace tests/trace

# ---- vmconfig fuzzing: `make fuzz-config [FUZZ_SECONDS=N]` (clang, as fuzz-trace) ----
# The tool without main.c and image.c: tests/config/fuzz_config.c stands in for the
# image lookup, so no input reaches the file system. The parser's `|` on booleans is
# meant (every bad number of a line is reported), hence -Wno-bitwise-instead-of-logical.
VMCONFIG_FUZZ_SRC := tests/config/fuzz_config.c $(filter-out %/main.c %/image.c,$(VMCONFIG_SRC))
.PHONY: fuzz-config lint-config

$(O)/host/fuzz_config: $(VMCONFIG_FUZZ_SRC) $(wildcard tools/vmconfig/*.h) \
                       platforms/$(PLATFORM)/platform.h include/vitrine/config.h
	$(Q)scripts/deps.sh fuzz
	$(call host_link,$(FUZZ_FLAGS) -Wno-bitwise-instead-of-logical -Itools/vmconfig \
		-Iplatforms/$(PLATFORM),-lfdt)

fuzz-config: $(O)/host/fuzz_config
	@mkdir -p $(O)/fuzz/config-corpus $(O)/fuzz/config-crashes
	$(O)/host/fuzz_config -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=4096 \
		-dict=tests/config/fuzz_config.dict -artifact_prefix=$(O)/fuzz/config-crashes/ \
		$(O)/fuzz/config-corpus tests/config/corpus

lint: lint-config
lint-config:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -U__ASSEMBLER__ -Iinclude -Itools/vmconfig -Iplatforms/$(PLATFORM) \
		tests/config

# ---- vitrine: the host client (tools/vitrine/) of a running system ------------
# The console (TCP 5555) and the trace stream (TCP 5556, include/vitrine/stream.h) into
# Perfetto through trace/perfetto.c's incremental writer.
VITRINE     := $(O)/host/vitrine
VITRINE_SRC := $(wildcard tools/vitrine/*.c) monitor/line.c trace/dump.c trace/decode.c trace/pb.c \
               trace/perfetto.c trace/perfetto_ftrace.c trace/perfetto_counters.c
# The handshake's HMAC: the monitor's mbedTLS sources (monitor/monitor.mk), built for the host.
MBED_HOST_OBJ := $(patsubst %,$(O)/host/mbedtls/%.o,$(MBED_SRC))
.PHONY: vitrine lint-vitrine

all: $(VITRINE)
vitrine: $(VITRINE)
$(MBED_HOST_OBJ): $(O)/host/mbedtls/%.o: $(MBED_STAMP) monitor/mbedtls/vitrine_mbedtls.h | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  HOSTCC  mbedtls/$*.c"
	$(Q)$(HOSTCC) -std=c99 -O2 -Wall -Wextra $(MBED_INC) -c $(MBED_DIR)/library/$*.c -o $@

# The key is the build's too: vitrine reads it by default ($(O)/host/../net.key).
$(VITRINE): $(VITRINE_SRC) $(MBED_HOST_OBJ) $(wildcard tools/vitrine/*.h) $(wildcard trace/*.h include/vitrine/*.h) \
            monitor/line.h | $(DEPS_OK) $(NET_KEY)
	$(call host_link,-Itrace -Imonitor $(MBED_INC))

lint: lint-vitrine
lint-vitrine:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -Iinclude -Itrace -Imonitor tools/vitrine tests/client
# ---- the emulated LLC: a QEMU TCG plugin (tools/llc/), `make llc` ---------------
# Its one QEMU header comes from Debian's qemu source package (scripts/fetch-src.sh),
# taken out of the upstream tarball at build time. `make run LLC=1` loads it.
QPLUGIN_H := $(O)/host/qemu-plugin/qemu-plugin.h
LLC_PAGE_TOOL := $(O)/host/llc-page
.PHONY: llc
llc: $(LLC_SO) $(LLC_PAGE_TOOL)

# Prints the counters page of a RAM file (or a saved copy) like the plugin's summary.
$(LLC_PAGE_TOOL): tools/llc/llc_page.c tools/llc/llc_model.c tools/llc/llc_model.h \
                  include/vitrine/llc.h platforms/$(PLATFORM)/platform.h
	$(call host_link,-Itools/llc -Iplatforms/$(PLATFORM))

$(QPLUGIN_H): scripts/fetch-src.sh
	@mkdir -p $(@D)
	@echo "  EXTRACT $@"
	$(Q)src=$$(scripts/fetch-src.sh qemu) && \
		tar -xJOf "$$src"/qemu_*.orig.tar.xz --wildcards '*/include/qemu/qemu-plugin.h' >$@.tmp && \
		mv $@.tmp $@

# A QEMU TCG plugin: a shared object that shows QEMU only its install function.
PLUGIN_FLAGS := -shared -fPIC -fvisibility=hidden -I$(dir $(QPLUGIN_H)) -Itools

$(LLC_SO): tools/llc/llc.c tools/llc/llc_model.c tools/llc/llc_model.h tools/llc/llc_time.c \
           tools/llc/llc_time.h include/vitrine/llc.h \
           tools/plugin_opt.h platforms/$(PLATFORM)/platform.h $(QPLUGIN_H)
	$(call host_link,$(PLUGIN_FLAGS) -Itools/llc -Iplatforms/$(PLATFORM))

# ---- exit counting: a QEMU TCG plugin (tools/el2count/), for bench/exits.sh ----
EL2COUNT_SO := $(O)/host/libel2count.so
EL2COUNT_SRC := tools/el2count/el2count.c tools/el2count/el2count_report.c
$(EL2COUNT_SO): $(EL2COUNT_SRC) tools/el2count/el2count.h tools/plugin_opt.h $(QPLUGIN_H)
	$(call host_link,$(PLUGIN_FLAGS) -Itools/el2count,-lpthread)

# ---- where the instructions go: a QEMU TCG plugin (tools/hotpc/), for profiling under -icount ----
HOTPC_SO := $(O)/host/libhotpc.so
$(HOTPC_SO): tools/hotpc/hotpc.c tools/plugin_opt.h $(QPLUGIN_H)
	$(call host_link,$(PLUGIN_FLAGS),-lpthread)
.PHONY: hotpc
hotpc: $(HOTPC_SO)

include tests/unit/unit.mk
