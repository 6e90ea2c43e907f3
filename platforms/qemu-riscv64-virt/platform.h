/*
 * QEMU riscv64 `virt` (-cpu rv64,h=true, -smp 4, -m 1G, OpenSBI as -bios):
 * the physical facts the hypervisor and the host config tool both need.
 * Plain macros only, so the host tool can include this file too.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "../plat_u.h"

#define PLAT_NAME "qemu-riscv64-virt"
#define PLAT_CPU_NUM 4 /* hart IDs 0-3: a pCPU's index is its hart ID */

/* RAM starts at 0x80000000; OpenSBI keeps its first 2 MiB (PMP-protected from S-mode). */
#define PLAT_RAM_BASE PLAT_U(0x80200000)
#define PLAT_RAM_SIZE PLAT_U(0x3fe00000) /* -m 1G, less OpenSBI's */
/* The emulated LLC's page (tools/llc is aarch64 only): kept free all the same. */
#define PLAT_LLC_PAGE_PA (PLAT_RAM_BASE + PLAT_RAM_SIZE - PLAT_U(0x1000))

/* OpenSBI jumps to the hypervisor here, in HS-mode. */
#define PLAT_HYP_BASE PLAT_RAM_BASE
#define PLAT_HYP_SIZE PLAT_U(0x02000000)
#define PLAT_BOOTPARAM_PA (PLAT_HYP_BASE + PLAT_HYP_SIZE - PLAT_U(0x1000))

#define PLAT_UART_BASE PLAT_U(0x10000000) /* ns16550a, PLIC source 10 */
#define PLAT_UART_INTID 10
/* No emulated UART by default: guests write through SBI. */
#define PLAT_VM_UART_DEFAULT 0
/*
 * A VM's emulated UART is the board's own model: software written for the
 * board (Linux's 8250 driver, as `virt`'s DT names it) drives that one, at
 * the board's address. One fact per platform, not per VM: the hypervisor
 * builds that register file alone, and vmconfig's checks and DTs say the same.
 */
#define PLAT_VUART_MODEL PLAT_VUART_NS16550A
#define PLAT_TIMER_FREQ 10000000 /* the `time` CSR's rate (the DTB's timebase-frequency) */

/*
 * The ranges vmconfig keeps out of every VM's guest-physical space for the
 * interrupt controller it emulates (the names are the GIC's, which the
 * tool knows): here the PLIC, which each VM sees emulated at the same
 * address (vplic.c), and the CLINT (a VM touching it is stopped).
 */
#define PLAT_GICD_BASE PLAT_U(0x0c000000) /* the PLIC */
#define PLAT_GICD_SIZE PLAT_U(0x04000000)
#define PLAT_GICR_BASE PLAT_U(0x02000000) /* the CLINT: one stride per hart */
#define PLAT_GICR_STRIDE PLAT_U(0x4000)
#define PLAT_GICR_SIZE (PLAT_GICR_STRIDE * PLAT_CPU_NUM)

/* G-stage Sv39x4: 41-bit guest physical addresses. */
#define PLAT_IPA_BITS 41

#define PLAT_RESERVED_MMIO(X)                                                                      \
	X(PLAT_GICD_BASE, PLAT_GICD_SIZE, "the PLIC")                                              \
	X(PLAT_GICR_BASE, PLAT_U(0x10000), "the CLINT")                                            \
	X(PLAT_UART_BASE, PLAT_U(0x1000), "the platform UART")

#define PLAT_DMA_MMIO(X)                                                                           \
	X(PLAT_U(0x10100000), PLAT_U(0x18), "fw_cfg (its DMA interface)")                          \
	X(PLAT_U(0x10001000), PLAT_U(0x8000), "the virtio-mmio slots")                             \
	X(PLAT_U(0x30000000), PLAT_U(0x10000000), "the PCIe ECAM")                                 \
	X(PLAT_U(0x40000000), PLAT_U(0x40000000), "the PCIe MMIO window")

/* Cache colours as vmconfig allocates them; the hypervisor maps them (no cache ID registers). */
#define PLAT_LLC_COLORS 16

/*
 * PCIe on riscv64 `virt`: its ECAM, its 32-bit MMIO window and its INTx
 * (PLIC sources 32-35). QEMU 7.2 puts no IOMMU in front of it, so no stream
 * ID has an IOMMU path: the config checker refuses every `pci` function.
 */
#define PLAT_PCIE_ECAM_BASE PLAT_U(0x30000000)
#define PLAT_PCIE_ECAM_BUS_SIZE PLAT_U(0x100000)
#define PLAT_PCIE_MMIO_BASE PLAT_U(0x40000000)
#define PLAT_PCIE_MMIO_SIZE PLAT_U(0x40000000)
#define PLAT_PCIE_INTX_INTID 32
#define PLAT_PCIE_VECAM_IPA PLAT_PCIE_ECAM_BASE
#define PLAT_SMMU_SIDS 0

/*
 * The PLIC (SiFive's, as QEMU builds it): sources 1-96 (`riscv,ndev`), hart
 * h's S-mode context 2h + 1 (its M-mode one 2h, OpenSBI's). A VM's harts
 * get the same numbering in its emulated PLIC.
 */
#define PLAT_PLIC_BASE PLAT_GICD_BASE
#define PLAT_PLIC_S_CONTEXT(hart) (2 * (hart) + 1)
#define PLAT_INTID_KIND "a PLIC source"
#define PLAT_INTID_MIN 1  /* the smallest source a device or doorbell may name */
#define PLAT_INTID_MAX 96 /* the largest */

/*
 * A kernel vm's Image (tools/vmconfig/kernel.c): "RSC\x05" at 56. Placed at
 * the 2 MiB-aligned base of its RAM: text_offset (2 MiB) is the room a board
 * leaves below the kernel for its firmware, which a VM has none of.
 */
#define PLAT_KERNEL_MAGIC 0x05435352u
#define PLAT_KERNEL_KIND "a riscv64 Image"
#define PLAT_KERNEL_DTB_REG "a1" /* a0: the hart ID */
#define PLAT_KERNEL_TEXT_OFFSET 0

/* A VM's stage-2 root table, in 4 KiB pages (Sv39x4: 2048 entries, 16 KiB aligned); the pool is
 * aligned to it. */
#define PLAT_S2_ROOT_PAGES 4

#endif
