/*
 * The PCIe host bridge (ECAM), for `pci` pass-through: at boot, list bus
 * 0's functions, give each configured one its BAR (the config's `bar N`, 0
 * when not given; the others stay unassigned) at the config's address
 * (the VM's stage 2 maps it there: a device region vmconfig emitted), attach
 * its stream to its VM in the SMMU, and only then let it decode memory and
 * master the bus. Functions no VM is given stay off the bus. What a VM sees
 * of the bus is vpcie.c's.
 */
#include "pcie.h"

#include "arch.h"
#include "log.h"
#include "platform.h"
#include "smmuv3.h"
#include "vm.h"

#define PCI_HEADER_MULTI (1u << 23)
#define PCI_BAR_IO 1u
#define PCI_BAR_64 (2u << 1)
#define PCI_BAR_TYPE 6u

static uintptr_t pcie_ecam;
static struct pcie_fn pcie_fns[PLAT_SMMU_SIDS]; /* by bdf: what was given, to whom */

static volatile uint32_t *pcie_cfg(uint32_t bdf, uint32_t off)
{
	return (volatile uint32_t *)(pcie_ecam + ((uintptr_t)bdf << 12) + off);
}

uint32_t pcie_cfg_read(uint32_t bdf, uint32_t reg)
{
	return *pcie_cfg(bdf, reg);
}

void pcie_cfg_write(uint32_t bdf, uint32_t reg, uint32_t value)
{
	*pcie_cfg(bdf, reg) = value;
}

struct pcie_fn *pcie_fn_of(const struct vm *vm, uint32_t bdf)
{
	return bdf < PLAT_SMMU_SIDS && pcie_fns[bdf].vm == vm ? &pcie_fns[bdf] : 0;
}

static int pcie_present(uint32_t bdf)
{
	return (*pcie_cfg(bdf, PCI_ID) & 0xffff) != 0xffff;
}

static const struct vm *pcie_owner(uint32_t bdf)
{
	for (uint32_t v = 0; v < vm_count; v++)
		for (uint32_t i = 0; i < vm_table[v].cfg->nr_pcis; i++)
			if (vm_table[v].cfg->pcis[i].bdf == bdf)
				return &vm_table[v];
	return 0;
}

static void pcie_scan(void)
{
	for (uint32_t bdf = 0; bdf < 256; bdf++) {
		const struct vm *owner;
		uint32_t id;

		if (!pcie_present(bdf)) {
			bdf |= 7 * !(bdf & 7); /* no function 0: no device */
			continue;
		}
		id = *pcie_cfg(bdf, PCI_ID);
		owner = pcie_owner(bdf);
		log_printf("PCIe " PCI_BDF_FMT ": %04x:%04x class %06x: %s%s\n", PCI_BDF_ARGS(bdf),
		           id & 0xffff, id >> 16, *pcie_cfg(bdf, PCI_CLASS) >> 8,
		           owner ? "VM " : "kept off the bus", owner ? owner->cfg->name : "");
		if (!(bdf & 7) && !(*pcie_cfg(bdf, PCI_HEADER) & PCI_HEADER_MULTI))
			bdf |= 7;
	}
}

/*
 * A BAR's size (0: none, I/O space, or a 64-bit BAR 5 with no upper half),
 * read the standard way with decoding off.
 */
static uint64_t pcie_bar_size(uint32_t bdf, uint32_t bar, int *wide)
{
	uint32_t lo, hi = 0xffffffff;
	uint64_t mask;

	*pcie_cfg(bdf, PCI_BAR(bar)) = 0xffffffff;
	lo = *pcie_cfg(bdf, PCI_BAR(bar));
	*wide = (lo & PCI_BAR_TYPE) == PCI_BAR_64;
	if (*wide && bar == 5)
		return 0;
	if (*wide) {
		*pcie_cfg(bdf, PCI_BAR(bar + 1)) = 0xffffffff;
		hi = *pcie_cfg(bdf, PCI_BAR(bar + 1));
	}
	if (lo & PCI_BAR_IO)
		return 0;
	mask = (uint64_t)hi << 32 | (lo & ~0xfu);
	return mask ? ~mask + 1 : 0;
}

static void pcie_assign(struct vm *vm, const struct cfg_pci *p)
{
	uint64_t size;
	int wide;

	if (!pcie_present(p->bdf)) {
		log_printf("VM %s: PCIe " PCI_BDF_FMT ": no such function\n", vm->cfg->name,
		           PCI_BDF_ARGS(p->bdf));
		return;
	}
	*pcie_cfg(p->bdf, PCI_COMMAND) = 0;
	size = pcie_bar_size(p->bdf, p->bar, &wide);
	if (!size || size > p->bar_size) {
		log_printf("VM %s: PCIe " PCI_BDF_FMT ": BAR %u takes %llu KiB of memory space, "
		           "the config gives it %llu KiB: not given\n",
		           vm->cfg->name, PCI_BDF_ARGS(p->bdf), p->bar,
		           (unsigned long long)size >> 10, (unsigned long long)p->bar_size >> 10);
		return;
	}
	*pcie_cfg(p->bdf, PCI_BAR(p->bar)) = (uint32_t)p->bar_pa;
	if (wide)
		*pcie_cfg(p->bdf, PCI_BAR(p->bar + 1)) = (uint32_t)(p->bar_pa >> 32);
	if (smmu_attach(vm, p->bdf)) {
		log_printf("VM %s: PCIe " PCI_BDF_FMT ": the SMMU cannot take it: not given\n",
		           vm->cfg->name, PCI_BDF_ARGS(p->bdf));
		return;
	}
	*pcie_cfg(p->bdf, PCI_COMMAND) = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pcie_fns[p->bdf] = (struct pcie_fn){.bar_pa = p->bar_pa,
	                                    .bar_size = size,
	                                    .bar_flags = *pcie_cfg(p->bdf, PCI_BAR(p->bar)) & 0xf,
	                                    .bar = p->bar,
	                                    .wide = (uint8_t)wide,
	                                    .vm = vm};
	log_printf("VM %s: PCIe " PCI_BDF_FMT ": BAR %u at 0x%llx (%llu KiB), INTA INTID %u, "
	           "DMA through the SMMU\n",
	           vm->cfg->name, PCI_BDF_ARGS(p->bdf), p->bar, (unsigned long long)p->bar_pa,
	           (unsigned long long)size >> 10, PLAT_PCIE_INTX_INTID + (p->bdf >> 3 & 31) % 4);
}

void pcie_init(void)
{
	uint32_t given = 0;

	for (uint32_t v = 0; v < vm_count; v++)
		given += vm_table[v].cfg->nr_pcis;
	if (!given)
		return;
	pcie_ecam = arch_map_device(PLAT_PCIE_ECAM_BASE, PLAT_PCIE_ECAM_BUS_SIZE);
	for (uint32_t v = 0; v < vm_count; v++)
		if (vm_table[v].cfg->nr_pcis)
			vmmio_add(&vm_table[v].mmio, PLAT_PCIE_VECAM_IPA, PLAT_PCIE_ECAM_BUS_SIZE,
			          vpcie_access, 0);
	pcie_scan();
	if (smmu_init()) {
		log_printf("PCIe: no SMMU to confine DMA: no function is given to a VM\n");
		return;
	}
	for (uint32_t v = 0; v < vm_count; v++)
		for (uint32_t i = 0; i < vm_table[v].cfg->nr_pcis; i++)
			pcie_assign(&vm_table[v], &vm_table[v].cfg->pcis[i]);
}
