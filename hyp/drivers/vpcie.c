/*
 * The PCIe config space a VM with `pci` functions sees at
 * PLAT_PCIE_VECAM_IPA: bus 0 as ECAM, showing its own functions only (the
 * others, the host bridge too, read as absent: all ones). Identity, class,
 * header, subsystem and interrupt pin read through. The placed BAR reads
 * where the hypervisor placed it and sizes the usual way (write all ones,
 * read the mask), but does not move: the config placed it. The command
 * register's memory, bus-master and INTx-disable bits are the guest's (its
 * DMA is the SMMU's to confine either way). Of the capabilities, only the
 * vendor-specific ones read through, relinked among themselves: virtio's
 * (where its registers are in the BAR) are read-only descriptions, while
 * MSI, MSI-X and power management would hand the guest the device's
 * interrupts and power. The other BARs and the expansion ROM are hidden;
 * every other write is dropped.
 */
#include "pcie.h"

#include "vm.h"

#define VPCIE_COMMAND_GUEST (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF)
#define VPCIE_CAPS_MAX 48 /* (256 - 64) / 4: a longer list loops */

/* The first vendor-specific capability at or after host pointer `at` (0: none). */
static uint32_t vpcie_cap_vendor(uint32_t bdf, uint32_t at)
{
	for (int n = 0; n < VPCIE_CAPS_MAX && at >= 0x40; n++) {
		uint32_t head = pcie_cfg_read(bdf, at & 0xfc);

		if ((head & 0xff) == PCI_CAP_VENDOR)
			return at & 0xfc;
		at = head >> 8 & 0xff;
	}
	return 0;
}

static uint32_t vpcie_cap_first(uint32_t bdf)
{
	if (!(pcie_cfg_read(bdf, PCI_COMMAND) & PCI_STATUS_CAP_LIST))
		return 0;
	return vpcie_cap_vendor(bdf, pcie_cfg_read(bdf, PCI_CAPS) & 0xff);
}

/*
 * reg's dword as shown: the bytes of the vendor-specific capability that
 * holds it (its next pointer skipping the hidden ones), 0 anywhere else.
 */
static uint32_t vpcie_cap_read(uint32_t bdf, uint32_t reg)
{
	uint32_t at = vpcie_cap_first(bdf);

	for (int n = 0; n < VPCIE_CAPS_MAX && at; n++) {
		uint32_t head = pcie_cfg_read(bdf, at), len = head >> 16 & 0xff;
		uint32_t next = vpcie_cap_vendor(bdf, head >> 8 & 0xff);

		if (reg >= at && reg < at + len) {
			uint32_t v =
			    reg == at ? (head & ~0xff00u) | next << 8 : pcie_cfg_read(bdf, reg);
			uint32_t in = at + len - reg; /* its bytes in this dword */

			return in >= 4 ? v : v & ((1u << in * 8) - 1);
		}
		at = next;
	}
	return 0;
}

/* Is reg the placed BAR (1) or its upper half (2)? 0: neither. */
static uint8_t vpcie_bar_half(const struct pcie_fn *f, uint32_t reg)
{
	if (reg == PCI_BAR(f->bar))
		return 1;
	return f->wide && reg == PCI_BAR(f->bar + 1u) ? 2 : 0;
}

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
		return (pcie_cfg_read(bdf, reg) & ~PCI_STATUS_CAP_LIST) |
		       (vpcie_cap_first(bdf) ? PCI_STATUS_CAP_LIST : 0);
	case PCI_CAPS:
		return vpcie_cap_first(bdf);
	}
	if (vpcie_bar_half(f, reg))
		return vpcie_bar(f, vpcie_bar_half(f, reg) == 2);
	if (reg >= 0x40 && reg < 0x100)
		return vpcie_cap_read(bdf, reg);
	return 0;
}

static void vpcie_write(struct pcie_fn *f, uint32_t bdf, uint32_t reg, uint32_t v)
{
	uint32_t command;
	uint8_t bit = vpcie_bar_half(f, reg);

	if (reg == PCI_COMMAND) { /* status is write-one-to-clear: its half is written as 0 */
		command = pcie_cfg_read(bdf, reg) & 0xffff & ~VPCIE_COMMAND_GUEST;
		pcie_cfg_write(bdf, reg, command | (v & VPCIE_COMMAND_GUEST));
	} else if (bit) {
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
