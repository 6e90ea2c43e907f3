/* What the monitor's shared code asks of riscv64 (the rest: monitor/riscv64/). */
#ifndef MON_ARCH_H
#define MON_ARCH_H

#define MON_ARCH "riscv64"
/* cache.llc: LLC counts can be had. */
#define MON_LLC_COUNTS 0 /* no emulated LLC (tools/llc is Armv8-A's), no PMU events */

/*
 * QEMU virt's last virtio-mmio slot (of 8 from 0x10001000), where its
 * virtio-net-device lands: PLIC source 8, a level line QEMU drops once
 * the interrupt status is acknowledged.
 */
#define MON_VIRTIO_MMIO_BASE 0x10008000ul
#define MON_VIRTIO_MMIO_INTID 8
#define MON_VIRTIO_MMIO_EDGE 0

/* Device-visible ordering: writes before writes, reads before reads, all before an MMIO write. */
static inline void mon_dev_wmb(void)
{
	__asm__ volatile("fence w, w" ::: "memory");
}

static inline void mon_dev_rmb(void)
{
	__asm__ volatile("fence r, r" ::: "memory");
}

static inline void mon_dev_mb(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

#endif
