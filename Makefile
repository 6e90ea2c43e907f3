# Vitrine: `make` builds the hypervisor for CONFIG, `make run` boots it in
# QEMU, `make test` runs every test. Set-up (cross compiler, QEMU) is done
# by scripts/deps.sh on first use.

CONFIG   ?= demo
PLATFORM ?= qemu-aarch64-virt
O        ?= out
CROSS    ?= aarch64-linux-gnu-
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
             -fno-tree-loop-distribute-patterns -mno-outline-atomics -O2 -g $(WARN) -MMD -MP

# ---- host tools --------------------------------------------------------------
VMCONFIG := $(O)/host/vmconfig
VMCONFIG_SRC := $(wildcard scripts/vmconfig/*.c)

$(VMCONFIG): $(VMCONFIG_SRC) $(wildcard scripts/vmconfig/*.h) platforms/$(PLATFORM)/platform.h hyp/core/config.h | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 -g $(WARN) -Iplatforms/$(PLATFORM) -Ihyp/core $(VMCONFIG_SRC) -lfdt -o $@

# ---- guests ------------------------------------------------------------------
GUESTS      := hello smp probe psci echo shm exitbench timer sgi pingpong uartirq gicprobe storm lrflood victim hog boot spoof pl011
GUEST_BASE  := 0x40000000
GUEST_BASE_probe := 0x60000000
GUEST_FLAGS := $(TGT_FLAGS) -mstrict-align -Ibench/guests/rt -Ihyp/include -Ihyp/lib \
               -Ihyp/arch/aarch64/include -Itrace
RT_SRC      := bench/guests/rt/crt0.S bench/guests/rt/vectors.S bench/guests/rt/rt.c \
               bench/guests/rt/gic.c bench/guests/rt/timer.c hyp/lib/fmt.c hyp/lib/string.c
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
$(O)/guests/$(1).elf: $(patsubst %,$(O)/guests/obj/%.o,$(wildcard bench/guests/$(1)/*.c)) $(RT_OBJ) bench/guests/rt/guest.ld
	@echo "  LD      $$@"
	$(Q)$(CC_T) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T bench/guests/rt/guest.ld \
		-Wl,--defsym=GUEST_BASE=$(or $(GUEST_BASE_$(1)),$(GUEST_BASE)) \
		$$(filter %.o,$$^) -lgcc -o $$@
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rule,$(g))))

$(O)/guests/%.bin: $(O)/guests/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

GUEST_BINS := $(patsubst %,$(O)/guests/%.bin,$(GUESTS))
include monitor/monitor.mk
include guests/linux/linux.mk
guests: $(GUEST_BINS)

# ---- hypervisor --------------------------------------------------------------
ARCH     := aarch64
HYP_DIRS := hyp/core hyp/arch/$(ARCH) hyp/lib hyp/drivers
HYP_SRC  := $(filter-out %.ld.S,$(foreach d,$(HYP_DIRS),$(wildcard $(d)/*.c $(d)/*.S)))
HYP_OBJ  := $(patsubst %,$(O)/hyp/%.o,$(HYP_SRC))
HYP_INC  := -Itrace -Ihyp/core -Ihyp/arch/$(ARCH)/include -Ihyp/include -Ihyp/lib -Ihyp/drivers \
            -Iplatforms/$(PLATFORM)
# Early boot runs with the MMU off (device memory): no unaligned accesses.
# EXTRA_HYP_FLAGS: e.g. -DVT_TRACE_CLASSES=0 (tracing compiled out; use another O=).
HYP_FLAGS := $(TGT_FLAGS) -mgeneral-regs-only -mstrict-align -DVT_RING_PLAIN_STORES $(HYP_INC) \
             $(EXTRA_HYP_FLAGS)

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
CONFIG_FILE := configs/$(CONFIG).cfg
CFG_DIR     := $(O)/$(CONFIG)
endif
HYP_ELF := $(CFG_DIR)/vitrine.elf

# The kernel, initrd and dtb files a config names: those under $(O) are built
# (`make linux`); others are used if they exist (vmconfig says what is missing).
CFG_BLOB_NAMES := $(shell sed -n 's/^[[:space:]]*\(kernel\|initrd\|dtb\)[[:space:]]\{1,\}\([^[:space:]#"]*\).*/\2/p' $(CONFIG_FILE) 2>/dev/null)
CFG_BLOBS := $(foreach f,$(filter-out auto,$(CFG_BLOB_NAMES)),$(if $(filter $(O)/%,$(f)),$(f),$(wildcard $(f))))

$(CFG_DIR)/config.c: $(CONFIG_FILE) $(VMCONFIG) $(GUEST_BINS) $(CFG_BLOBS)
	@mkdir -p $(@D)
	@echo "  VMCONFIG $<"
	$(Q)$(VMCONFIG) -I $(O)/guests -o $@ --summary $< > $(CFG_DIR)/summary.txt || \
		{ rm -f $@; exit 1; }

configs/%.cfg:
	@echo "no configs/$*.cfg; the configs are: $(basename $(notdir $(wildcard configs/*.cfg)))" >&2
	@exit 1

$(CFG_DIR)/config.o: $(CFG_DIR)/config.c
	$(Q)$(CC_T) $(HYP_FLAGS) -c $< -o $@

$(HYP_ELF): $(HYP_OBJ) $(CFG_DIR)/config.o $(O)/hyp/hyp.ld
	@echo "  LD      $@"
	$(Q)$(CC_T) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T $(O)/hyp/hyp.ld \
		$(HYP_OBJ) $(CFG_DIR)/config.o -lgcc -o $@
	@cat $(CFG_DIR)/summary.txt

# ---- entry points ------------------------------------------------------------
.DEFAULT_GOAL := all
.PHONY: all run test bench format lint clean guests deps

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
		LLC="$(LLC)" LLC_ARGS="$(LLC_ARGS)" LLC_OUT="$(LLC_OUT)" \
		LLC_PAGE="$(LLC_PAGE)" O="$(O)" scripts/run.sh $(HYP_ELF)

test: $(DEPS_OK)
	$(Q)tests/run.sh

# The experiments (bench/all.sh): CSVs and PNGs in $(O)/bench/, generated configs
# in $(O)/bench/cfg/ (built in $(O)/cfg/NAME), a tracing-free build in $(O)/bench/notrace.
bench: $(DEPS_OK)
	$(Q)O="$(O)" BENCH="$(BENCH)" bench/all.sh

FORMAT_SRC = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h')
format:
	$(Q)clang-format -i $(FORMAT_SRC)

lint:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRC)
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -U__ASSEMBLER__ $(HYP_INC) -Ibench/guests/rt \
		hyp bench/guests bench/llc guests/linux scripts/vmconfig tests/unit tests/llc monitor

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ---- trace: vtrace (host tool), its lint and fuzzing --------------------------
# trace/ and tests/trace/; `make fuzz-trace [FUZZ_SECONDS=N]` needs clang, which
# `scripts/deps.sh fuzz` installs (only for this target).
VTRACE     := $(O)/host/vtrace
VTRACE_LIB := trace/dump.c trace/decode.c trace/stats.c trace/pb.c trace/perfetto.c \
              trace/pbcheck.c trace/svg.c
VTRACE_SRC := trace/vtrace.c $(VTRACE_LIB)
FUZZ_SECONDS ?= 300
.PHONY: vtrace fuzz-trace lint-trace

all: $(VTRACE)
vtrace: $(VTRACE)
$(VTRACE): $(VTRACE_SRC) $(wildcard trace/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 -g $(WARN) $(VTRACE_SRC) -o $@

$(O)/host/fuzz_dump: tests/trace/fuzz_dump.c $(VTRACE_LIB) $(wildcard trace/*.h)
	$(Q)scripts/deps.sh fuzz
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	$(Q)clang-14 -std=c11 -O1 -g $(WARN) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(filter %.c,$^) -o $@

fuzz-trace: $(O)/host/fuzz_dump
	@mkdir -p $(O)/fuzz/corpus $(O)/fuzz/crashes
	$(O)/host/fuzz_dump -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-artifact_prefix=$(O)/fuzz/crashes/ $(O)/fuzz/corpus tests/trace/corpus

lint: lint-trace
lint-trace:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem trace tests/trace

# ---- vmconfig fuzzing: `make fuzz-config [FUZZ_SECONDS=N]` (clang, as fuzz-trace) ----
# The tool without main.c and image.c: tests/config/fuzz_config.c stands in for the
# image lookup, so no input reaches the file system. The parser's `|` on booleans is
# meant (every bad number of a line is reported), hence -Wno-bitwise-instead-of-logical.
VMCONFIG_FUZZ_SRC := tests/config/fuzz_config.c $(filter-out %/main.c %/image.c,$(VMCONFIG_SRC))
.PHONY: fuzz-config lint-config

$(O)/host/fuzz_config: $(VMCONFIG_FUZZ_SRC) $(wildcard scripts/vmconfig/*.h) \
                       platforms/$(PLATFORM)/platform.h hyp/core/config.h
	$(Q)scripts/deps.sh fuzz
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	$(Q)clang-14 -std=c11 -O1 -g $(WARN) -Wno-bitwise-instead-of-logical \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iscripts/vmconfig -Iplatforms/$(PLATFORM) -Ihyp/core \
		$(VMCONFIG_FUZZ_SRC) -lfdt -o $@

fuzz-config: $(O)/host/fuzz_config
	@mkdir -p $(O)/fuzz/config-corpus $(O)/fuzz/config-crashes
	$(O)/host/fuzz_config -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=4096 \
		-dict=tests/config/fuzz_config.dict -artifact_prefix=$(O)/fuzz/config-crashes/ \
		$(O)/fuzz/config-corpus tests/config/corpus

lint: lint-config
lint-config:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -U__ASSEMBLER__ -Iscripts/vmconfig -Iplatforms/$(PLATFORM) -Ihyp/core \
		tests/config

# ---- vitrine: the host client (scripts/vitrine/) of a running system ------------
# The console (TCP 5555) and the trace stream (TCP 5556, trace/stream.h) into
# Perfetto through trace/perfetto.c's incremental writer.
VITRINE     := $(O)/host/vitrine
VITRINE_SRC := $(wildcard scripts/vitrine/*.c) monitor/line.c trace/dump.c trace/decode.c trace/pb.c \
               trace/perfetto.c
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
$(VITRINE): $(VITRINE_SRC) $(MBED_HOST_OBJ) $(wildcard scripts/vitrine/*.h) $(wildcard trace/*.h) \
            monitor/line.h | $(DEPS_OK) $(NET_KEY)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 -g $(WARN) -Itrace -Imonitor -Ihyp/include $(MBED_INC) $(VITRINE_SRC) \
		$(MBED_HOST_OBJ) -o $@

lint: lint-vitrine
lint-vitrine:
	$(Q)cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -Itrace -Imonitor -Ihyp/include scripts/vitrine tests/client
# ---- the emulated LLC: a QEMU TCG plugin (bench/llc/), `make llc` ---------------
# Its one QEMU header comes from Debian's qemu source package (scripts/fetch-src.sh),
# taken out of the upstream tarball at build time. `make run LLC=1` loads it.
QPLUGIN_H := $(O)/host/qemu-plugin/qemu-plugin.h
LLC_PAGE_TOOL := $(O)/host/llc-page
.PHONY: llc
llc: $(LLC_SO) $(LLC_PAGE_TOOL)

# Prints the counters page of a RAM file (or a saved copy) like the plugin's summary.
$(LLC_PAGE_TOOL): bench/llc/llc_page.c bench/llc/llc_model.c bench/llc/llc_model.h \
                  hyp/include/vitrine/llc.h platforms/$(PLATFORM)/platform.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 -g $(WARN) -Ibench/llc -Ihyp/include -Iplatforms/$(PLATFORM) \
		bench/llc/llc_page.c bench/llc/llc_model.c -o $@

$(QPLUGIN_H): scripts/fetch-src.sh
	@mkdir -p $(@D)
	@echo "  EXTRACT $@"
	$(Q)src=$$(scripts/fetch-src.sh qemu) && \
		tar -xJOf "$$src"/qemu_*.orig.tar.xz --wildcards '*/include/qemu/qemu-plugin.h' >$@.tmp && \
		mv $@.tmp $@

$(LLC_SO): bench/llc/llc.c bench/llc/llc_model.c bench/llc/llc_model.h hyp/include/vitrine/llc.h \
           platforms/$(PLATFORM)/platform.h $(QPLUGIN_H)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 -g $(WARN) -shared -fPIC -fvisibility=hidden \
		-I$(dir $(QPLUGIN_H)) -Ibench/llc -Ihyp/include -Iplatforms/$(PLATFORM) \
		bench/llc/llc.c bench/llc/llc_model.c -o $@
