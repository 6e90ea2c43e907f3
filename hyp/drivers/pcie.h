/* The PCIe host bridge: functions given to VMs by their configs (`pci`), and the bus as VMs see it.
 */
#ifndef PCIE_H
#define PCIE_H

#include <stdint.h>

struct vcpu;
struct vm;

#define PCI_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_CLASS 0x08
#define PCI_HEADER 0x0c
#define PCI_BAR(n) (0x10u + 4u * (n))
#define PCI_SUBSYSTEM 0x2c
#define PCI_CAPS 0x34
#define PCI_INTERRUPT 0x3c
/* A vendor-specific capability: what virtio's say where its registers are (virtio 1.2, 4.1.4). */
#define PCI_CAP_VENDOR 0x09

#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_OFF (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 20) /* in the command register's dword */

/* A function as lspci writes it: log_printf("PCIe " PCI_BDF_FMT, PCI_BDF_ARGS(bdf)). */
#define PCI_BDF_FMT "%02x:%02x.%x"
#define PCI_BDF_ARGS(bdf) (unsigned)(bdf) >> 8 & 0xff, (unsigned)(bdf) >> 3 & 31, (unsigned)(bdf)&7

/* A function given to its VM (pcie_init): what its emulated config space shows. */
struct pcie_fn {
	uint64_t bar_pa;
	uint64_t bar_size;  /* the BAR's own size, as sized at boot */
	uint32_t bar_flags; /* its read-only low bits (memory type, prefetchable) */
	uint8_t bar;        /* which BAR it is (the config's `bar N`) */
	uint8_t wide;       /* it is 64-bit: the next BAR holds its upper half */
	uint8_t sizing;     /* the guest wrote all-ones to it (bit 0), its upper half (bit 1) */
	const struct vm *vm;
};

/* At boot, after the VMs are built: scan bus 0, place and attach the configured functions. */
void pcie_init(void);
/* bdf's function if it was given to vm, else 0. */
struct pcie_fn *pcie_fn_of(const struct vm *vm, uint32_t bdf);
uint32_t pcie_cfg_read(uint32_t bdf, uint32_t reg);
void pcie_cfg_write(uint32_t bdf, uint32_t reg, uint32_t value);
/* vpcie.c: a VM's accesses to its emulated config space (a vmmio handler). */
int vpcie_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value);

#endif
