/* The guest runtime's inline hooks on Armv8-A. */
#ifndef RT_ARCH_H
#define RT_ARCH_H

#define RT_HWID "MPIDR"

/* Put in every busy-wait: under QEMU -icount other vCPUs run only when one yields. */
static inline void rt_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

#endif
