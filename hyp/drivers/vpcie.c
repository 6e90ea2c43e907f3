/*
 * The PCIe config space a VM with `pci` functions sees at
 * PLAT_PCIE_VECAM_IPA: bus 0 as ECAM, showing its own functions only (the
 * others, the host bridge too, read as absent: all ones). Identity, class,
 * header, subsystem and interrupt pin read through. BAR 0 reads where the
 * hypervisor placed it and sizes the usual way (write all ones, read the
 * mask), but does not move: the config placed it. The command register's
 * memory, bus-master and INTx-disable bits are the guest's (its DMA is the
 * SMMU's to confine either way). Capabilities (so MSI), the other BARs and
 * the expansion ROM are hidden; every other write is dropped.
 */
#include "pcie.h"

#include "vm.h"

#define VPCIE_COMMAND_GUEST (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF)

static uint32_t vpcie_bar(const struct pcie_fn *f, int upper)
{
	uint64_t v = f->sizing >> upper & 1 ? ~(f->bar_size - 1) : f->bar_pa;

	if (upper)
		return f->wide ? (uint32_t)(v >> 32) : 0;
	return ((uint32_t)v & ~0xfu) | f->bar_flags;
}

static uint32_t vpcie_read(const struct pcie_fn *f, uint32_t bdf, uint32_t reg)
{
	switch (reg) {
	case PCI_ID:
	case PCI_CLASS:
	case PCI_HEADER:
	case PCI_SUBSYSTEM:
	case PCI_INTERRUPT:
		return pcie_cfg_read(bdf, reg);
	case PCI_COMMAND:
		return pcie_cfg_read(bdf, reg) & ~PCI_STATUS_CAP_LIST;
	case PCI_BAR0:
	case PCI_BAR1:
		return vpcie_bar(f, reg == PCI_BAR1);
	default:
		return 0;
	}
}

static void vpcie_write(struct pcie_fn *f, uint32_t bdf, uint32_t reg, uint32_t v)
{
	uint32_t command;

	if (reg == PCI_COMMAND) { /* status is write-one-to-clear: its half is written as 0 */
		command = pcie_cfg_read(bdf, reg) & 0xffff & ~VPCIE_COMMAND_GUEST;
		pcie_cfg_write(bdf, reg, command | (v & VPCIE_COMMAND_GUEST));
	} else if (reg == PCI_BAR0 || reg == PCI_BAR1) {
		uint8_t bit = reg == PCI_BAR1 ? 2 : 1;

		f->sizing = (uint8_t)((f->sizing & ~bit) | (v == 0xffffffff ? bit : 0));
	}
}

/* Naturally aligned accesses of 1, 2 or 4 bytes; a narrow write merges into its dword. */
int vpcie_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value)
{
	uint32_t bdf = (uint32_t)(offset >> 12), reg = offset & 0xffc;
	uint32_t shift = (offset & 3) * 8, mask = size == 4 ? ~0u : (1u << size * 8) - 1;
	struct pcie_fn *f = pcie_fn_of(v->vm, bdf);
	uint32_t dword;

	(void)ctx;
	if (size > 4 || offset & (size - 1))
		return -1;
	dword = f ? vpcie_read(f, bdf, reg) : ~0u;
	if (!write) {
		*value = dword >> shift & mask;
		return 0;
	}
	if (f)
		vpcie_write(f, bdf, reg,
		            (dword & ~(mask << shift)) | ((uint32_t)*value & mask) << shift);
	return 0;
}
