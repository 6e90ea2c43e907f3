/*
 * The timer on riscv64: the `time` CSR, a deadline set by SBI TIME
 * (the hypervisor's virtual timer interrupt, VS-mode's STIP, raised until
 * another is set). Its handler's ID in intc.h is 0 (no PLIC source).
 */
#ifndef TIMER_ARCH_H
#define TIMER_ARCH_H

#include <stdint.h>

#include "sbi.h"

#define TIMER_VIRT_INTID 0

/* QEMU virt's timebase-frequency. */
static inline uint64_t timer_freq(void)
{
	return 10000000;
}

static inline uint64_t timer_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t)::"memory");
	return t;
}

static inline void timer_arm_at(uint64_t t)
{
	sbi_call(SBI_EXT_TIME, 0, t, 0, 0);
}

static inline void timer_stop(void)
{
	sbi_call(SBI_EXT_TIME, 0, ~0ull, 0, 0);
}

#endif
