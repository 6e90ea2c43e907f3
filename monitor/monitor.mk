# The monitor partition (issue 5): a Lua 5.4 console, linked with picolibc
# (Debian's picolibc-aarch64-linux-gnu) and rt's crt0 (MMU, FP on). Lua is
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
# The heap ends here: a config naming `image monitor` gives it at least this much `mem`.
MON_RAM  := 0x2000000
# Hosted C on picolibc, FP allowed (Lua's numbers are doubles).
MON_CC   := --specs=picolibc.specs -fno-pie -fno-stack-protector -fno-common \
            -mno-outline-atomics -O2 -g -MMD -MP
# -Wno-main: rt calls the guest's `void main(uint64_t arg)`, not a hosted main.
MON_FLAGS := -std=c11 $(MON_CC) $(WARN) -Wno-main -Ibench/guests/rt -Ihyp/include -Itrace \
             -Ihyp/core -Iplatforms/$(PLATFORM) \
             -I$(LUA_DIR)/src
LUA_FLAGS := -std=c99 $(MON_CC) -Wall -Wextra -I$(LUA_DIR)/src
MON_OBJ  := $(patsubst monitor/%.c,$(O)/monitor/%.o,$(wildcard monitor/*.c))
# Of rt: the boot code, vectors (their IRQ path is in gic.c), calls and console.
MON_RT_OBJ := $(patsubst %,$(O)/guests/obj/%.o,bench/guests/rt/crt0.S bench/guests/rt/vectors.S \
              bench/guests/rt/rt.c bench/guests/rt/gic.c hyp/lib/fmt.c)

$(LUA_TAR): | $(DEPS_OK)
	$(Q)scripts/fetch-src.sh lua5.4 >/dev/null

$(LUA_STAMP): $(LUA_TAR)
	@mkdir -p $(O)
	@echo "  UNTAR   $<"
	$(Q)rm -rf $(LUA_DIR) && tar -xzf $< -C $(O) && touch $@

$(O)/monitor/lua/%.o: $(LUA_STAMP) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      lua/$*.c"
	$(Q)$(CC_T) $(LUA_FLAGS) -c $(LUA_DIR)/src/$*.c -o $@

$(O)/monitor/%.o: monitor/%.c $(LUA_STAMP) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC_T) $(MON_FLAGS) -c $< -o $@

$(O)/guests/monitor.elf: $(MON_OBJ) $(LUA_OBJ) $(MON_RT_OBJ) monitor/monitor.ld
	@echo "  LD      $@"
	$(Q)$(CC_T) --specs=picolibc.specs -nostartfiles -static -no-pie -Wl,--no-warn-rwx-segments \
		-T monitor/monitor.ld -Wl,--defsym=GUEST_BASE=$(GUEST_BASE) \
		-Wl,--defsym=MONITOR_RAM=$(MON_RAM) $(filter %.o,$^) -o $@

GUEST_BINS += $(O)/guests/monitor.bin
