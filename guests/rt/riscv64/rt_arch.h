/* The guest runtime's inline hooks on riscv64. */
#ifndef RT_ARCH_H
#define RT_ARCH_H

#define RT_HWID "hart ID"

/* QEMU virt's: where RAM starts (the guests are linked there), its first virtio-mmio slot. */
#define RT_BOARD_RAM 0x80000000ul
#define RT_BOARD_VIRTIO 0x10001000ul

#include <stdint.h>

/* Sleep until an interrupt enabled in sie is taken (it stays pending); its scause. */
uint64_t rt_wait_irq(void);

/* Zihintpause's PAUSE (a FENCE hint: a no-op where it is not implemented). */
static inline void rt_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

/* Shared memory written before a doorbell is rung: visible to the VM it rings first. */
static inline void rt_shm_publish(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

#endif
