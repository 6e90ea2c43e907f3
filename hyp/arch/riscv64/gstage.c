/*
 * G-stage translation (Sv39x4): each VM's guest-physical space, its RAM in
 * superpages where uncoloured, tagged with the VM's VMID (its index + 1)
 * so that no VM's translations are ever another's.
 */
#include "arch.h"
#include "color.h"
#include "entry.h"
#include "log.h"
#include "mmu.h"
#include "vm.h"
#include "vplic.h"

_Static_assert(PLAT_IPA_BITS == 41, "Sv39x4 translates 41 bits of guest-physical address");

#define GSTAGE_ROOT_PAGES 4 /* 2048 entries, 16 KiB aligned */

static uint64_t gstage_attr(const struct cfg_region *r)
{
	uint64_t a = GPT_R | GPT_U;

	if (r->flags & CFG_REGION_WRITE)
		a |= GPT_W;
	if (r->kind != CFG_REGION_DEVICE)
		a |= GPT_X;
	return a;
}

static void gstage_map(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size, uint64_t attr)
{
	if (gpt_map(&vm->arch.g, ipa, pa, size, attr | GPT_U))
		panic("VM %s: cannot map IPA 0x%llx\n", vm->cfg->name, (unsigned long long)ipa);
}

void arch_vm_init(struct vm *vm)
{
	notbuilt_check_vm(vm);
	vm->arch.g = (struct gpt){.root = gpt_alloc(GSTAGE_ROOT_PAGES), .root_entries = 2048};
	if (!vm->arch.g.root)
		panic("out of page tables for VM %s\n", vm->cfg->name);
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		for (uint64_t off = 0, run; off < r->size; off += run) { /* whole if uncoloured */
			run = color_run(r, off);
			gstage_map(vm, r->ipa + off, color_pa(r, off), run, gstage_attr(r));
		}
	}
	vm->arch.hgatp = HGATP_SV39X4 | (uint64_t)(vm->id + 1) << HGATP_VMID_SHIFT |
	                 mmu_pa(vm->arch.g.root) >> 12;
	vplic_vm_init(vm);
}

/* On the vCPU's pCPU, before it first runs: its VM's map, no stale translation of its VMID. */
void gstage_activate(const struct vm *vm)
{
	csr_write(hgatp, vm->arch.hgatp);
	__asm__ volatile(H_INSN("hfence.gvma zero, %0")::"r"(vm->id + 1) : "memory");
	__asm__ volatile(H_INSN("hfence.vvma")::: "memory");
}

/* The hypervisor's memory at va, page by page: a coloured image is not contiguous. */
static void gstage_map_hyp(struct vm *vm, uint64_t ipa, const void *va, uint64_t size,
                           uint64_t attr)
{
	for (uint64_t off = 0; off < size; off += 0x1000)
		gstage_map(vm, ipa + off, arch_hyp_pa((const char *)va + off), 0x1000, attr);
}

void arch_vm_map_readonly(struct vm *vm, uint64_t ipa, const void *va, uint64_t size)
{
	gstage_map_hyp(vm, ipa, va, size, GPT_R);
}

void arch_vm_map_pa_readonly(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size)
{
	gstage_map(vm, ipa, pa, size, GPT_R);
}

void arch_vm_map_writable(struct vm *vm, uint64_t ipa, void *va, uint64_t size)
{
	gstage_map_hyp(vm, ipa, va, size, GPT_R | GPT_W);
}

/* Every frame of a coloured region, as its G-stage table maps it: of its colours? */
void arch_vm_audit_colors(const struct vm *vm)
{
	uint64_t frames = 0, outside = 0;
	uint32_t colors = 0;

	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		colors |= r->colors;
		for (uint64_t off = 0; r->colors && off < r->size; off += COLOR_PAGE) {
			uint64_t pa = 0, e = gpt_lookup(&vm->arch.g, r->ipa + off, &pa);

			frames++;
			outside += !e || !(r->colors >> color_of(pa) & 1);
		}
	}
	color_audit_log(vm->cfg->name, colors, frames, outside);
}
