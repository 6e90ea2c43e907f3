# The monitor partition: a Lua 5.4 console, linked with picolibc
# (Debian's picolibc-aarch64-linux-gnu or picolibc-riscv64-unknown-elf) and
# rt's crt0. What differs per architecture comes from hyp/arch/$(ARCH)/arch.mk:
# MON_SPECS (picolibc's specs), MON_ARCH_CC (code generation), MON_RT_SRC
# (rt's boot code, vectors and interrupt controller), MON_UART (the console
# UART's driver, monitor/uart/), MON_NOT_BUILT (the views the architecture
# does not have: monitor/$(ARCH)/notbuilt.c answers for them); monitor/$(ARCH)/
# holds the rest (the stack's guard, the network interrupt, barriers). Lua is
# not in the tree: scripts/fetch-src.sh downloads Debian's source package
# and the pristine upstream tarball is extracted under $(O). Included by the
# Makefile; builds $(O)/guests/monitor.bin, named `image monitor` in configs.

LUA_TAR  := third_party/lua5.4/lua5.4_5.4.4.orig.tar.gz
LUA_DIR  := $(O)/lua-5.4.4
LUA_STAMP := $(LUA_DIR)/.extracted
# The core and the base, string, table, math and utf8 libraries: no io, os,
# package or debug (linit.c is left out: monitor/main.c opens what it wants).
LUA_SRC  := lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser \
            lstate lstring ltable ltm lundump lvm lzio lauxlib lbaselib lstrlib ltablib \
            lmathlib lutf8lib
LUA_OBJ  := $(patsubst %,$(O)/monitor/lua/%.o,$(LUA_SRC))
# lwIP 2.1 the same way: Debian's source package, the pristine tarball
# extracted under $(O), built with the options in monitor/lwip/ (lwipopts.h, arch/cc.h).
LWIP_TAR  := third_party/lwip/lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_DIR  := $(O)/lwip-2.1.3
LWIP_STAMP := $(LWIP_DIR)/.extracted
LWIP_SRC  := core/init core/def core/inet_chksum core/ip core/mem core/memp core/netif core/pbuf \
             core/tcp core/tcp_in core/tcp_out core/timeouts core/ipv4/etharp core/ipv4/icmp \
             core/ipv4/ip4 core/ipv4/ip4_addr netif/ethernet
LWIP_OBJ  := $(patsubst %,$(O)/monitor/lwip/%.o,$(LWIP_SRC))
LWIP_INC  := -Imonitor/lwip -I$(LWIP_DIR)/src/include
# mbedTLS 2.28 the same way, only what HMAC-SHA-256 and a constant-time compare need,
# configured by monitor/mbedtls/vitrine_mbedtls.h (the network's challenge-response:
# monitor/auth.c). The host client `vitrine` is built from the same sources.
MBED_TAR  := third_party/mbedtls/mbedtls_2.28.3.orig.tar.gz
MBED_DIR  := $(O)/mbedtls-2.28.3
MBED_STAMP := $(MBED_DIR)/.extracted
# Its headers and sources only (its ChangeLog.d/ would look like a dependency file to make).
MBED_MEMBERS := --wildcards '*/include/*' '*/library/*'
MBED_SRC  := md sha256 platform_util constant_time
MBED_OBJ  := $(patsubst %,$(O)/monitor/mbedtls/%.o,$(MBED_SRC))
MBED_INC  := -Imonitor/mbedtls -I$(MBED_DIR)/include '-DMBEDTLS_CONFIG_FILE="vitrine_mbedtls.h"'
# The system's secret (docs/hardening.md, "The network console"): 32 random bytes as 64 hex
# digits, made once, never committed; the monitor's image embeds it, vitrine reads it.
NET_KEY   := $(O)/net.key
NET_KEY_C := $(O)/monitor/net_key.c
# The heap ends here: a config naming `image monitor` gives it at least this much `mem`.
MON_RAM  := 0x2000000
# Hosted C on picolibc, FP allowed (Lua's numbers are doubles).
MON_CC   := $(MON_SPECS) -fno-pie -fno-stack-protector -fno-common \
            $(MON_ARCH_CC) -O2 -g -MMD -MP
# -Wno-main: rt calls the guest's `void main(uint64_t arg)`, not a hosted main.
MON_FLAGS := -std=c11 $(MON_CC) $(WARN) -Wno-main -Iinclude -Imonitor -Imonitor/$(ARCH) \
             -Iguests/rt/$(ARCH) -Iguests/rt -Ihyp/arch/$(ARCH)/include -Iplatforms/$(PLATFORM) \
             -I$(LUA_DIR)/src $(LWIP_INC) $(MBED_INC)
# Lua's limit on nested C calls (and parser levels): an error, never a crash,
# as long as that many of the deepest levels fit in the monitor's C stack
# (STACK_SIZE, monitor/stack.h, where the figures are).
MON_LUA_CCALLS := 200
LUA_FLAGS := -std=c99 $(MON_CC) -Wall -Wextra -I$(LUA_DIR)/src -DLUAI_MAXCCALLS=$(MON_LUA_CCALLS)
LWIP_FLAGS := -std=c99 $(MON_CC) -Wall -Wextra $(LWIP_INC)
MBED_FLAGS := -std=c99 $(MON_CC) -Wall -Wextra $(MBED_INC)
MON_SRC  := $(filter-out $(patsubst %,monitor/%.c,$(MON_NOT_BUILT)),$(wildcard monitor/*.c)) \
            $(wildcard monitor/$(ARCH)/*.c monitor/$(ARCH)/*.S) monitor/uart/$(MON_UART).c
MON_OBJ  := $(patsubst monitor/%,$(O)/monitor/%.o,$(MON_SRC))
# Of rt: the boot code, vectors and interrupt controller (MON_RT_SRC), calls and
# console; and hyp/lib's memset and memcpy, which go word by word where picolibc's
# (built for size) go byte by byte: its malloc clears every block it hands Lua.
MON_RT_OBJ := $(patsubst %,$(O)/guests/obj/%.o,$(MON_RT_SRC) guests/rt/rt.c hyp/lib/fmt.c \
              hyp/lib/string.c)

# $(call monitor_lib,VAR,PACKAGE,NAME,SUBDIR[,DEPS]): the rules for a library built from a
# Debian source package: fetched by scripts/fetch-src.sh PACKAGE, its upstream tarball
# ($(VAR_TAR)) extracted into $(VAR_DIR) (only $(VAR_MEMBERS), if set), each of
# $(VAR_OBJ) compiled from $(VAR_DIR)/SUBDIR with $(VAR_FLAGS) into $(O)/monitor/NAME/.
define monitor_lib
$$($(1)_TAR): | $$(DEPS_OK)
	$$(Q)scripts/fetch-src.sh $(2) >/dev/null

$$($(1)_STAMP): $$($(1)_TAR)
	@echo "  UNTAR   $$<"
	$$(Q)rm -rf $$($(1)_DIR) && mkdir -p $$($(1)_DIR) && \
		tar -xf $$< -C $$($(1)_DIR) --strip-components=1 $$($(1)_MEMBERS) && touch $$@

$$($(1)_OBJ): $$(O)/monitor/$(3)/%.o: $$($(1)_STAMP) $(5) | $$(DEPS_OK)
	@mkdir -p $$(@D)
	@echo "  CC      $(3)/$$*.c"
	$$(Q)$$(CC_T) $$($(1)_FLAGS) -c $$($(1)_DIR)/$(4)/$$*.c -o $$@
endef
$(eval $(call monitor_lib,LUA,lua5.4,lua,src))
$(eval $(call monitor_lib,LWIP,lwip,lwip,src,monitor/lwip/lwipopts.h monitor/lwip/arch/cc.h))
$(eval $(call monitor_lib,MBED,mbedtls,mbedtls,library,monitor/mbedtls/vitrine_mbedtls.h))

# Made once: `rm $(NET_KEY)` (then rebuild) for a new one, or write 64 hex digits into it.
$(NET_KEY):
	@mkdir -p $(@D)
	@echo "  KEY     $@"
	$(Q)umask 077 && od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n' >$@.tmp && echo >>$@.tmp && \
		mv $@.tmp $@

$(NET_KEY_C): $(NET_KEY) monitor/monitor.mk
	@mkdir -p $(@D)
	$(Q)grep -Eqx '[0-9a-fA-F]{64}' $< || { echo "$<: not 64 hex digits (a key of 32 bytes)" >&2; exit 1; }
	$(Q){ echo '#include "auth.h"'; printf 'const uint8_t auth_key[VT_AUTH_KEY] = {'; \
		sed -E 's/(..)/0x\1,/g' $<; echo '};'; } >$@

$(O)/monitor/net_key.o: $(NET_KEY_C) monitor/auth.h | $(DEPS_OK)
	$(Q)$(CC_T) $(MON_FLAGS) -Imonitor -c $< -o $@

$(O)/monitor/%.o: monitor/% $(LUA_STAMP) $(LWIP_STAMP) $(MBED_STAMP) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC_T) $(MON_FLAGS) -c $< -o $@

# Two links of the same objects: `monitor` at GUEST_BASE (virtio-net-pci's DMA goes
# through the SMMU: its RAM may be anywhere), and `monitor-net` at MON_NET_BASE for
# configs that give it the virtio-mmio device instead. That device reads and writes
# the monitor's buffers by physical address, so those configs map the monitor's RAM at
# IPA == PA (`mem 0x48000000 32M pa 0x48000000`) and a buffer's address is the same
# for both (monitor/virtio_mmio.c). MON_NET_BASE: arch.mk.
MON_LINK_OBJ := $(MON_OBJ) $(LUA_OBJ) $(LWIP_OBJ) $(MBED_OBJ) $(O)/monitor/net_key.o $(MON_RT_OBJ)

$(O)/guests/monitor.elf: $(MON_LINK_OBJ) monitor/monitor.ld
	@echo "  LD      $@"
	$(Q)$(CC_T) $(MON_SPECS) -nostartfiles -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T monitor/monitor.ld -Wl,--defsym=GUEST_BASE=$(GUEST_BASE) \
		-Wl,--defsym=MONITOR_RAM=$(MON_RAM) $(filter %.o,$^) -o $@

$(O)/guests/monitor-net.elf: $(MON_LINK_OBJ) monitor/monitor.ld
	@echo "  LD      $@"
	$(Q)$(CC_T) $(MON_SPECS) -nostartfiles -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T monitor/monitor.ld -Wl,--defsym=GUEST_BASE=$(MON_NET_BASE) \
		-Wl,--defsym=MONITOR_RAM=$(MON_RAM) $(filter %.o,$^) -o $@

MONITOR_BINS := $(O)/guests/monitor.bin $(O)/guests/monitor-net.bin
