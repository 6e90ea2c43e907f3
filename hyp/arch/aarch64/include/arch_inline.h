/* Small architecture hooks the core inlines. */
#ifndef ARCH_INLINE_H
#define ARCH_INLINE_H

/*
 * In every busy-wait: a hint to the core, and under QEMU's single-threaded
 * round-robin (-icount) the only way other vCPUs get to run before this
 * one's time slice ends.
 */
static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

#endif
