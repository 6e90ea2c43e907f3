/* Small architecture hooks the core inlines. */
#ifndef ARCH_INLINE_H
#define ARCH_INLINE_H

#include <stdint.h>

#include "csr.h"
#include "platform.h"

struct cpu;

/* What a fault report calls the exception's syndrome (vm_fault_report). */
#define ARCH_SYNDROME "scause"
/* Where the hypervisor's own map is, in messages. */
#define ARCH_HYP_MAP "in HS"

/* Whose exit classes the trace records carry (enum vt_arch, the dump's arch). */
#define ARCH_TRACE_ARCH VT_ARCH_RISCV64

/* Zihintpause's PAUSE (a FENCE hint: a no-op where it is not implemented). */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

/* The `time` CSR, and its rate. */
static inline uint64_t arch_counter(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uint64_t arch_counter_freq(void)
{
	return PLAT_TIMER_FREQ;
}

/* This pCPU's struct cpu: the hypervisor keeps it in tp (a guest's tp is saved at each trap). */
static inline struct cpu *arch_cpu_this(void)
{
	struct cpu *c;

	__asm__("mv %0, tp" : "=r"(c));
	return c;
}

#endif
