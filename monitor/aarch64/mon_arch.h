/* What the monitor's shared code asks of Armv8-A (the rest: monitor/aarch64/). */
#ifndef MON_ARCH_H
#define MON_ARCH_H

#define MON_ARCH "aarch64"
/* cache.llc: LLC counts can be had. */
#define MON_LLC_COUNTS 1 /* the emulated LLC (tools/llc) or the PMU's LLC events */

/* QEMU virt's last virtio-mmio slot, where its virtio-net-device lands: SPI 47, edge. */
#define MON_VIRTIO_MMIO_BASE 0x0a003e00ul
#define MON_VIRTIO_MMIO_INTID 79
#define MON_VIRTIO_MMIO_EDGE 1

/* Device-visible ordering: writes before writes, reads before reads, all before an MMIO write. */
static inline void mon_dev_wmb(void)
{
	__asm__ volatile("dmb oshst" ::: "memory");
}

static inline void mon_dev_rmb(void)
{
	__asm__ volatile("dmb oshld" ::: "memory");
}

static inline void mon_dev_mb(void)
{
	__asm__ volatile("dsb osh" ::: "memory");
}

#endif
