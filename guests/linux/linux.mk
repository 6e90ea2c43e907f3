# The Linux guest's images: Debian's own arm64 kernel, unmodified, and an
# initramfs of busybox-static, guests/linux/init, the kernel package's uio
# module and the programs of guests/linux/; and the real-time pair: Debian's
# PREEMPT_RT kernel and an initramfs that also holds cyclictest (rt-tests)
# and the libraries it is linked with. The packages are not in the tree:
# scripts/fetch-linux.sh downloads them into third_party/debian-arm64/ when
# they are missing, the real-time ones only when they are asked for
# (`scripts/fetch-linux.sh --refresh`, then `make linux linux-rt`, follows
# the kernels to a new ABI). Included by the Makefile; `make linux` builds
# $(O)/linux/Image and initrd.cpio.gz, `make linux-rt` $(O)/linux/Image-rt
# and initrd-rt.cpio.gz.

# LINUX_DEB, LINUX_MAGIC, LINUX_KFILE, LINUX_BINS and LINUX_MODULES: hyp/arch/$(ARCH)/arch.mk.
LINUX_PKG    := third_party/debian-$(LINUX_DEB)
LINUX_STAMPS := $(patsubst %,$(LINUX_PKG)/%/.version,linux busybox)
LINUX_RT_STAMPS := $(patsubst %,$(LINUX_PKG)/%/.version,linux-rt rt-tests)
LINUX_OUT    := $(O)/linux
# Into each initramfs as /bin/NAME: guests/linux/NAME.c, static and freestanding (raw system calls);
# and scripts, as they are.
LINUX_PROGRAMS := $(patsubst %,$(LINUX_OUT)/bin/%,$(LINUX_BINS))
LINUX_SCRIPTS  := guests/linux/vtftrace
LINUX_IMAGES := $(LINUX_OUT)/Image $(LINUX_OUT)/initrd.cpio.gz
LINUX_RT_IMAGES := $(LINUX_OUT)/Image-rt $(LINUX_OUT)/initrd-rt.cpio.gz
.PHONY: linux linux-rt

linux: $(LINUX_IMAGES)
linux-rt: $(LINUX_RT_IMAGES)

$(LINUX_STAMPS) &: | $(DEPS_OK)
	$(Q)scripts/fetch-linux.sh --arch $(ARCH) >/dev/null

# After the others: one fetch at a time, even under make -j.
$(LINUX_RT_STAMPS) &: | $(LINUX_STAMPS) $(DEPS_OK)
	$(Q)scripts/fetch-linux.sh --rt >/dev/null

# The package's kernel is the raw Image: its header's magic at 56 (LINUX_MAGIC, as od prints it).
$(LINUX_OUT)/Image: $(LINUX_PKG)/linux/.version
$(LINUX_OUT)/Image-rt: $(LINUX_PKG)/linux-rt/.version
$(LINUX_OUT)/Image $(LINUX_OUT)/Image-rt:
	@mkdir -p $(@D)
	@echo "  IMAGE   $@"
	$(Q)src=$$(echo $(<D)/boot/$(LINUX_KFILE)-*) && \
		[ "$$(od -An -tx4 -j56 -N4 $$src | tr -d ' ')" = '$(LINUX_MAGIC)' ] || \
		{ echo "$$src: not an $(ARCH) Image" >&2; exit 1; }; \
		cp $$src $@.tmp && mv $@.tmp $@

# No libc: raw system calls. vtshm takes the ping-pong message from the pingpong guest.
$(LINUX_OUT)/bin/%: guests/linux/%.c $(wildcard guests/linux/*.h) guests/linux/linux.mk | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC_T) $(TGT_FLAGS) -Iinclude -Iguests/pingpong -static -nostdlib -s \
		-Wl,--build-id=none -Wl,-z,max-page-size=4096 $< -lgcc -o $@

# What guests/linux/mkinitrd.sh puts in each initramfs besides busybox and
# /init: the kernel package's modules (as /lib/modules/NAME.ko, in the order
# they load), a package's program with its libraries, and our programs.
$(LINUX_OUT)/initrd.cpio.gz: private INITRD_ARGS := -k linux
$(LINUX_OUT)/initrd.cpio.gz: private INITRD_MODULES := $(LINUX_MODULES)
$(LINUX_OUT)/initrd.cpio.gz: $(LINUX_PKG)/linux/.version
$(LINUX_OUT)/initrd-rt.cpio.gz: private INITRD_ARGS := -k linux-rt -p rt-tests/usr/bin/cyclictest
$(LINUX_OUT)/initrd-rt.cpio.gz: $(LINUX_PKG)/linux-rt/.version $(LINUX_PKG)/rt-tests/.version
$(LINUX_OUT)/initrd.cpio.gz $(LINUX_OUT)/initrd-rt.cpio.gz: guests/linux/init guests/linux/mkinitrd.sh \
                             guests/linux/linux.mk $(LINUX_PKG)/busybox/.version \
                             $(LINUX_PROGRAMS) $(LINUX_SCRIPTS) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  INITRD  $@"
	$(Q)guests/linux/mkinitrd.sh $(INITRD_ARGS) $@ $(LINUX_PKG) $(INITRD_MODULES) $(LINUX_PROGRAMS) \
		$(LINUX_SCRIPTS)
