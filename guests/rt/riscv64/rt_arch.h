/* The guest runtime's inline hooks on riscv64. */
#ifndef RT_ARCH_H
#define RT_ARCH_H

#define RT_HWID "hart ID"

#include <stdint.h>

/* Sleep until an interrupt enabled in sie is taken (it stays pending); its scause. */
uint64_t rt_wait_irq(void);

/* Zihintpause's PAUSE (a FENCE hint: a no-op where it is not implemented). */
static inline void rt_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

#endif
