/* The guest runtime's inline hooks on Armv8-A. */
#ifndef RT_ARCH_H
#define RT_ARCH_H

#define RT_HWID "MPIDR"

/* QEMU virt's: where RAM starts (the guests are linked there), its first virtio-mmio slot. */
#define RT_BOARD_RAM 0x40000000ul
#define RT_BOARD_VIRTIO 0x0a000000ul

/* Put in every busy-wait: under QEMU -icount other vCPUs run only when one yields. */
static inline void rt_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* Shared memory written before a doorbell is rung: visible to the VM it rings first. */
static inline void rt_shm_publish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

#endif
