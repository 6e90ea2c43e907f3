/*
 * A vm that boots a Linux kernel (`kernel`, `initrd`, `dtb`, `bootargs`):
 * its Image header is checked (arm64's and riscv64's share the fields read
 * here; the magic at 56 is the platform's, PLAT_KERNEL_MAGIC), then its
 * blobs are placed in its first mem region as the boot protocols ask: the
 * kernel at a 2 MiB aligned base (plus text_offset on arm64) with
 * image_size free from there, the initrd at the top of the region, the DTB
 * (8-byte aligned, at most 2 MiB) below it. vCPU 0 enters the kernel with
 * the DTB's IPA in x0 (arm64) or a1 (riscv64, a0 being the hart ID).
 */
#include <string.h>

#include "vmconfig.h"

#define CFGK_HEADER 64
#define CFGK_ALIGN (2ull << 20)
#define CFGK_DTB_MAX (2ull << 20)
#define CFGK_FLAG_BE 1ull                /* bit 0: a big-endian kernel */
#define CFGK_FLAG_PAGE(f) ((f) >> 1 & 3) /* bits 1-2: 0 unspecified, 1 4K, 2 16K, 3 64K */

static uint64_t cfgk_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void cfgk_err(const struct vmc_config *c, const struct vmc_vm *vm, int line,
                     const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cfgk_err(const struct vmc_config *c, const struct vmc_vm *vm, int line,
                     const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, line, "vm", vm->name, field, fmt, ap);
	va_end(ap);
}

/* The Image header: magic, then the fields this hypervisor relies on, each named if wrong. */
static bool cfgk_header(const struct vmc_config *c, struct vmc_vm *vm)
{
	const struct vmc_file *k = &vm->kernel;
	static const char *const pages[] = {"unspecified", "4K", "16K", "64K"};
	uint8_t h[CFGK_HEADER];
	uint32_t magic;

	if (!cfgi_find_file(c, vm, &vm->kernel, "kernel"))
		return false;
	if (k->size < CFGK_HEADER) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s' (%" PRIu64 " bytes) is too small for " PLAT_KERNEL_KIND
		         " header (%d bytes)",
		         k->name, k->size, CFGK_HEADER);
		return false;
	}
	if (!cfgi_read(c, vm, k, "kernel", 0, h, sizeof h))
		return false;
	magic = (uint32_t)cfgk_le(h + 56, 4);
	/* 0 where the platform places the kernel at the base itself (PLAT_KERNEL_TEXT_OFFSET) */
	vm->khdr.text_offset = PLAT_KERNEL_TEXT_OFFSET ? cfgk_le(h + 8, 8) : 0;
	vm->khdr.image_size = cfgk_le(h + 16, 8);
	vm->khdr.flags = cfgk_le(h + 24, 8);
	if (magic != PLAT_KERNEL_MAGIC) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s' is not " PLAT_KERNEL_KIND
		         ": magic at offset 56 is 0x%08x, not 0x%08x",
		         k->name, magic, PLAT_KERNEL_MAGIC);
		return false;
	}
	if (vm->khdr.flags & CFGK_FLAG_BE) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s': flags 0x%" PRIx64 " say a big-endian kernel (bit 0)", k->name,
		         vm->khdr.flags);
		return false;
	}
	if (CFGK_FLAG_PAGE(vm->khdr.flags) > 1) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s': flags 0x%" PRIx64 " say %s pages (bits 1-2): only 4K is supported",
		         k->name, vm->khdr.flags, pages[CFGK_FLAG_PAGE(vm->khdr.flags)]);
		return false;
	}
	if (!vm->khdr.image_size || vm->khdr.text_offset % VMC_PAGE ||
	    vm->khdr.text_offset >= CFGK_ALIGN) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s': image_size 0x%" PRIx64 " or text_offset 0x%" PRIx64
		         " unusable (image_size must not be 0, text_offset must be 4 KiB aligned "
		         "and below 2 MiB)",
		         k->name, vm->khdr.image_size, vm->khdr.text_offset);
		return false;
	}
	if (k->size > vm->khdr.image_size) {
		cfgk_err(c, vm, k->line, "kernel",
		         "'%s' (%" PRIu64 " bytes) is bigger than its image_size (0x%" PRIx64 ")",
		         k->name, k->size, vm->khdr.image_size);
		return false;
	}
	return true;
}

/*
 * Takes size bytes, 4 KiB aligned, from the top of [bottom, *top): the
 * blob goes there and *top comes down to it. false (and said) if they do
 * not fit above bottom, the kernel's end.
 */
static bool cfgk_below(const struct vmc_config *c, const struct vmc_vm *vm, struct vmc_file *f,
                       const char *field, uint64_t bottom, uint64_t *top)
{
	uint64_t room = *top - bottom;

	if (f->size > room || ((*top - f->size) & ~(VMC_PAGE - 1)) < bottom) {
		cfgk_err(c, vm, f->line ? f->line : vm->kernel.line, field,
		         "%s (%" PRIu64
		         " bytes) does not fit between the kernel's end at IPA " VMC_X
		         " and IPA " VMC_X " (%" PRIu64 " bytes free)",
		         field, f->size, bottom, *top, room);
		return false;
	}
	f->ipa = (*top - f->size) & ~(VMC_PAGE - 1);
	*top = f->ipa;
	return true;
}

void cfgk_check(const struct vmc_config *c, struct vmc_vm *vm, const struct vmc_region *ram)
{
	const int *set[] = {&vm->load_line, &vm->entry_line, &vm->arg_line};
	static const char *const names[] = {"load", "entry", "arg"};
	uint64_t end, kend, top;

	for (int i = 0; i < 3; i++)
		if (*set[i])
			cfgk_err(c, vm, *set[i], names[i],
			         "set by the kernel's placement (the kernel's entry, x0 = the "
			         "DTB's IPA): remove it");
	if (vm->image.line)
		cfgk_err(c, vm, vm->kernel.line, "kernel",
		         "a vm has an image or a kernel, not both (image at line %d)",
		         vm->image.line);
	if (vm->initrd.line)
		cfgi_find_file(c, vm, &vm->initrd, "initrd"); /* size stays 0 if not: said */
	if (!cfgk_header(c, vm) || vm->image.line || !ram || ram->bad)
		return;
	end = ram->ipa + ram->size;
	vm->khdr.base = (ram->ipa + CFGK_ALIGN - 1) & ~(CFGK_ALIGN - 1);
	/* image_size is the file's word: compared, never added before it is known to fit */
	if (vm->khdr.base >= end || end - vm->khdr.base < vm->khdr.text_offset ||
	    end - vm->khdr.base - vm->khdr.text_offset < vm->khdr.image_size) {
		cfgk_err(c, vm, vm->kernel.line, "kernel",
		         "image_size 0x%" PRIx64 " + text_offset 0x%" PRIx64
		         " from the 2 MiB-aligned IPA " VMC_X " does not fit in mem [" VMC_X
		         ", " VMC_X ") at line %d",
		         vm->khdr.image_size, vm->khdr.text_offset, vm->khdr.base, ram->ipa, end,
		         ram->line);
		return;
	}
	vm->kernel.ipa = vm->khdr.base + vm->khdr.text_offset;
	kend = vm->kernel.ipa + vm->khdr.image_size;
	vm->load = vm->entry = vm->kernel.ipa;
	top = end;
	if (vm->initrd.line &&
	    (!vm->initrd.size || !cfgk_below(c, vm, &vm->initrd, "initrd", kend, &top)))
		return;
	if (!cfgd_build(c, vm))
		return;
	if (vm->dtb.size > CFGK_DTB_MAX) {
		cfgk_err(c, vm, vm->dtb.line ? vm->dtb.line : vm->kernel.line, "dtb",
		         "the device tree is %" PRIu64 " bytes: at most 2 MiB", vm->dtb.size);
		return;
	}
	if (cfgk_below(c, vm, &vm->dtb, "dtb", kend, &top)) {
		vm->arg = vm->dtb.ipa;
		vm->dtb_checked = true;
	}
}
