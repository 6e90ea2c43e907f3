/*
 * Split virtqueues (virtio 1.2, 2.7) and the driver's start-up sequence
 * (3.1.1), whatever the transport. QEMU's DMA is cache-coherent; the
 * barriers order the ring updates against the device.
 */
#include "virtio.h"

#include <stddef.h>

#include "mon_arch.h"

#define VIRTIO_ST_ACK 1u
#define VIRTIO_ST_DRIVER 2u
#define VIRTIO_ST_DRIVER_OK 4u
#define VIRTIO_ST_FEATURES_OK 8u
#define VIRTIO_ST_FAILED 128u
#define VIRTIO_ST_STARTED (VIRTIO_ST_ACK | VIRTIO_ST_DRIVER | VIRTIO_ST_FEATURES_OK)

/* The device must see the ring entries before the index, and the index before the notify. */
static inline void virtq_wmb(void)
{
	mon_dev_wmb();
}

static inline void virtq_rmb(void)
{
	mon_dev_rmb();
}

static const char *virtio_fail(const struct virtio_dev *d, const char *why)
{
	d->ops->set_status(VIRTIO_ST_FAILED);
	return why;
}

const char *virtio_start(const struct virtio_dev *d, uint64_t features, struct virtq *q, uint32_t n)
{
	const struct virtio_ops *t = d->ops;
	const char *bad;

	t->set_status(0); /* reset */
	while (t->status())
		;
	t->set_status(VIRTIO_ST_ACK);
	t->set_status(VIRTIO_ST_ACK | VIRTIO_ST_DRIVER);
	features |= d->features;
	if ((t->features() & features) != features)
		return virtio_fail(d, "the device does not offer the features we need");
	t->set_features(features);
	t->set_status(VIRTIO_ST_STARTED);
	if (!(t->status() & VIRTIO_ST_FEATURES_OK))
		return virtio_fail(d, "the device refused our features");
	for (uint32_t i = 0; i < n; i++)
		if ((bad = t->queue_init(i, &q[i])) != NULL)
			return virtio_fail(d, bad);
	return NULL;
}

void virtio_go(const struct virtio_dev *d)
{
	d->ops->set_status(VIRTIO_ST_STARTED | VIRTIO_ST_DRIVER_OK);
}

/*
 * The index is published before the flags are read (virtio 1.2, 2.7.10): a
 * device that turns notifications back on reads the index again after, so
 * it sees the buffers either way.
 */
void virtio_notify(const struct virtio_dev *d, uint32_t n, const struct virtq *q)
{
	mon_dev_mb();
	if (__atomic_load_n(&q->used.flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY)
		return;
	d->ops->notify(n);
}

void virtq_post(struct virtq *q, uint16_t id, uint32_t off, uint32_t len, uint16_t flags)
{
	q->desc[id].addr = (uint64_t)(uintptr_t)(q->buf[id] + off);
	q->desc[id].len = len;
	q->desc[id].flags = flags;
	q->desc[id].next = 0;
	q->avail.ring[q->avail_idx % VIRTQ_SIZE] = id;
	virtq_wmb();
	q->avail_idx++;
	__atomic_store_n(&q->avail.idx, q->avail_idx, __ATOMIC_RELAXED);
}

uint16_t virtq_used_end(struct virtq *q)
{
	uint16_t idx = __atomic_load_n(&q->used.idx, __ATOMIC_RELAXED);

	virtq_rmb();
	return idx;
}

int virtq_take(struct virtq *q, uint16_t end, uint32_t *id, uint32_t *len)
{
	if (q->used_seen == end)
		return 0;
	*id = q->used.ring[q->used_seen % VIRTQ_SIZE].id;
	*len = q->used.ring[q->used_seen % VIRTQ_SIZE].len;
	q->used_seen++;
	return 1;
}
