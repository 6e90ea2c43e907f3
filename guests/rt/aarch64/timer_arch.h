/*
 * The EL1 virtual timer (CNTV_*): one comparator per vCPU, counting
 * CNTVCT_EL0 ticks at CNTFRQ_EL0 Hz, its interrupt PPI 27 (level).
 */
#ifndef TIMER_ARCH_H
#define TIMER_ARCH_H

#include <stdint.h>

#define TIMER_VIRT_INTID 27

#define TIMER_CTL_ENABLE (1u << 0)
#define TIMER_CTL_IMASK (1u << 1)
#define TIMER_CTL_ISTATUS (1u << 2)

static inline uint64_t timer_freq(void)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

/* The ISB keeps the counter read from being hoisted above earlier instructions. */
static inline uint64_t timer_now(void)
{
	uint64_t t;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t)::"memory");
	return t;
}

/* Fires (and stays asserted, it is level) once CNTVCT >= cval, until re-armed or stopped. */
static inline void timer_arm_at(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval),
	                 "r"((uint64_t)TIMER_CTL_ENABLE)
	                 : "memory");
}

static inline void timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static inline uint32_t timer_ctl(void)
{
	uint64_t c;

	__asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(c));
	return (uint32_t)c;
}

#endif
