/*
 * The virtio-mmio transport (virtio 1.2, 4.2.2; register layout version 2,
 * QEMU's `-global virtio-mmio.force-legacy=false`): the device QEMU's virt
 * board puts in its last virtio-mmio slot. Its DMA is not translated, so
 * it works only with the monitor's RAM at IPA == PA (net.c checks).
 */
#include "virtio_mmio.h"

#include <stddef.h>

#define VM_MAGIC 0x000
#define VM_VERSION 0x004
#define VM_DEVICE_ID 0x008
#define VM_DEV_FEATURES 0x010
#define VM_DEV_FEATURES_SEL 0x014
#define VM_DRV_FEATURES 0x020
#define VM_DRV_FEATURES_SEL 0x024
#define VM_QUEUE_SEL 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM 0x038
#define VM_QUEUE_READY 0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INT_STATUS 0x060
#define VM_INT_ACK 0x064
#define VM_STATUS 0x070
#define VM_QUEUE_DESC 0x080
#define VM_QUEUE_DRIVER 0x090
#define VM_QUEUE_DEVICE 0x0a0
#define VM_CONFIG 0x100

#define VM_MAGIC_VALUE 0x74726976u /* "virt" */

static inline uint32_t vmmio_rd(uint32_t off)
{
	return *(volatile uint32_t *)(VIRTIO_MMIO_BASE + off);
}

static inline void vmmio_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(VIRTIO_MMIO_BASE + off) = v;
}

static void vmmio_wr64(uint32_t off, uint64_t v)
{
	vmmio_wr(off, (uint32_t)v);
	vmmio_wr(off + 4, (uint32_t)(v >> 32));
}

static uint32_t vmmio_status(void)
{
	return vmmio_rd(VM_STATUS);
}

static void vmmio_set_status(uint32_t status)
{
	vmmio_wr(VM_STATUS, status);
}

static uint64_t vmmio_features(void)
{
	uint64_t have;

	vmmio_wr(VM_DEV_FEATURES_SEL, 1);
	have = (uint64_t)vmmio_rd(VM_DEV_FEATURES) << 32;
	vmmio_wr(VM_DEV_FEATURES_SEL, 0);
	return have | vmmio_rd(VM_DEV_FEATURES);
}

static void vmmio_set_features(uint64_t features)
{
	vmmio_wr(VM_DRV_FEATURES_SEL, 1);
	vmmio_wr(VM_DRV_FEATURES, (uint32_t)(features >> 32));
	vmmio_wr(VM_DRV_FEATURES_SEL, 0);
	vmmio_wr(VM_DRV_FEATURES, (uint32_t)features);
}

static const char *vmmio_queue_init(uint32_t n, const struct virtq *q)
{
	vmmio_wr(VM_QUEUE_SEL, n);
	if (vmmio_rd(VM_QUEUE_READY))
		return "a queue is already in use";
	if (vmmio_rd(VM_QUEUE_NUM_MAX) < VIRTQ_SIZE)
		return "queues smaller than 32 entries";
	vmmio_wr(VM_QUEUE_NUM, VIRTQ_SIZE);
	vmmio_wr64(VM_QUEUE_DESC, (uintptr_t)q->desc);
	vmmio_wr64(VM_QUEUE_DRIVER, (uintptr_t)&q->avail);
	vmmio_wr64(VM_QUEUE_DEVICE, (uintptr_t)&q->used);
	vmmio_wr(VM_QUEUE_READY, 1);
	return NULL;
}

static void vmmio_notify(uint32_t n)
{
	vmmio_wr(VM_QUEUE_NOTIFY, n);
}

/* Edge-triggered: the line drops here, and a later completion raises it again. */
static uint32_t vmmio_irq_ack(void)
{
	uint32_t st = vmmio_rd(VM_INT_STATUS);

	vmmio_wr(VM_INT_ACK, st);
	return st;
}

static uint8_t vmmio_config(uint32_t off)
{
	return *(volatile uint8_t *)(VIRTIO_MMIO_BASE + VM_CONFIG + off);
}

static const struct virtio_ops vmmio_ops = {
    .status = vmmio_status,
    .set_status = vmmio_set_status,
    .features = vmmio_features,
    .set_features = vmmio_set_features,
    .queue_init = vmmio_queue_init,
    .notify = vmmio_notify,
    .irq_ack = vmmio_irq_ack,
    .config = vmmio_config,
};

const char *virtio_mmio_find(uint32_t device_id, struct virtio_dev *d)
{
	if (vmmio_rd(VM_MAGIC) != VM_MAGIC_VALUE)
		return "no virtio-mmio device in the board's last slot";
	if (vmmio_rd(VM_VERSION) == 1)
		return "the virtio-mmio device is legacy (version 1): run QEMU with "
		       "-global virtio-mmio.force-legacy=false";
	if (vmmio_rd(VM_VERSION) != 2)
		return "the virtio-mmio device has an unknown version";
	if (vmmio_rd(VM_DEVICE_ID) != device_id)
		return "the virtio-mmio device in the board's last slot is not the device wanted";
	*d = (struct virtio_dev){
	    .ops = &vmmio_ops, .intid = VIRTIO_MMIO_INTID, .edge = MON_VIRTIO_MMIO_EDGE};
	return NULL;
}
