# The Linux guest's images: Debian's own arm64 kernel, unmodified, and an
# initramfs of busybox-static, guests/linux/init and kernel modules: the
# kernel package's, and those it leaves out built against its headers. The
# packages are not in the tree: scripts/fetch-linux.sh downloads them into
# third_party/debian-arm64/ when they are missing (`scripts/fetch-linux.sh
# --refresh`, then `make linux`, follows the kernel to a new ABI). Included
# by the Makefile; `make linux` builds $(O)/linux/Image, System.map and
# initrd.cpio.gz.

LINUX_PKG    := third_party/debian-arm64
LINUX_STAMPS := $(patsubst %,$(LINUX_PKG)/%/.version,linux busybox map kbuild src)
LINUX_OUT    := $(O)/linux
# Built here from linux-source's drivers/uio/NAME.c: Debian's kernel has
# CONFIG_UIO_PDRV_GENIRQ off. Built unsigned, so loading one taints the
# kernel (its CONFIG_MODULE_SIG_FORCE is off; under lockdown it would fail).
LINUX_KMODS  := $(patsubst %,$(LINUX_OUT)/kmod/%.ko,uio_pdrv_genirq)
# Into the initramfs as /lib/modules/NAME.ko: names from the kernel
# package, then the built ones, in the order they load.
LINUX_MODULES := uio $(LINUX_KMODS)
LINUX_IMAGES := $(LINUX_OUT)/Image $(LINUX_OUT)/System.map $(LINUX_OUT)/initrd.cpio.gz
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

$(LINUX_OUT)/System.map: $(LINUX_PKG)/map/.version
	@mkdir -p $(@D)
	$(Q)cp $(LINUX_PKG)/map/usr/lib/debug/boot/System.map-* $@

# Kbuild as Debian's headers package has it, for an external module. The
# outer make's flags and variables (O= above all, which would be kbuild's
# output directory) are not passed down. Debug info stripped, as Debian's are.
$(LINUX_OUT)/kmod/%.ko: $(LINUX_PKG)/kbuild/.version $(LINUX_PKG)/src/.version | $(DEPS_OK)
	@echo "  KMOD    $@"
	$(Q)rm -rf $(@D)/$* && mkdir -p $(@D)/$* && cp $(LINUX_PKG)/src/drivers/uio/$*.c $(@D)/$*/ && \
		echo 'obj-m := $*.o' >$(@D)/$*/Kbuild && \
		hdr=$$(echo $(LINUX_PKG)/kbuild/usr/src/linux-headers-*-arm64) && \
		common=$$(echo $(LINUX_PKG)/kbuild/usr/src/linux-headers-*-common) && \
		MAKEFLAGS= MAKEOVERRIDES= make -s -C $$hdr -f $(abspath $$common)/Makefile \
			M=$(abspath $(@D)/$*) ARCH=arm64 CROSS_COMPILE=$(CROSS) modules >$(@D)/$*.log 2>&1 || \
		{ cat $(@D)/$*.log >&2; exit 1; }
	$(Q)$(CROSS)strip --strip-debug -o $@ $(@D)/$*/$*.ko

$(LINUX_OUT)/initrd.cpio.gz: guests/linux/init guests/linux/mkinitrd.sh guests/linux/linux.mk \
                             $(LINUX_PKG)/linux/.version $(LINUX_PKG)/busybox/.version $(LINUX_KMODS) | $(DEPS_OK)
	@mkdir -p $(@D)
	@echo "  INITRD  $@"
	$(Q)guests/linux/mkinitrd.sh $@ $(LINUX_PKG) $(LINUX_MODULES)
