/*
 * The hypervisor's own EL2 stage-1 map: its image (text RX, rodata RO,
 * data RW) and its devices at PA + HYP_VA_OFFSET, nothing else. Built by
 * pCPU 0 with the MMU off, at the physical address, so this file uses no
 * initialised pointers before mmu_boot_done.
 */
#include <stdint.h>

#include <vitrine/config.h>

#include "arch.h"
#include "bootparam.h"
#include "color.h"
#include "cpu.h"
#include "entry.h"
#include "fmt.h"
#include "layout.h"
#include "log.h"
#include "membw.h"
#include "mmu.h"
#include "platform.h"
#include "pt.h"
#include "spinlock.h"
#include "string.h"
#include "sysreg.h"

extern char __hyp_start[], __text_end[], __rodata_end[], __hyp_end[];
extern char __vm_loads_start[], __vm_loads_end[];

/* The pool is cfg_pt_pool, sized by vmconfig for the config (cfg_system.pt_pool_pages). */
static uint32_t pt_pool_used;
static uint64_t *pt_pool_freed; /* given-back tables, linked through their first entry */
static struct spinlock mm_lock;
uint64_t mmu_root_pa; /* read by boot.S */
static struct pt hyp_pt;
/* Set at boot if the image was moved to its colours (mmu_boot_color), or could not be. */
static uint32_t mmu_colored, mmu_too_big;
static uint32_t mmu_llc_page; /* the emulated LLC's page is mapped (arch_llc_page) */
/*
 * A coloured image, tables included: where it went (mmu_hyp), where C sees
 * it (its physical address at boot, its virtual address after) and what
 * else is offset by (0, then HYP_VA_OFFSET).
 */
static struct cfg_region mmu_hyp;
static uint64_t mmu_hyp_base, mmu_offset;

/* A table's physical address, and back: what pt.c uses when the hypervisor is coloured. */
static uint64_t mmu_table_pa(const uint64_t *t)
{
	uint64_t a = (uintptr_t)t;

	if (a - mmu_hyp_base < mmu_hyp.size)
		return color_pa(&mmu_hyp, a - mmu_hyp_base);
	return a - mmu_offset;
}

static uint64_t *mmu_table_at(uint64_t pa)
{
	int64_t off = color_off(&mmu_hyp, pa);

	return (uint64_t *)(uintptr_t)(off >= 0 ? mmu_hyp_base + (uint64_t)off : pa + mmu_offset);
}

void mmu_pt_translate(struct pt *pt)
{
	if (mmu_colored) {
		pt->pa_of = mmu_table_pa;
		pt->table_at = mmu_table_at;
	}
}

uint64_t mmu_pt_root_pa(const struct pt *pt)
{
	return pt->pa_of ? pt->pa_of(pt->root) : (uintptr_t)pt->root - pt->va_offset;
}

/* Tables for every address space come from here; callers hold mm_lock (or run alone at boot). */
uint64_t *pt_pool_alloc(void)
{
	uint64_t *t = pt_pool_freed;

	if (t) {
		pt_pool_freed = (uint64_t *)(uintptr_t)t[0];
		t[0] = 0; /* the rest is zero: only empty tables are given back */
		return t;
	}
	if (pt_pool_used == cfg_system.pt_pool_pages)
		return 0;
	return cfg_pt_pool[pt_pool_used++];
}

static void pt_pool_free(uint64_t *t)
{
	t[0] = (uintptr_t)pt_pool_freed;
	pt_pool_freed = t;
}

static void mmu_map_or_hang(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	if (pt_map(pt, va, pa, size, attr))
		for (;;) /* no console yet: nothing better to do */
			;
}

/*
 * The config colours the hypervisor (`hypervisor colors`): map its image,
 * page tables included, page by page to pages of those colours and copy
 * it there. Runs with the MMU off, last thing before the MMU goes on, so
 * nothing is written after the copy that the moved image would miss;
 * secondary pCPUs still enter the original text, which stays, and find
 * mmu_root_pa there, written before the copy.
 */
static void mmu_boot_color(struct pt *pt, uint64_t start, uint64_t text_end, uint64_t ro_end,
                           uint64_t end)
{
	for (uint64_t at = start; at < end; at += COLOR_PAGE) {
		uint64_t attr = at < text_end ? PT_S1_NORMAL | PT_S1_RO
		                : at < ro_end ? PT_S1_NORMAL | PT_S1_RO | PT_XN
		                              : PT_S1_NORMAL | PT_XN;

		mmu_map_or_hang(pt, at + HYP_VA_OFFSET, color_pa(&mmu_hyp, at - start), COLOR_PAGE,
		                attr);
	}
	mmu_root_pa = mmu_table_pa(pt->root);
	mmu_colored = 1;
	mmu_hyp_base = start + HYP_VA_OFFSET; /* as the moved image will see itself */
	mmu_offset = HYP_VA_OFFSET;
	for (uint64_t at = start; at < end; at += COLOR_PAGE) /* the last writes before the MMU */
		memcpy((void *)(uintptr_t)color_pa(&mmu_hyp, at - start), (void *)(uintptr_t)at,
		       COLOR_PAGE);
}

void mmu_boot_build(void)
{
	/* At the physical address, symbol addresses are physical addresses. */
	uint64_t start = (uintptr_t)__hyp_start, text_end = (uintptr_t)__text_end;
	uint64_t ro_end = (uintptr_t)__rodata_end, end = (uintptr_t)__hyp_end;
	struct pt pt = {.alloc = pt_pool_alloc, .root_level = 0};
	int color = cfg_system.hyp_colors != 0;

	end = (end + 4095) & ~4095ull;
	if (color && end - start > CFG_HYP_COLORED_BYTES) {
		mmu_too_big = 1; /* said once there is a console */
		color = 0;
	}
	if (color) { /* the tables too will move: their entries hold where they will be */
		mmu_hyp = (struct cfg_region){
		    .pa = cfg_system.hyp_pa, .size = end - start, .colors = cfg_system.hyp_colors};
		mmu_hyp_base = start;
		pt.pa_of = mmu_table_pa;
		pt.table_at = mmu_table_at;
	}
	pt.root = pt_pool_alloc();
	if (!color) {
		mmu_map_or_hang(&pt, start + HYP_VA_OFFSET, start, text_end - start,
		                PT_S1_NORMAL | PT_S1_RO);
		mmu_map_or_hang(&pt, text_end + HYP_VA_OFFSET, text_end, ro_end - text_end,
		                PT_S1_NORMAL | PT_S1_RO | PT_XN);
		mmu_map_or_hang(&pt, ro_end + HYP_VA_OFFSET, ro_end, end - ro_end,
		                PT_S1_NORMAL | PT_XN);
	}
	/* The identity map of the text is only for the instant the MMU turns on. */
	mmu_map_or_hang(&pt, start, start, text_end - start, PT_S1_NORMAL | PT_S1_RO);
	mmu_map_or_hang(&pt, PLAT_BOOTPARAM_PA + HYP_VA_OFFSET, PLAT_BOOTPARAM_PA, 0x1000,
	                PT_S1_NORMAL | PT_S1_RO | PT_XN);
	/* The vms' loads stay where they were loaded, coloured hypervisor or not. */
	mmu_map_or_hang(&pt, (uintptr_t)__vm_loads_start + HYP_VA_OFFSET,
	                (uintptr_t)__vm_loads_start,
	                (uintptr_t)__vm_loads_end - (uintptr_t)__vm_loads_start,
	                PT_S1_NORMAL | PT_S1_RO | PT_XN);
	mmu_map_or_hang(&pt, PLAT_UART_BASE + HYP_VA_OFFSET, PLAT_UART_BASE, 0x1000, PT_S1_DEVICE);
	mmu_map_or_hang(&pt, PLAT_GICD_BASE + HYP_VA_OFFSET, PLAT_GICD_BASE, PLAT_GICD_SIZE,
	                PT_S1_DEVICE);
	mmu_map_or_hang(&pt, PLAT_GICR_BASE + HYP_VA_OFFSET, PLAT_GICR_BASE, PLAT_GICR_SIZE,
	                PT_S1_DEVICE);
	mmu_root_pa = (uintptr_t)pt.root;
	if (color)
		mmu_boot_color(&pt, start, text_end, ro_end, end);
}

uint64_t arch_hyp_pa(const void *va)
{
	unsigned level;
	uint64_t desc = pt_lookup(&hyp_pt, (uintptr_t)va, &level);
	uint64_t span = 1ull << PT_LEVEL_SHIFT(level);

	if (!desc)
		panic("no physical address for %p\n", va);
	return (desc & PT_ADDR_MASK & ~(span - 1)) + ((uintptr_t)va & (span - 1));
}

void arch_audit_hyp_colors(void)
{
	uint64_t frames = 0, outside = 0;
	uint64_t loads = (uintptr_t)__vm_loads_end - (uintptr_t)__vm_loads_start;
	char list[64];

	/* QEMU put them there already: past the reservation they overlap a vm's RAM. */
	if (loads > cfg_system.loads_size)
		panic("the vms' loads (%llu KiB) are bigger than their reservation (%llu KiB)\n",
		      (unsigned long long)loads >> 10,
		      (unsigned long long)cfg_system.loads_size >> 10);
	if (mmu_too_big)
		log_printf(
		    "hypervisor: its image (%llu KiB) is bigger than its colours' reservation "
		    "(%llu KiB): left uncoloured\n",
		    (unsigned long long)((uintptr_t)__hyp_end - (uintptr_t)__hyp_start) >> 10,
		    (unsigned long long)CFG_HYP_COLORED_BYTES >> 10);
	if (!mmu_colored)
		return;
	for (uintptr_t va = (uintptr_t)__hyp_start; va < (uintptr_t)__hyp_end; va += COLOR_PAGE) {
		frames++;
		outside += !(cfg_system.hyp_colors >> color_of(arch_hyp_pa((void *)va)) & 1);
	}
	log_printf("hypervisor: colours %s: %llu frames of its image (page tables included), "
	           "%llu outside their colours\n",
	           color_list(cfg_system.hyp_colors, list, sizeof list), (unsigned long long)frames,
	           (unsigned long long)outside);
}

uint32_t arch_boot_param(void)
{
	uint64_t w = *(volatile uint64_t *)(uintptr_t)(PLAT_BOOTPARAM_PA + HYP_VA_OFFSET);

	return w >> 32 == BOOTPARAM_MAGIC ? (uint32_t)w : 0;
}

const volatile struct vt_llc_page *arch_llc_page(void)
{
	return mmu_llc_page ? (const volatile struct vt_llc_page *)(uintptr_t)(PLAT_LLC_PAGE_PA +
	                                                                       HYP_VA_OFFSET)
	                    : NULL;
}

uintptr_t arch_device_va(uint64_t pa)
{
	return (uintptr_t)(pa + HYP_VA_OFFSET);
}

/* Only configs that use PCIe map the SMMU and the ECAM: other runs may have neither. */
uintptr_t arch_map_device(uint64_t pa, uint64_t size)
{
	if (mmu_pt_map(&hyp_pt, pa + HYP_VA_OFFSET, pa, size, PT_S1_DEVICE))
		panic("cannot map the device at PA 0x%llx\n", (unsigned long long)pa);
	dsb(ishst);
	isb();
	return arch_device_va(pa);
}

static void mmu_tlb_flush_all_cpus(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" ::: "memory");
	dsb(ish);
	isb();
}

/* A load window is only ever used by its own pCPU: a local flush is enough. */
static void mmu_tlb_flush_this_cpu(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(nsh);
	isb();
}

/* pCPU 0, first thing at the virtual address: the tables, as C sees them from now on. */
void mmu_init(void)
{
	hyp_pt = (struct pt){
	    .va_offset = HYP_VA_OFFSET,
	    .alloc = pt_pool_alloc,
	    .free = pt_pool_free,
	    .root_level = 0,
	};
	mmu_pt_translate(&hyp_pt);
	hyp_pt.root = hyp_pt.table_at ? hyp_pt.table_at(mmu_root_pa)
	                              : (uint64_t *)(uintptr_t)(mmu_root_pa + HYP_VA_OFFSET);
	/* Bandwidth regulation reads the emulated bus counts (a new entry: no TLB to flush). */
	if (membw_any()) {
		if (mmu_pt_map(&hyp_pt, PLAT_LLC_PAGE_PA + HYP_VA_OFFSET, PLAT_LLC_PAGE_PA, 0x1000,
		               PT_S1_NORMAL | PT_S1_RO | PT_XN))
			panic("cannot map the emulated LLC's page\n");
		dsb(ishst);
		isb();
		mmu_llc_page = 1;
	}
}

/* All pCPUs run at their virtual addresses now: drop the identity map. */
void arch_boot_done(void)
{
	spin_lock(&mm_lock);
	if (pt_unmap(&hyp_pt, (uintptr_t)__hyp_start - HYP_VA_OFFSET,
	             (uintptr_t)__text_end - (uintptr_t)__hyp_start))
		panic("cannot remove the boot identity map\n");
	mmu_tlb_flush_all_cpus();
	spin_unlock(&mm_lock);
}

uint64_t *mmu_table_alloc(void)
{
	uint64_t *t;

	spin_lock(&mm_lock);
	t = pt_pool_alloc();
	spin_unlock(&mm_lock);
	return t;
}

/* Build a table in any address space (stage-2 included) from the shared pool. */
int mmu_pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	int r;

	spin_lock(&mm_lock);
	r = pt_map(pt, va, pa, size, attr);
	spin_unlock(&mm_lock);
	return r;
}

/* A tree for the IPA space (PLAT_IPA_BITS, root at level 1): a VM's stage 2, or the SMMU's copy. */
int mmu_pt_new_ipa(struct pt *pt)
{
	pt->va_offset = HYP_VA_OFFSET;
	mmu_pt_translate(pt);
	pt->alloc = pt_pool_alloc;
	pt->root_level = 1;
	pt->root = mmu_table_alloc();
	return pt->root ? 0 : -1;
}

/* A config region at its IPA, by its physically contiguous runs: whole (in blocks) if uncoloured.
 */
int mmu_pt_map_region(struct pt *pt, const struct cfg_region *r, uint64_t attr)
{
	for (uint64_t off = 0, run; off < r->size; off += run) {
		run = color_run(r, off);
		if (mmu_pt_map(pt, r->ipa + off, color_pa(r, off), run, attr))
			return -1;
	}
	return 0;
}

void *arch_window_map(uint64_t pa, uint64_t size)
{
	uint64_t va = HYP_WINDOW_VA + (uint64_t)arch_cpu_this()->id * HYP_WINDOW_SIZE;

	if (size > HYP_WINDOW_SIZE || mmu_pt_map(&hyp_pt, va, pa, size, PT_S1_NORMAL | PT_XN))
		panic("cannot map PA 0x%llx (+0x%llx) to load a VM\n", (unsigned long long)pa,
		      (unsigned long long)size);
	dsb(ishst);
	isb();
	return (void *)(uintptr_t)va;
}

void arch_window_unmap(void *va, uint64_t size)
{
	spin_lock(&mm_lock);
	if (pt_unmap(&hyp_pt, (uintptr_t)va, size))
		panic("cannot unmap the load window\n");
	mmu_tlb_flush_this_cpu();
	spin_unlock(&mm_lock);
}

/* Zero with DC ZVA, a cache block per instruction, where the CPU allows it. */
void arch_zero(void *va, uint64_t size)
{
	uint64_t dczid = sysreg_read(dczid_el0);
	uint64_t block = 4ull << (dczid & 0xf);
	uintptr_t p = (uintptr_t)va;

	if (dczid & (1u << 4) || (p | size) & (block - 1)) {
		memset(va, 0, size);
		return;
	}
	for (; p < (uintptr_t)va + size; p += block)
		__asm__ volatile("dc zva, %0" ::"r"(p) : "memory");
}

void arch_dcache_clean(const void *va, uint64_t size)
{
	uint64_t line = 4ull << ((sysreg_read(ctr_el0) >> 16) & 0xf);

	for (uintptr_t p = (uintptr_t)va & ~(line - 1); p < (uintptr_t)va + size; p += line)
		__asm__ volatile("dc civac, %0" ::"r"(p) : "memory");
	dsb(ish);
}

static uint64_t mmu_rings_size; /* bytes mapped at HYP_RINGS_VA */

void arch_map_ring_page(uint64_t off, uint64_t pa)
{
	mmu_map_or_hang(&hyp_pt, HYP_RINGS_VA + off, pa, COLOR_PAGE, PT_S1_NORMAL | PT_XN);
}

void *arch_rings_mapped(uint64_t size)
{
	dsb(ishst);
	mmu_tlb_flush_this_cpu();
	mmu_rings_size = size;
	return (void *)HYP_RINGS_VA;
}

struct mmu_audit {
	uint64_t image, devices, rings, other;
};

static void mmu_audit_leaf(void *ctx, uint64_t va, uint64_t desc, unsigned level)
{
	struct mmu_audit *a = ctx;
	uint64_t span = 1ull << PT_LEVEL_SHIFT(level);
	uint64_t pa = desc & PT_ADDR_MASK & ~(span - 1);
	/* the image, the rest of the hypervisor's RAM, and the vms' loads after it */
	uint64_t image_lo = PLAT_HYP_BASE;
	uint64_t image_hi = PLAT_HYP_BASE + PLAT_HYP_SIZE + cfg_system.loads_size;

	if (va - HYP_RINGS_VA < mmu_rings_size)
		a->rings += span;
	else if (mmu_colored && va >= (uintptr_t)__hyp_start && va < (uintptr_t)__hyp_end)
		a->image += span; /* moved to its colours */
	else if (va - pa != HYP_VA_OFFSET)
		a->other += span;
	else if (pa >= image_lo && pa + span <= image_hi)
		a->image += span;
	else if ((pa == PLAT_UART_BASE && span == 0x1000) ||
	         (mmu_llc_page && pa == PLAT_LLC_PAGE_PA && span == 0x1000) ||
	         (pa >= PLAT_GICD_BASE && pa + span <= PLAT_GICD_BASE + PLAT_GICD_SIZE) ||
	         (pa >= PLAT_GICR_BASE && pa + span <= PLAT_GICR_BASE + PLAT_GICR_SIZE) ||
	         (pa >= PLAT_SMMU_BASE && pa + span <= PLAT_SMMU_BASE + PLAT_SMMU_SIZE) ||
	         (pa >= PLAT_PCIE_ECAM_BASE &&
	          pa + span <= PLAT_PCIE_ECAM_BASE + PLAT_PCIE_ECAM_BUS_SIZE))
		a->devices += span;
	else
		a->other += span;
}

/*
 * Prove, from the tables themselves, that the hypervisor maps nothing but
 * its image and its devices (no VM memory) at the moment of the call.
 */
void arch_audit_hyp_map(void)
{
	struct mmu_audit a = {0, 0, 0, 0};
	char rings[48] = "";

	spin_lock(&mm_lock);
	pt_walk(&hyp_pt, mmu_audit_leaf, &a);
	spin_unlock(&mm_lock);
	if (a.rings)
		fmt_snprintf(rings, sizeof rings, "%llu KiB coloured trace rings, ",
		             (unsigned long long)a.rings >> 10);
	log_printf("EL2 map: %llu KiB hypervisor image, %llu KiB devices, %s%llu KiB other\n",
	           (unsigned long long)a.image >> 10, (unsigned long long)a.devices >> 10, rings,
	           (unsigned long long)a.other >> 10);
}
