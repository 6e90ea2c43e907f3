/*
 * The riscv64 part of a kernel vm's device tree (dtb.h), as QEMU's riscv64
 * `virt` describes its own board, so that Debian's riscv64 kernel finds what
 * it expects: a hart per vCPU (reg = the hart ID the vCPU is given: its
 * index) with its local interrupt controller, the `time` CSR's rate; the
 * emulated PLIC (vplic.c) with an M-mode and an S-mode context per hart, in
 * the board's order (the kernel skips the M-mode ones and never touches
 * them); and the emulated ns16550a. The timer, IPIs and hart start are SBI
 * calls, which need no node.
 */
#include <libfdt.h>

#include "dtb.h"
#include "vmconfig.h"

#define CFGD_HART_INTC_PHANDLE(i) (2 + (uint32_t)(i))
#define CFGD_IRQ_M_EXT 11       /* the local interrupt of a hart's M-mode context */
#define CFGD_IRQ_S_EXT 9        /* ... and of its S-mode one */
#define CFGD_UART_CLOCK 3686400 /* QEMU's ns16550a; the model ignores the divisor */

const char cfgd_uart_node[] = "serial";
const bool cfgd_parent_per_node = true;

int cfgd_irq_spec(uint64_t intid, uint32_t *spec)
{
	spec[0] = (uint32_t)intid; /* a PLIC source: level-triggered, always */
	return 1;
}

/* The ISA the hypervisor lets a guest use: no vector unit, no Sstc (docs/riscv.md). */
static void cfgd_hart(struct cfgd *d, int i)
{
	cfgd_begin(d, "cpu", (uint64_t)i, true);
	cfgd_str(d, "device_type", "cpu");
	cfgd_u32(d, "reg", (uint32_t)i);
	cfgd_str(d, "compatible", "riscv");
	cfgd_str(d, "riscv,isa", "rv64imafdc_zicsr_zifencei");
	cfgd_str(d, "mmu-type", "riscv,sv39");
	cfgd_str(d, "status", "okay");
	cfgd_begin(d, "interrupt-controller", 0, false);
	cfgd_str(d, "compatible", "riscv,cpu-intc");
	cfgd_u32(d, "#interrupt-cells", 1);
	cfgd_flag(d, "interrupt-controller");
	cfgd_u32(d, "phandle", CFGD_HART_INTC_PHANDLE(i));
	cfgd_end(d);
	cfgd_end(d);
}

static void cfgd_plic(struct cfgd *d, const struct vmc_vm *vm)
{
	uint64_t reg[2] = {PLAT_PLIC_BASE, PLAT_GICD_SIZE};
	uint32_t ctx[4 * VMC_CPUS_MAX];
	int n = 0;

	for (int i = 0; i < vm->nr_cpus; i++) {
		ctx[n++] = CFGD_HART_INTC_PHANDLE(i);
		ctx[n++] = CFGD_IRQ_M_EXT;
		ctx[n++] = CFGD_HART_INTC_PHANDLE(i);
		ctx[n++] = CFGD_IRQ_S_EXT;
	}
	cfgd_begin(d, "plic", PLAT_PLIC_BASE, true);
	cfgd_strs(d, "compatible", "sifive,plic-1.0.0\0riscv,plic0", 30);
	cfgd_reg(d, reg, 1);
	cfgd_u32(d, "#address-cells", 0);
	cfgd_u32(d, "#interrupt-cells", 1);
	cfgd_flag(d, "interrupt-controller");
	cfgd_u32(d, "riscv,ndev", PLAT_INTID_MAX);
	cfgd_cells(d, "interrupts-extended", ctx, n);
	cfgd_u32(d, "phandle", CFGD_INTC_PHANDLE);
	cfgd_end(d);
}

void cfgd_arch_nodes(struct cfgd *d, const struct vmc_vm *vm)
{
	cfgd_begin(d, "cpus", 0, false);
	cfgd_u32(d, "#address-cells", 1);
	cfgd_u32(d, "#size-cells", 0);
	cfgd_u32(d, "timebase-frequency", PLAT_TIMER_FREQ);
	for (int i = 0; i < vm->nr_cpus; i++)
		cfgd_hart(d, i);
	cfgd_end(d);
	cfgd_plic(d, vm);
	if (vm->uart) {
		uint64_t reg[2] = {vm->uart, VMC_PAGE};

		cfgd_begin(d, cfgd_uart_node, vm->uart, true);
		cfgd_str(d, "compatible", "ns16550a");
		cfgd_reg(d, reg, 1);
		cfgd_u32(d, "clock-frequency", CFGD_UART_CLOCK);
		cfgd_irq(d, PLAT_UART_INTID);
		cfgd_end(d);
	}
}

/* No PCIe: riscv64 `virt` has no IOMMU in QEMU 7.2, so no VM is given a function. */
void cfgd_arch_buses(struct cfgd *d, const struct vmc_vm *vm)
{
	(void)d;
	(void)vm;
}
