/*
 * A GICv3 driver for the guests, written as for real hardware: the
 * distributor and this vCPU's redistributor by MMIO, the CPU interface by
 * system registers, Group 1 only, affinity routing, EOImode 0. Under Vitrine
 * the same code drives the emulated distributor/redistributors and the
 * virtual CPU interface; natively (QEMU virt, EL1) the real GIC.
 *
 * vCPU n is affinity 0.0.0.n: that is what Vitrine gives a vCPU, and what
 * QEMU virt gives CPU n for n < 16.
 */
#ifndef GIC_H
#define GIC_H

#include <stdint.h>

#define GICD_BASE 0x08000000ul
#define GICR_BASE 0x080A0000ul
#define GICR_SGI_OFFSET 0x10000ul

/* Distributor registers (offsets); the per-INTID arrays are indexed by INTID. */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000

#define GICD_CTLR_ENABLE_G1 (1u << 1) /* EnableGrp1 (DS=1) or EnableGrp1A (Non-secure) */
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)

/* Redistributor RD frame */
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Redistributor SGI frame: the same layout as the distributor's first words. */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR1 0x0c04

#define GIC_NR_INTIDS 1020 /* 0-15 SGIs, 16-31 PPIs, 32-1019 SPIs */
#define GIC_SPURIOUS 1023

/* Sets up the distributor (if no other vCPU has), this vCPU's redistributor and CPU interface. */
void gic_init(void);

/*
 * Per-INTID configuration. SGIs and PPIs are the calling vCPU's; SPIs are
 * the distributor's. gic_enable also puts the INTID in Group 1.
 */
void gic_enable(uint32_t intid, uint8_t prio);
void gic_disable(uint32_t intid);
void gic_set_priority(uint32_t intid, uint8_t prio);
uint8_t gic_priority(uint32_t intid);
/* Trigger mode (1 edge, 0 level); set it while the INTID is disabled. SGIs are always edge. */
void gic_set_edge(uint32_t intid, int edge);
void gic_route_spi(uint32_t intid, uint32_t vcpu);
int gic_enabled(uint32_t intid);
int gic_pending(uint32_t intid);
void gic_clear_pending(uint32_t intid);
/* Group 1 SGI to one vCPU (itself included). */
void gic_send_sgi(uint32_t intid, uint32_t vcpu);

/* Priority mask: interrupts of numerically lower priority than pmr are signalled. */
void gic_set_pmr(uint8_t pmr);
uint8_t gic_pmr(void);

/* The redistributor this vCPU found in gic_init (its RD frame). */
uintptr_t gic_redist(void);

/*
 * Interrupt handlers run with interrupts masked, one at a time per vCPU,
 * between acknowledge and end of interrupt. Unhandled INTIDs are reported
 * and disabled.
 */
void irq_register(uint32_t intid, void (*fn)(uint32_t intid));
/* Called from the IRQ vector: acknowledges and handles until nothing is pending. */
void irq_dispatch(void);
/* Times the IRQ vector found nothing to acknowledge (1023), all vCPUs. */
uint32_t irq_spurious(void);

static inline void irq_enable_local(void)
{
	/* The ISB makes a pending interrupt be taken here, not some instructions later. */
	__asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}

static inline void irq_disable_local(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline void irq_wfi(void)
{
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
}

/*
 * Sleeps until *word differs from old (a handler changes it); returns the
 * new value. WFI runs with interrupts masked (it still wakes on one) so an
 * interrupt between the test and the WFI cannot be lost. Leaves interrupts
 * enabled.
 */
uint32_t irq_wait_change(const volatile uint32_t *word, uint32_t old);

#endif
