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

#include "rt.h"

#define INTC_NR_IDS 97 /* the timer, then PLIC sources 1-96 */

/* The VM's PLIC, in QEMU's SiFive layout: a register, and those of this hart's S-mode context. */
#define INTC_PLIC 0x0c000000ul

static inline volatile uint32_t *intc_plic(uint64_t off)
{
	return (volatile uint32_t *)(INTC_PLIC + off);
}

static inline uint64_t intc_ctx(void)
{
	return 2 * (uint64_t)rt_cpu_id() + 1;
}

/* The enable word that holds src's bit. */
static inline volatile uint32_t *intc_enables(uint32_t src)
{
	return intc_plic(0x2000 + 0x80 * intc_ctx() + src / 32 * 4);
}

static inline volatile uint32_t *intc_threshold(void)
{
	return intc_plic(0x200000 + 0x1000 * intc_ctx());
}

/* Read: claim; write: complete. */
static inline volatile uint32_t *intc_claim(void)
{
	return intc_plic(0x200004 + 0x1000 * intc_ctx());
}

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
