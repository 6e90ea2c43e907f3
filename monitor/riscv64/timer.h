/*
 * The monitor's clock on riscv64: the `time` CSR (hcounteren.TM lets VS-mode
 * read it), at the rate the hypervisor found (the system page's timer_freq,
 * written at boot before any VM runs). Stands in for rt's Armv8-A timer.h.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>

#include <vitrine/config.h>
#include <vitrine/sysview.h>

static inline uint64_t timer_freq(void)
{
	return ((const volatile struct vt_sys *)(uintptr_t)CFG_MONITOR_SYS_IPA)->timer_freq;
}

static inline uint64_t timer_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t)::"memory");
	return t;
}

#endif
