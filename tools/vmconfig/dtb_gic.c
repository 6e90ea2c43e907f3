/*
 * The aarch64 part of a kernel vm's device tree (dtb.h): its vCPUs (reg =
 * the MPIDR affinity each reads: Aff0 = vCPU index), PSCI over HVC, the
 * emulated GICv3 (distributor, one redistributor frame per vCPU), the
 * generic timer, the emulated PL011 and the emulated PCIe host bridge.
 */
#include <string.h>

#include <libfdt.h>

#include "dtb.h"
#include "vmconfig.h"

#define CFGD_CLK_PHANDLE 2
#define CFGD_SPI 0 /* interrupt specifier: SPI, number from 32 */
#define CFGD_PPI 1
#define CFGD_LEVEL_HIGH 4

const char cfgd_uart_node[] = "pl011";
const bool cfgd_parent_per_node = false;

int cfgd_irq_spec(uint64_t intid, uint32_t *spec)
{
	spec[0] = CFGD_SPI;
	spec[1] = (uint32_t)intid - 32;
	spec[2] = CFGD_LEVEL_HIGH;
	return 3;
}

static void cfgd_cpus(struct cfgd *d, const struct vmc_vm *vm)
{
	cfgd_begin(d, "cpus", 0, false);
	cfgd_u32(d, "#address-cells", 1);
	cfgd_u32(d, "#size-cells", 0);
	for (int i = 0; i < vm->nr_cpus; i++) {
		cfgd_begin(d, "cpu", (uint64_t)i, true);
		cfgd_str(d, "device_type", "cpu");
		cfgd_str(d, "compatible", "arm,armv8");
		cfgd_u32(d, "reg", (uint32_t)i); /* VMPIDR_EL2 Aff0 (vcpu_start.c) */
		cfgd_str(d, "enable-method", "psci");
		cfgd_end(d);
	}
	cfgd_end(d);
	cfgd_begin(d, "psci", 0, false);
	cfgd_strs(d, "compatible", "arm,psci-1.0\0arm,psci-0.2", 26);
	cfgd_str(d, "method", "hvc");
	cfgd_end(d);
}

/* The GIC as vgicd.c and vgicr.c emulate it, the timer's PPIs and the UART. */
static void cfgd_devices(struct cfgd *d, const struct vmc_vm *vm)
{
	uint64_t gic[4] = {PLAT_GICD_BASE, PLAT_GICD_SIZE, PLAT_GICR_BASE,
	                   PLAT_GICR_STRIDE * (uint64_t)vm->nr_cpus};
	uint32_t timer[12] = {CFGD_PPI, 13, CFGD_LEVEL_HIGH, CFGD_PPI, 14, CFGD_LEVEL_HIGH,
	                      CFGD_PPI, 11, CFGD_LEVEL_HIGH, CFGD_PPI, 10, CFGD_LEVEL_HIGH};
	uint32_t clocks[2] = {CFGD_CLK_PHANDLE, CFGD_CLK_PHANDLE};

	cfgd_begin(d, "intc", PLAT_GICD_BASE, true);
	cfgd_str(d, "compatible", "arm,gic-v3");
	cfgd_u32(d, "#interrupt-cells", 3);
	cfgd_u32(d, "#address-cells", 0); /* the PCIe interrupt-map's entries give it none */
	cfgd_flag(d, "interrupt-controller");
	cfgd_reg(d, gic, 2);
	cfgd_u32(d, "phandle", CFGD_INTC_PHANDLE);
	cfgd_end(d);
	cfgd_begin(d, "timer", 0, false);
	cfgd_str(d, "compatible", "arm,armv8-timer");
	cfgd_cells(d, "interrupts", timer, 12);
	cfgd_flag(d, "always-on");
	cfgd_end(d);
	cfgd_begin(d, "apb-pclk", 0, false);
	cfgd_str(d, "compatible", "fixed-clock");
	cfgd_u32(d, "#clock-cells", 0);
	cfgd_u32(d, "clock-frequency", 24000000);
	cfgd_str(d, "clock-output-names", "clk24mhz");
	cfgd_u32(d, "phandle", CFGD_CLK_PHANDLE);
	cfgd_end(d);
	if (vm->uart) {
		uint64_t reg[2] = {vm->uart, VMC_PAGE};

		cfgd_begin(d, cfgd_uart_node, vm->uart, true);
		cfgd_strs(d, "compatible", "arm,pl011\0arm,primecell", 24);
		cfgd_reg(d, reg, 1);
		cfgd_irq(d, PLAT_UART_INTID);
		cfgd_cells(d, "clocks", clocks, 2);
		cfgd_strs(d, "clock-names", "uartclk\0apb_pclk", 17);
		cfgd_end(d);
	}
}

/*
 * pci lines: the emulated bus 0 (hyp/drivers/vpcie.c) as a generic ECAM host
 * whose windows are exactly its functions' BARs (IPA = PA), each device's
 * INTA its INTID.
 */
static void cfgd_pcie(struct cfgd *d, const struct vmc_vm *vm)
{
	uint64_t reg[2] = {PLAT_PCIE_VECAM_IPA, PLAT_PCIE_ECAM_BUS_SIZE};
	uint32_t ranges[7 * VMC_PCIS_MAX], map[8 * VMC_PCIS_MAX], mask[4] = {0xf800, 0, 0, 7};
	uint32_t bus[2] = {0, 0};
	int nr = 0, nm = 0;

	if (!vm->nr_pcis)
		return;
	for (int i = 0; i < vm->nr_pcis; i++) {
		const struct vmc_pci *p = &vm->pcis[i];
		const struct vmc_region *r = &vm->regions[p->region];
		uint32_t window[7] = {0x02000000,       (uint32_t)(r->pa >> 32),
		                      (uint32_t)r->pa,  (uint32_t)(r->pa >> 32),
		                      (uint32_t)r->pa,  (uint32_t)(r->size >> 32),
		                      (uint32_t)r->size};
		uint32_t intx[8] = {(uint32_t)p->dev << 11,
		                    0,
		                    0,
		                    1,
		                    CFGD_INTC_PHANDLE,
		                    CFGD_SPI,
		                    PLAT_PCIE_INTX_INTID + (uint32_t)p->dev % 4 - 32,
		                    CFGD_LEVEL_HIGH};

		memcpy(&ranges[nr], window, sizeof window);
		nr += 7;
		memcpy(&map[nm], intx, sizeof intx);
		nm += 8;
	}
	cfgd_begin(d, "pcie", PLAT_PCIE_VECAM_IPA, true);
	cfgd_str(d, "compatible", "pci-host-ecam-generic");
	cfgd_str(d, "device_type", "pci");
	cfgd_u32(d, "#address-cells", 3);
	cfgd_u32(d, "#size-cells", 2);
	cfgd_u32(d, "#interrupt-cells", 1);
	cfgd_reg(d, reg, 1);
	cfgd_cells(d, "bus-range", bus, 2);
	cfgd_u32(d, "linux,pci-domain", 0);
	cfgd_cells(d, "ranges", ranges, nr);
	cfgd_cells(d, "interrupt-map-mask", mask, 4);
	cfgd_cells(d, "interrupt-map", map, nm);
	cfgd_flag(d, "dma-coherent");
	cfgd_end(d);
}

void cfgd_arch_nodes(struct cfgd *d, const struct vmc_vm *vm)
{
	cfgd_cpus(d, vm);
	cfgd_devices(d, vm);
}

void cfgd_arch_buses(struct cfgd *d, const struct vmc_vm *vm)
{
	cfgd_pcie(d, vm);
}
