/*
 * Building a kernel vm's device tree (dtb.c), shared with the port's part
 * of it: dtb_gic.c (aarch64: PSCI, the GICv3, the generic timer, the PL011,
 * PCIe) or dtb_plic.c (riscv64: harts, the PLIC, the ns16550a), one of which
 * the Makefile links (VMCONFIG_DT in hyp/arch/ARCH/arch.mk).
 */
#ifndef VMCONFIG_DTB_H
#define VMCONFIG_DTB_H

#include <stdbool.h>
#include <stdint.h>

struct vmc_vm;

/* Every fdt_* call of a build goes through cfgd_ok: the first error sticks. */
struct cfgd {
	void *fdt;
	int err;
};

#define CFGD_INTC_PHANDLE 1 /* the interrupt controller: the root's interrupt-parent */
#define CFGD_IRQ_CELLS 3    /* the most cells an interrupt specifier takes, on any port */

void cfgd_ok(struct cfgd *d, int rc);
/* A node name@addr (at) or name. */
void cfgd_begin(struct cfgd *d, const char *name, uint64_t addr, bool at);
void cfgd_end(struct cfgd *d);
void cfgd_str(struct cfgd *d, const char *name, const char *s);
void cfgd_u32(struct cfgd *d, const char *name, uint32_t v);
void cfgd_flag(struct cfgd *d, const char *name);
/* A property of n 32-bit cells. */
void cfgd_cells(struct cfgd *d, const char *name, const uint32_t *v, int n);
/* reg = <addr size> in two cells each (the root's #address-cells and #size-cells). */
void cfgd_reg(struct cfgd *d, const uint64_t *pairs, int n);
/* A string list: "a\0b\0". */
void cfgd_strs(struct cfgd *d, const char *name, const char *list, int len);
/* interrupts = the specifiers of n INTIDs (and their parent, if per node). */
void cfgd_irqs(struct cfgd *d, const uint64_t *intids, int n);
void cfgd_irq(struct cfgd *d, uint64_t intid);

/* The port's part. */
extern const char cfgd_uart_node[]; /* the emulated UART's node name, for stdout-path */
/*
 * Whether each interrupt's node names its parent: riscv64's harts' own
 * interrupt controllers must find none at the root (the kernel would take
 * the PLIC for their parent), so it is said per node there, once at the
 * root on aarch64.
 */
extern const bool cfgd_parent_per_node;
/* intid's interrupt specifier, a level-high line, into spec: its number of cells. */
int cfgd_irq_spec(uint64_t intid, uint32_t *spec);
/* The vCPUs, the interrupt controller (phandle CFGD_INTC_PHANDLE), the timer, the UART. */
void cfgd_arch_nodes(struct cfgd *d, const struct vmc_vm *vm);
/* After the RAM, devices and channels: the emulated buses (PCIe's host bridge on aarch64). */
void cfgd_arch_buses(struct cfgd *d, const struct vmc_vm *vm);

#endif
