# The Linux guest's images: Debian's own arm64 kernel, unmodified, and an
# initramfs of busybox-static, guests/linux/init, the kernel package's
# uio module and the programs of guests/linux/. The packages are not in the tree: scripts/fetch-linux.sh
# downloads them into third_party/debian-arm64/ when they are missing
# (`scripts/fetch-linux.sh --refresh`, then `make linux`, follows the kernel
# to a new ABI). Included by the Makefile; `make linux` builds
# $(O)/linux/Image and initrd.cpio.gz.

LINUX_PKG    := third_party/debian-arm64
LINUX_STAMPS := $(patsubst %,$(LINUX_PKG)/%/.version,linux busybox)
LINUX_OUT    := $(O)/linux
# Into the initramfs as /lib/modules/NAME.ko, from the kernel package, in the order they load.
LINUX_MODULES := uio
# Into the initramfs as /bin/NAME: guests/linux/NAME.c, static and freestanding (raw system calls).
LINUX_PROGRAMS := $(patsubst %,$(LINUX_OUT)/bin/%,memhog vtshm)
LINUX_IMAGES := $(LINUX_OUT)/Image $(LINUX_OUT)/initrd.cpio.gz
.PHONY: linux

linux: $(LINUX_IMAGES)

$(LINUX_STAMPS) &: | $(DEPS_OK)
	$(Q)scripts/fetch-linux.sh >/dev/null

# The package's vmlinuz is the raw arm64 Image (its header's magic "ARM\x64" at 56).
$(LINUX_OUT)/Image: $(LINUX_PKG)/linux/.version
	@mkdir -p $(@D)
	@echo "  IMAGE   $@"
	$(Q)src=$$(echo $(LINUX_PKG)/linux/boot/vmlinuz-*) && \
		[ "$$(od -An -c -j56 -N4 $$src | tr -d ' ')" = 'ARMd' ] || \
		{ echo "$$src: not an arm64 Image" >&2; exit 1; }; \
		cp $$src $@.tmp && mv $@.tmp $@

# No libc: raw system calls. vtshm takes the ping-pong message from the pingpong guest.
$(LINUX_OUT)/bin/%: guests/linux/%.c $(wildcard guests/linux/*.h) guests/linux/linux.mk | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC_T) $(TGT_FLAGS) -Iinclude -Iguests/pingpong -static -nostdlib -s \
		-Wl,--build-id=none -Wl,-z,max-page-size=4096 $< -lgcc -o $@

$(LINUX_OUT)/initrd.cpio.gz: guests/linux/init guests/linux/mkinitrd.sh guests/linux/linux.mk \
                             $(LINUX_PKG)/linux/.version $(LINUX_PKG)/busybox/.version \
                             $(LINUX_PROGRAMS) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  INITRD  $@"
	$(Q)guests/linux/mkinitrd.sh $@ $(LINUX_PKG) $(LINUX_MODULES) $(LINUX_PROGRAMS)
