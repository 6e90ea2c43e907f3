/*
 * The hypervisor's own Sv39 map: its image at VA == PA, each part with its
 * own permissions, the boot parameter page, its UART, per-pCPU windows
 * where a VM's memory is mapped only while vm_load fills it, and coloured
 * trace rings (`trace colors`) at HYP_RINGS_VA. A coloured image
 * (`hypervisor colors`) keeps its addresses, page tables included, each
 * page mapped to a frame of its colours and copied there as the MMU goes
 * on; the original stays, for secondary harts to enter.
 */
#include "arch.h"
#include "bootparam.h"
#include "color.h"
#include "cpu.h"
#include "fmt.h"
#include "gpt.h"
#include "layout.h"
#include "log.h"
#include "mmu.h"
#include "plic.h"
#include "spinlock.h"
#include "string.h"

extern char __hyp_start[], __text_end[], __rodata_end[], __hyp_end[];
extern char __vm_loads_start[], __vm_loads_end[];

static struct gpt hyp_pt;
static struct spinlock mm_lock;
static uint64_t mmu_rings_size; /* bytes mapped at HYP_RINGS_VA */
uint64_t mmu_satp;
/* The coloured image's frames (size 0: not coloured), or why it could not be. */
static struct cfg_region mmu_hyp;
static uint32_t mmu_too_big;

uint64_t mmu_pa(const void *va)
{
	uint64_t off = (uintptr_t)va - (uintptr_t)__hyp_start;

	return off < mmu_hyp.size ? color_pa(&mmu_hyp, off) : (uintptr_t)va;
}

uint64_t *mmu_table_at(uint64_t pa)
{
	int64_t off = color_off(&mmu_hyp, pa);

	return (uint64_t *)(uintptr_t)(off >= 0 ? (uintptr_t)__hyp_start + (uint64_t)off : pa);
}

static void mmu_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t attr, const char *what)
{
	spin_lock(&mm_lock);
	if (gpt_map(&hyp_pt, va, pa, size, attr | GPT_G))
		panic("cannot map %s at 0x%llx (+0x%llx)\n", what, (unsigned long long)va,
		      (unsigned long long)size);
	spin_unlock(&mm_lock);
}

/* A part of the image: where it is, or page by page in its colours. */
static void mmu_map_image(const char *start, const char *end, uint64_t attr, const char *what)
{
	uintptr_t s = (uintptr_t)start, e = (uintptr_t)end;

	if (e > s && !mmu_hyp.size)
		mmu_map(s, s, e - s, attr, what);
	for (uintptr_t at = s; mmu_hyp.size && at < e; at += COLOR_PAGE)
		mmu_map(at, mmu_pa((const void *)at), COLOR_PAGE, attr, what);
}

/* The image colours itself if the config says so and it fits its colours' reservation. */
static void mmu_color_plan(void)
{
	uint64_t size = (uintptr_t)__hyp_end - (uintptr_t)__hyp_start;

	if (!cfg_system.hyp_colors)
		return;
	if (size > CFG_HYP_COLORED_BYTES) {
		mmu_too_big = 1; /* said by arch_audit_hyp_colors */
		return;
	}
	mmu_hyp = (struct cfg_region){
	    .pa = cfg_system.hyp_pa, .size = size, .colors = cfg_system.hyp_colors};
}

/*
 * Copy the image to its colours and turn the MMU on: the last writes with
 * it off, so nothing is written that the copy would miss (this function's
 * frame was saved before). Word by word, calling nothing.
 */
static __attribute__((noinline)) void mmu_color_move(void)
{
	for (uintptr_t at = (uintptr_t)__hyp_start; at < (uintptr_t)__hyp_end; at += COLOR_PAGE) {
		uint64_t *to = (uint64_t *)(uintptr_t)mmu_pa((const void *)at);
		const uint64_t *from = (const uint64_t *)at;

		for (unsigned i = 0; i < COLOR_PAGE / 8; i++)
			to[i] = from[i];
	}
	__asm__ volatile("fence rw, rw" ::: "memory");
	csr_write(satp, mmu_satp);
	__asm__ volatile("sfence.vma\n\tfence.i" ::: "memory");
}

void mmu_init(void)
{
	mmu_color_plan();
	hyp_pt = (struct gpt){.root = gpt_alloc(1), .root_entries = 512};
	mmu_map_image(__hyp_start, __text_end, GPT_R | GPT_X, "the hypervisor's code");
	mmu_map_image(__text_end, __rodata_end, GPT_R, "its read-only data");
	mmu_map_image(__rodata_end, __hyp_end, GPT_R | GPT_W, "its data");
	mmu_map_image(__vm_loads_start, __vm_loads_end, GPT_R, "the VMs' images");
	mmu_map(PLAT_BOOTPARAM_PA, PLAT_BOOTPARAM_PA, 0x1000, GPT_R, "the boot parameters");
	mmu_map(PLAT_UART_BASE, PLAT_UART_BASE, 0x1000, GPT_R | GPT_W, "the UART");
	/* The PLIC's priorities, pending bits and enables, and its contexts' registers. */
	mmu_map(PLAT_PLIC_BASE, PLAT_PLIC_BASE, PLIC_CONTEXT, GPT_R | GPT_W, "the PLIC");
	mmu_map(PLAT_PLIC_BASE + PLIC_CONTEXT, PLAT_PLIC_BASE + PLIC_CONTEXT,
	        PLIC_CONTEXT_STRIDE * (PLAT_PLIC_S_CONTEXT(PLAT_CPU_NUM - 1) + 1), GPT_R | GPT_W,
	        "the PLIC's contexts");
	mmu_satp = SATP_SV39 | mmu_pa(hyp_pt.root) >> 12;
	if (mmu_hyp.size)
		mmu_color_move();
}

/* On each pCPU, once mmu_init has built the tables (a secondary's boot.S has turned it on). */
void mmu_enable(void)
{
	csr_write(satp, mmu_satp);
	__asm__ volatile("sfence.vma" ::: "memory");
}

uintptr_t arch_device_va(uint64_t pa)
{
	return (uintptr_t)pa;
}

uint64_t arch_hyp_pa(const void *va)
{
	return mmu_pa(va);
}

/* Every frame of the coloured image, as the tables map it: of its colours? */
void arch_audit_hyp_colors(void)
{
	uint64_t frames = 0, outside = 0, pa;
	char list[64];

	if (mmu_too_big)
		log_printf(
		    "hypervisor: its image (%llu KiB) is bigger than its colours' reservation "
		    "(%llu KiB): left uncoloured\n",
		    (unsigned long long)((uintptr_t)__hyp_end - (uintptr_t)__hyp_start) >> 10,
		    (unsigned long long)CFG_HYP_COLORED_BYTES >> 10);
	if (!mmu_hyp.size)
		return;
	for (uintptr_t va = (uintptr_t)__hyp_start; va < (uintptr_t)__hyp_end; va += COLOR_PAGE) {
		frames++;
		spin_lock(&mm_lock);
		if (!gpt_lookup(&hyp_pt, va, &pa))
			pa = va; /* not mapped at all: counted as outside */
		spin_unlock(&mm_lock);
		outside += pa == va || !(cfg_system.hyp_colors >> color_of(pa) & 1);
	}
	log_printf("hypervisor: colours %s: %llu frames of its image (page tables included), "
	           "%llu outside their colours\n",
	           color_list(cfg_system.hyp_colors, list, sizeof list), (unsigned long long)frames,
	           (unsigned long long)outside);
}

uint32_t arch_boot_param(void)
{
	uint64_t w = *(const volatile uint64_t *)(uintptr_t)PLAT_BOOTPARAM_PA;

	return w >> 32 == BOOTPARAM_MAGIC ? (uint32_t)w : 0;
}

void *arch_window_map(uint64_t pa, uint64_t size)
{
	uint64_t va = HYP_WINDOW_VA + (uint64_t)arch_cpu_this()->id * HYP_WINDOW_SIZE;

	va += pa & ((1ull << 30) - 1); /* superpages wherever pa allows them */
	if (size > HYP_WINDOW_SIZE / 2)
		panic("cannot map PA 0x%llx (+0x%llx) to load a VM\n", (unsigned long long)pa,
		      (unsigned long long)size);
	mmu_map(va, pa, size, GPT_R | GPT_W, "a VM's memory to load it");
	return (void *)(uintptr_t)va;
}

void arch_window_unmap(void *va, uint64_t size)
{
	spin_lock(&mm_lock);
	if (gpt_unmap(&hyp_pt, (uintptr_t)va, size))
		panic("cannot unmap the load window\n");
	__asm__ volatile("sfence.vma" ::: "memory");
	spin_unlock(&mm_lock);
}

void arch_zero(void *va, uint64_t size)
{
	memset(va, 0, size);
}

/* QEMU's harts are coherent, and RISC-V has no cache maintenance without Zicbom. */
void arch_dcache_clean(const void *va, uint64_t size)
{
	(void)va;
	(void)size;
	__asm__ volatile("fence rw, rw" ::: "memory");
}

void arch_icache_invalidate(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

void arch_map_ring_page(uint64_t off, uint64_t pa)
{
	mmu_map(HYP_RINGS_VA + off, pa, COLOR_PAGE, GPT_R | GPT_W, "the trace rings");
}

void *arch_rings_mapped(uint64_t size)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	mmu_rings_size = size;
	return (void *)HYP_RINGS_VA;
}

/* Bytes mapped by the hypervisor: all, its devices', its coloured trace rings'. */
struct mmu_audit {
	uint64_t all, devices, rings;
};

static void mmu_audit_table(struct mmu_audit *a, uint64_t va, unsigned depth,
                            const uint64_t *table);

/* What the map holds: the image (and the VMs' images), devices, the rings, and anything else. */
void arch_audit_hyp_map(void)
{
	struct mmu_audit a = {0, 0, 0};
	uint64_t image = (uintptr_t)__hyp_end - (uintptr_t)__hyp_start + (uintptr_t)__vm_loads_end -
	                 (uintptr_t)__vm_loads_start + 0x1000; /* and the boot parameter page */
	char rings[48] = "";

	spin_lock(&mm_lock);
	mmu_audit_table(&a, 0, 2, hyp_pt.root);
	spin_unlock(&mm_lock);
	if (a.rings)
		fmt_snprintf(rings, sizeof rings, "%llu KiB coloured trace rings, ",
		             (unsigned long long)a.rings >> 10);
	log_printf("HS map: %llu KiB hypervisor image, %llu KiB devices, %s%llu KiB other\n",
	           (unsigned long long)image >> 10, (unsigned long long)a.devices >> 10, rings,
	           (unsigned long long)(a.all - a.devices - a.rings - image) >> 10);
}

/* The leaves under table (at level depth, va its first address), counted into a. */
static void mmu_audit_table(struct mmu_audit *a, uint64_t va, unsigned depth, const uint64_t *table)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = table[i], at = va + ((uint64_t)i << (12 + 9 * depth));
		uint64_t span = 1ull << (12 + 9 * depth);

		if (!(e & GPT_V))
			continue;
		if (!(e & GPT_LEAF)) {
			if (depth)
				mmu_audit_table(a, at, depth - 1, mmu_table_at(e >> 10 << 12));
			continue;
		}
		a->all += span;
		if (at - HYP_RINGS_VA < mmu_rings_size)
			a->rings += span;
		else if (at - PLAT_RAM_BASE >= PLAT_RAM_SIZE)
			a->devices += span;
	}
}
