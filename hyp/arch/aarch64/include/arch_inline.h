/* Small architecture hooks the core inlines. */
#ifndef ARCH_INLINE_H
#define ARCH_INLINE_H

#include <stdint.h>

#include "sysreg.h"

struct cpu;

/* What a fault report calls the exception's syndrome (vm_fault_report). */
#define ARCH_SYNDROME "ESR"
/* Where the hypervisor's own map is, in messages. */
#define ARCH_HYP_MAP "at EL2"

/* Whose exit classes the trace records carry (enum vt_arch, the dump's arch). */
#define ARCH_TRACE_ARCH VT_ARCH_AARCH64

/*
 * In every busy-wait: a hint to the core, and under QEMU's single-threaded
 * round-robin (-icount) the only way other vCPUs get to run before this
 * one's time slice ends.
 */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* The generic counter, and its frequency. */
static inline uint64_t arch_counter(void)
{
	return sysreg_read(cntpct_el0);
}

static inline uint64_t arch_counter_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

/*
 * This pCPU's struct cpu: TPIDR_EL2 holds it. It never changes once set
 * (arch_cpu_init), so the read is not volatile: the compiler may reuse it.
 */
static inline struct cpu *arch_cpu_this(void)
{
	struct cpu *c;

	__asm__("mrs %0, tpidr_el2" : "=r"(c));
	return c;
}

#endif
