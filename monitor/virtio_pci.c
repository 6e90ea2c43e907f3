/*
 * The virtio PCI transport, modern only (virtio 1.2, 4.1): the function's
 * vendor-specific capabilities say in which BAR, at which offset, its
 * common configuration, notification, ISR and device-specific registers
 * are. The hypervisor places one BAR per function (the config's `pci ...
 * bar N`) and shows only these capabilities (hyp/drivers/vpcie.c); QEMU's
 * virtio-net-pci with `disable-legacy=on,vectors=0` has one BAR, 4, with
 * all four. No MSI-X: the interrupt is INTA, level-triggered, dropped by
 * reading the ISR. Its DMA goes through the SMMU, which translates the
 * monitor's IPAs (the buffers' addresses are the monitor's own), only if
 * the device offers VIRTIO_F_ACCESS_PLATFORM (QEMU: iommu_platform=on):
 * without it QEMU's virtio device addresses physical memory directly,
 * past the SMMU, and is refused here.
 */
#include "virtio_pci.h"

#include <stddef.h>

#include "platform.h"

#define VPCI_VENDOR_VIRTIO 0x1af4u
#define VPCI_DEVICE_MODERN 0x1040u /* + the virtio device ID */
#define VPCI_COMMAND 0x04
#define VPCI_COMMAND_MEMORY (1u << 1)
#define VPCI_COMMAND_MASTER (1u << 2)
#define VPCI_STATUS_CAP_LIST (1u << 20)
#define VPCI_BAR(n) (0x10 + 4 * (n))
#define VPCI_CAPS 0x34
#define VPCI_CAP_VENDOR 0x09
#define VPCI_CAPS_MAX 48

/* virtio_pci_cap's cfg_type */
enum vpci_cfg { VPCI_COMMON = 1, VPCI_NOTIFY, VPCI_ISR, VPCI_DEVICE, VPCI_NR_CFG };

/* The common configuration structure (virtio 1.2, 4.1.4.3) */
#define VC_DEV_FEATURE_SEL 0x00
#define VC_DEV_FEATURE 0x04
#define VC_DRV_FEATURE_SEL 0x08
#define VC_DRV_FEATURE 0x0c
#define VC_STATUS 0x14
#define VC_QUEUE_SEL 0x16
#define VC_QUEUE_SIZE 0x18
#define VC_QUEUE_ENABLE 0x1c
#define VC_QUEUE_NOTIFY_OFF 0x1e
#define VC_QUEUE_DESC 0x20
#define VC_QUEUE_DRIVER 0x28
#define VC_QUEUE_DEVICE 0x30
#define VC_SIZE 0x38

/* The notify addresses kept: enough for virtio-net's receive and transmit queues. */
#define VPCI_QUEUES 2

static uintptr_t vpci_at[VPCI_NR_CFG]; /* each structure's address, by cfg_type */
static uint32_t vpci_notify_mult;
static uintptr_t vpci_notify[VPCI_QUEUES];

static volatile uint32_t *vpci_cfg(uint32_t bdf, uint32_t reg)
{
	return (volatile uint32_t *)(PLAT_PCIE_VECAM_IPA + ((uintptr_t)bdf << 12) + reg);
}

static uint8_t vpci_cfg8(uint32_t bdf, uint32_t reg)
{
	return (uint8_t)(*vpci_cfg(bdf, reg & ~3u) >> (reg & 3) * 8);
}

static inline volatile uint8_t *vc8(uint32_t off)
{
	return (volatile uint8_t *)(vpci_at[VPCI_COMMON] + off);
}

static inline volatile uint16_t *vc16(uint32_t off)
{
	return (volatile uint16_t *)(vpci_at[VPCI_COMMON] + off);
}

static inline volatile uint32_t *vc32(uint32_t off)
{
	return (volatile uint32_t *)(vpci_at[VPCI_COMMON] + off);
}

static void vc64(uint32_t off, uint64_t v)
{
	*vc32(off) = (uint32_t)v;
	*vc32(off + 4) = (uint32_t)(v >> 32);
}

static uint32_t vpci_status(void)
{
	return *vc8(VC_STATUS);
}

static void vpci_set_status(uint32_t status)
{
	*vc8(VC_STATUS) = (uint8_t)status;
}

static uint64_t vpci_features(void)
{
	uint64_t have;

	*vc32(VC_DEV_FEATURE_SEL) = 1;
	have = (uint64_t)*vc32(VC_DEV_FEATURE) << 32;
	*vc32(VC_DEV_FEATURE_SEL) = 0;
	return have | *vc32(VC_DEV_FEATURE);
}

static void vpci_set_features(uint64_t features)
{
	*vc32(VC_DRV_FEATURE_SEL) = 1;
	*vc32(VC_DRV_FEATURE) = (uint32_t)(features >> 32);
	*vc32(VC_DRV_FEATURE_SEL) = 0;
	*vc32(VC_DRV_FEATURE) = (uint32_t)features;
}

static const char *vpci_queue_init(uint32_t n, const struct virtq *q)
{
	if (n >= VPCI_QUEUES)
		return "more queues than the transport keeps";
	*vc16(VC_QUEUE_SEL) = (uint16_t)n;
	if (*vc16(VC_QUEUE_ENABLE))
		return "a queue is already in use";
	if (*vc16(VC_QUEUE_SIZE) < VIRTQ_SIZE)
		return "queues smaller than 32 entries";
	*vc16(VC_QUEUE_SIZE) = VIRTQ_SIZE;
	vc64(VC_QUEUE_DESC, (uintptr_t)q->desc);
	vc64(VC_QUEUE_DRIVER, (uintptr_t)&q->avail);
	vc64(VC_QUEUE_DEVICE, (uintptr_t)&q->used);
	vpci_notify[n] =
	    vpci_at[VPCI_NOTIFY] + (uintptr_t)*vc16(VC_QUEUE_NOTIFY_OFF) * vpci_notify_mult;
	*vc16(VC_QUEUE_ENABLE) = 1;
	return NULL;
}

static void vpci_queue_notify(uint32_t n)
{
	*(volatile uint16_t *)vpci_notify[n] = (uint16_t)n;
}

/* Reading the ISR clears it and drops INTA. */
static uint32_t vpci_irq_ack(void)
{
	return *(volatile uint8_t *)vpci_at[VPCI_ISR];
}

static uint8_t vpci_config(uint32_t off)
{
	return *(volatile uint8_t *)(vpci_at[VPCI_DEVICE] + off);
}

static const struct virtio_ops vpci_ops = {
    .status = vpci_status,
    .set_status = vpci_set_status,
    .features = vpci_features,
    .set_features = vpci_set_features,
    .queue_init = vpci_queue_init,
    .notify = vpci_queue_notify,
    .irq_ack = vpci_irq_ack,
    .config = vpci_config,
};

/* BAR n's size mask, read the usual way (write all ones), its value put back. */
static uint32_t vpci_bar_mask(uint32_t bdf, uint32_t n)
{
	uint32_t v = *vpci_cfg(bdf, VPCI_BAR(n)), mask;

	*vpci_cfg(bdf, VPCI_BAR(n)) = ~0u;
	mask = *vpci_cfg(bdf, VPCI_BAR(n));
	*vpci_cfg(bdf, VPCI_BAR(n)) = v;
	return mask;
}

/* A memory BAR's address and size; 0 if it is I/O space or not placed (the hypervisor's reads 0).
 */
static uint64_t vpci_bar(uint32_t bdf, uint32_t n, uint64_t *size)
{
	uint32_t lo = *vpci_cfg(bdf, VPCI_BAR(n)), lo_mask = vpci_bar_mask(bdf, n) & ~0xfu;
	int wide = (lo & 7) == 4 && n < 5;
	uint64_t hi = wide ? *vpci_cfg(bdf, VPCI_BAR(n + 1)) : 0;
	uint64_t mask = (uint64_t)(wide ? vpci_bar_mask(bdf, n + 1) : ~0u) << 32 | lo_mask;

	*size = ~mask + 1;
	if (lo & 1 || !lo_mask)
		return 0;
	return hi << 32 | (lo & ~0xfu);
}

/* One virtio capability at cap: its structure's address, if its BAR holds it. */
static const char *vpci_cap(uint32_t bdf, uint32_t cap)
{
	uint32_t type = vpci_cfg8(bdf, cap + 3), bar = vpci_cfg8(bdf, cap + 4);
	uint32_t off = *vpci_cfg(bdf, cap + 8), len = *vpci_cfg(bdf, cap + 12);
	uint64_t base, size;

	if (type >= VPCI_NR_CFG || vpci_at[type] || bar > 5)
		return NULL; /* not one we use, or not the first of its type: ignored */
	base = vpci_bar(bdf, bar, &size);
	if (!base)
		return NULL; /* in a BAR the config does not place: another may do */
	if ((uint64_t)off + len > size || (type == VPCI_COMMON && len < VC_SIZE))
		return "a virtio capability points outside its BAR";
	if (type == VPCI_NOTIFY)
		vpci_notify_mult = *vpci_cfg(bdf, cap + 16);
	vpci_at[type] = (uintptr_t)(base + off);
	return NULL;
}

static const char *vpci_caps(uint32_t bdf)
{
	uint32_t cap = vpci_cfg8(bdf, VPCI_CAPS) & 0xfc;
	const char *why;

	if (!(*vpci_cfg(bdf, VPCI_COMMAND) & VPCI_STATUS_CAP_LIST))
		cap = 0;
	for (int n = 0; n < VPCI_CAPS_MAX && cap >= 0x40; n++) {
		if (vpci_cfg8(bdf, cap) == VPCI_CAP_VENDOR && (why = vpci_cap(bdf, cap)) != NULL)
			return why;
		cap = vpci_cfg8(bdf, cap + 1) & 0xfc;
	}
	for (int t = VPCI_COMMON; t < VPCI_NR_CFG; t++)
		if (!vpci_at[t])
			return "the function's virtio registers are not all in its placed BAR "
			       "(QEMU: -device virtio-net-pci,disable-legacy=on,vectors=0; "
			       "config: pci ... bar 4)";
	return NULL;
}

const char *virtio_pci_find(uint32_t device_id, struct virtio_dev *d)
{
	uint32_t want = VPCI_VENDOR_VIRTIO | (VPCI_DEVICE_MODERN + device_id) << 16;
	const char *why;

	for (uint32_t bdf = 0; bdf < 256; bdf++) {
		if (*vpci_cfg(bdf, 0) != want)
			continue;
		if ((why = vpci_caps(bdf)) != NULL)
			return why;
		*vpci_cfg(bdf, VPCI_COMMAND) = VPCI_COMMAND_MEMORY | VPCI_COMMAND_MASTER;
		if (!(vpci_features() & VIRTIO_F_ACCESS_PLATFORM))
			return "the virtio PCI function does not offer ACCESS_PLATFORM: its DMA "
			       "would "
			       "bypass the SMMU (QEMU: -device virtio-net-pci,iommu_platform=on)";
		*d = (struct virtio_dev){.ops = &vpci_ops,
		                         .intid = PLAT_PCIE_INTX_INTID + (bdf >> 3 & 31) % 4,
		                         .edge = 0,
		                         .features = VIRTIO_F_ACCESS_PLATFORM};
		return NULL;
	}
	return "no modern virtio PCI function of that kind on the bus";
}
