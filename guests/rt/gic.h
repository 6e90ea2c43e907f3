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

#include "gicv3_regs.h"

#define GICD_BASE 0x08000000ul
#define GICR_BASE 0x080A0000ul

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
/* Trigger mode (1 edge, 0 level); set it while the INTID is disabled. SGIs are always edge. */
void gic_set_edge(uint32_t intid, int edge);
void gic_route_spi(uint32_t intid, uint32_t vcpu);
int gic_pending(uint32_t intid);
/* Group 1 SGI to one vCPU (itself included). */
void gic_send_sgi(uint32_t intid, uint32_t vcpu);

/* Priority mask: interrupts of numerically lower priority than pmr are signalled. */
void gic_set_pmr(uint8_t pmr);

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
