/*
 * The interrupts of the guests built for both architectures, on riscv64
 * (intc.c): external ones through the VM's PLIC, in this hart's S-mode
 * context (2 * hart + 1), and the timer (timer_arch.h), as ID 0. As with
 * the GIC on Arm, handlers run with interrupts masked, between claim and
 * complete, whenever interrupts are enabled (sstatus.SIE).
 */
#ifndef INTC_H
#define INTC_H

#include <stdint.h>

#define INTC_NR_IDS 97 /* the timer, then PLIC sources 1-96 */

/* This hart's context: every priority taken (threshold 0), external and timer interrupts on. */
void intc_init(void);
/* A source on in this hart's context (any prio: the PLIC's are all alike here). */
void intc_enable(uint32_t id, uint8_t prio);
void irq_register(uint32_t id, void (*fn)(uint32_t id));
/* Interrupts taken with nothing to claim, all harts. */
uint32_t irq_spurious(void);
/* Sleeps until *word differs from old (a handler changes it); returns the new value. */
uint32_t irq_wait_change(const volatile uint32_t *word, uint32_t old);

static inline void irq_enable_local(void)
{
	__asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

static inline void irq_disable_local(void)
{
	__asm__ volatile("csrci sstatus, 2" ::: "memory");
}

/* Wakes on an interrupt enabled in sie even with sstatus.SIE off. */
static inline void irq_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

#endif
