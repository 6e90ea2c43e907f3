/*
 * QEMU aarch64 `virt` (GICv3, -smp 4, -m 1G): the physical facts the
 * hypervisor and the host config tool both need. Plain macros only, so the
 * host tool can include this file too.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "../plat_u.h"

#define PLAT_NAME "qemu-aarch64-virt"
#define PLAT_CPU_NUM 4

#define PLAT_RAM_BASE PLAT_U(0x40000000)
#define PLAT_RAM_SIZE PLAT_U(0x40000000) /* -m 1G */

/*
 * The last page of RAM: where the emulated LLC (tools/llc, QEMU TCG plugin)
 * publishes its counters (vitrine/llc.h). No VM is given it; the monitor is
 * shown it read-only.
 */
#define PLAT_LLC_PAGE_PA (PLAT_RAM_BASE + PLAT_RAM_SIZE - PLAT_U(0x1000))

/* The hypervisor is loaded at the start of RAM and owns this much of it. */
#define PLAT_HYP_BASE PLAT_RAM_BASE
#define PLAT_HYP_SIZE PLAT_U(0x02000000)
/* Its last page: options a run script leaves there (QEMU -device loader). */
#define PLAT_BOOTPARAM_PA (PLAT_HYP_BASE + PLAT_HYP_SIZE - PLAT_U(0x1000))

#define PLAT_UART_BASE PLAT_U(0x09000000) /* PL011, SPI 1 (INTID 33) */
#define PLAT_UART_INTID 33
/* Where a VM sees its emulated PL011 unless its config says otherwise (`uart`). */
#define PLAT_VM_UART_DEFAULT PLAT_U(0x09000000)
/* A VM's emulated UART is the board's own model (why: the riscv64 platform.h). */
#define PLAT_VUART_MODEL PLAT_VUART_PL011
#define PLAT_PMU_PPI 23       /* the PMU's overflow interrupt (PPI 7) */
#define PLAT_HYP_TIMER_PPI 26 /* the EL2 physical timer, CNTHP (PPI 10) */
#define PLAT_GICD_BASE PLAT_U(0x08000000)
#define PLAT_GICD_SIZE PLAT_U(0x00010000)
#define PLAT_GICR_BASE PLAT_U(0x080A0000)
#define PLAT_GICR_STRIDE PLAT_U(0x00020000)
#define PLAT_GICR_SIZE (PLAT_GICR_STRIDE * PLAT_CPU_NUM)

/*
 * IPA bits stage 2 translates (VTCR_EL2.T0SZ = 64 - this, tables from level
 * 1; s2.c asserts it): an IPA at or above 1 << PLAT_IPA_BITS would alias a
 * lower one, so the config checker refuses it.
 */
#define PLAT_IPA_BITS 39

/*
 * MMIO no VM may be given as a pass-through device: X(base, size, what).
 * Every GIC frame on virt (the hypervisor owns the GIC and emulates it;
 * the redistributor region is the one QEMU reserves for 123 CPUs) and the
 * hypervisor's UART (the monitor gets it through `uart`, not `device`).
 */
#define PLAT_RESERVED_MMIO(X)                                                                      \
	X(PLAT_GICD_BASE, PLAT_GICD_SIZE, "the GIC distributor (GICD)")                            \
	X(PLAT_U(0x08010000), PLAT_U(0x00070000), "the GICv2 CPU, v2m, GICH and GICV frames")      \
	X(PLAT_U(0x08080000), PLAT_U(0x00020000), "the GIC ITS")                                   \
	X(PLAT_GICR_BASE, PLAT_U(0x00F60000), "the GIC redistributors (GICR)")                     \
	X(PLAT_UART_BASE, PLAT_U(0x1000), "the platform UART")                                     \
	X(PLAT_SMMU_BASE, PLAT_SMMU_SIZE, "the SMMU")

/*
 * PCIe behind the SMMUv3 (`-M virt,iommu=smmuv3`). The hypervisor scans
 * bus 0 of the ECAM (QEMU puts it high with a 40-bit PA), gives a `pci`
 * function's BAR 0 the address its config says in the 32-bit MMIO window,
 * and confines its DMA with a stream-table entry (stream ID = bus << 8 |
 * device << 3 | function; the table covers PLAT_SMMU_SIDS of them). INTA
 * of slot s is SPI 3 + (s % 4): INTID PLAT_PCIE_INTX_INTID + s % 4.
 */
#define PLAT_PCIE_ECAM_BASE PLAT_U(0x4010000000)
#define PLAT_PCIE_ECAM_BUS_SIZE PLAT_U(0x100000) /* bus 0's 32 devices x 8 functions x 4 KiB */
#define PLAT_PCIE_MMIO_BASE PLAT_U(0x10000000)
#define PLAT_PCIE_MMIO_SIZE PLAT_U(0x2eff0000)
#define PLAT_PCIE_INTX_INTID 35
/* A VM with `pci` functions sees its emulated bus 0 here (where virt's low ECAM is). */
#define PLAT_PCIE_VECAM_IPA PLAT_U(0x3f000000)
#define PLAT_SMMU_BASE PLAT_U(0x09050000)
#define PLAT_SMMU_SIZE PLAT_U(0x20000)
#define PLAT_SMMU_EVENTQ_INTID 106 /* SPI 74, edge */
#define PLAT_SMMU_SIDS 64          /* bus 0, devices 0-7: a one-page linear stream table */

/*
 * Devices that are DMA masters: they read and write physical memory by
 * address, and nothing confines them to their VM's RAM when they are given
 * as a `device` (a `pci` function goes through the SMMU instead).
 * Passing one through as a `device` needs `dma unconfined`. X(base, size, what).
 */
#define PLAT_DMA_MMIO(X)                                                                           \
	X(PLAT_U(0x09020000), PLAT_U(0x1000), "fw_cfg (its DMA interface)")                        \
	X(PLAT_U(0x0a000000), PLAT_U(0x4000), "the virtio-mmio slots")                             \
	X(PLAT_U(0x10000000), PLAT_U(0x2eff0000), "the PCIe MMIO window")                          \
	X(PLAT_U(0x3eff0000), PLAT_U(0x10000), "the PCIe PIO window")                              \
	X(PLAT_U(0x3f000000), PLAT_U(0x01000000), "the PCIe ECAM")                                 \
	X(PLAT_U(0x4010000000), PLAT_U(0x10000000), "the high PCIe ECAM")                          \
	X(PLAT_U(0x8000000000), PLAT_U(0x8000000000), "the high PCIe MMIO window")

/*
 * Cache colours: the LLC's size / (ways x 4 KiB), as the config checker
 * allocates them. QEMU's cortex-a53 reports a 1 MiB, 16-way L2: 16 colours
 * (the hypervisor compares with CLIDR/CCSIDR at boot and says if they differ).
 */
#define PLAT_LLC_COLORS 16

/* Largest INTID a pass-through device may name (GICv3 SPIs end at 1019). */
#define PLAT_INTID_KIND "an SPI"
#define PLAT_INTID_MIN 32
#define PLAT_INTID_MAX 1019

/* A kernel vm's Image (tools/vmconfig/kernel.c): "ARM\x64" at 56; placed at a 2 MiB base +
 * text_offset. */
#define PLAT_KERNEL_MAGIC 0x644d5241u
#define PLAT_KERNEL_KIND "an arm64 Image"
#define PLAT_KERNEL_DTB_REG "x0"
#define PLAT_KERNEL_TEXT_OFFSET 1

/* A VM's stage-2 root table, in 4 KiB pages (one 4 KiB table); the pool is aligned to it. */
#define PLAT_S2_ROOT_PAGES 1

#endif
