/*
 * A VM's architectural set-up: its virtual GIC at the platform's GIC
 * addresses, and stage-2 translation: one table tree and VMID per VM, built once from the
 * config. 39-bit IPA space (start at level 1); RAM and shared memory are
 * normal write-back memory, pass-through devices are device nGnRE and never
 * executable. Emulated devices are left unmapped so their accesses trap.
 */
#include "arch.h"
#include "color.h"
#include "entry.h"
#include "log.h"
#include "mmu.h"
#include "sysreg.h"
#include "vm.h"

#define VTCR_VALUE                                                                                 \
	(25ul | (1ul << 6) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (2ul << 16) | (1ul << 31))

/* The config checker refuses IPAs from PLAT_IPA_BITS up: it must be what T0SZ and level 1 give. */
_Static_assert((VTCR_VALUE & 0x3f) == 64 - PLAT_IPA_BITS && PT_LEVEL_SHIFT(1) + 9 == PLAT_IPA_BITS,
               "stage 2 translates PLAT_IPA_BITS of IPA");

static uint64_t s2_attr(const struct cfg_region *r)
{
	uint64_t a = r->kind == CFG_REGION_DEVICE ? PT_S2_DEVICE : PT_S2_NORMAL;

	a |= PT_S2_R;
	if (r->flags & CFG_REGION_WRITE)
		a |= PT_S2_W;
	return a;
}

int s2_map_range(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size, uint64_t attr)
{
	return mmu_pt_map(&vm->arch.s2, ipa, pa, size, attr);
}

struct s2_audit {
	const struct vm *vm;
	uint64_t frames, outside;
};

/* Every 4 KiB frame of a leaf that maps coloured memory: is it of its region's colours? */
static void s2_audit_leaf(void *ctx, uint64_t ipa, uint64_t desc, unsigned level)
{
	struct s2_audit *a = ctx;
	uint64_t size = 1ull << PT_LEVEL_SHIFT(level), pa = desc & PT_ADDR_MASK;

	for (uint32_t i = 0; i < a->vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &a->vm->cfg->regions[i];

		if (!r->colors || ipa - r->ipa >= r->size)
			continue;
		for (uint64_t off = 0; off < size; off += COLOR_PAGE) {
			a->frames++;
			a->outside += !(r->colors >> color_of(pa + off) & 1);
		}
	}
}

/* Walk vm's stage-2 tables and say whether its coloured RAM and channels are in their colours. */
void arch_vm_audit_colors(const struct vm *vm)
{
	struct s2_audit a = {vm, 0, 0};
	uint32_t colors = 0;

	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++)
		colors |= vm->cfg->regions[i].colors;
	if (colors)
		pt_walk(&vm->arch.s2, s2_audit_leaf, &a);
	color_audit_log(vm->cfg->name, colors, a.frames, a.outside);
}

void arch_vm_init(struct vm *vm)
{
	struct pt *s2 = &vm->arch.s2;

	if (mmu_pt_new_ipa(s2))
		panic("out of page tables for VM %s\n", vm->cfg->name);
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (mmu_pt_map_region(s2, r, s2_attr(r)))
			panic("VM %s: cannot map IPA 0x%llx\n", vm->cfg->name,
			      (unsigned long long)r->ipa);
	}
	dsb(ishst);
	vmmio_add(&vm->mmio, PLAT_GICD_BASE, PLAT_GICD_SIZE, vgicd_access, 0);
	vmmio_add(&vm->mmio, PLAT_GICR_BASE, PLAT_GICR_STRIDE * vm->nr_vcpus, vgicr_access, 0);
	vgic_vm_init(vm);
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		exit_vcpu_init(vm->vcpus[i]);
	vm->arch.vttbr = ((uint64_t)(vm->id + 1) << 48) | mmu_pt_root_pa(s2);
}

/* Page by page: a coloured hypervisor's pages are not contiguous. */
static void s2_map_hyp(struct vm *vm, uint64_t ipa, const void *va, uint64_t size, uint64_t attr)
{
	for (uint64_t off = 0; off < size; off += COLOR_PAGE)
		if (s2_map_range(vm, ipa + off, arch_hyp_pa((const char *)va + off), COLOR_PAGE,
		                 attr))
			panic("VM %s: cannot map IPA 0x%llx\n", vm->cfg->name,
			      (unsigned long long)(ipa + off));
	dsb(ishst);
}

void arch_vm_map_readonly(struct vm *vm, uint64_t ipa, const void *va, uint64_t size)
{
	s2_map_hyp(vm, ipa, va, size, PT_S2_NORMAL | PT_S2_R);
}

void arch_vm_map_pa_readonly(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size)
{
	if (s2_map_range(vm, ipa, pa, size, PT_S2_NORMAL | PT_S2_R))
		panic("VM %s: cannot map IPA 0x%llx\n", vm->cfg->name, (unsigned long long)ipa);
	dsb(ishst);
}

void arch_vm_map_writable(struct vm *vm, uint64_t ipa, void *va, uint64_t size)
{
	s2_map_hyp(vm, ipa, va, size, PT_S2_NORMAL | PT_S2_R | PT_S2_W);
}

/*
 * Called on a pCPU each time it starts a vCPU of vm (boot, CPU_ON, reset).
 * Stage-2 tables never change and a vCPU never moves, so only this pCPU's
 * TLB and I-cache can hold stale entries for the VM (from before a reset):
 * local maintenance is enough, and broadcast operations would also stall
 * every other pCPU.
 */
void s2_activate(const struct vm *vm)
{
	sysreg_write(vtcr_el2, VTCR_VALUE);
	sysreg_write(vttbr_el2, vm->arch.vttbr);
	isb();
	__asm__ volatile("tlbi vmalls12e1" ::: "memory");
	__asm__ volatile("ic iallu" ::: "memory");
	dsb(nsh);
	isb();
}
