/*
 * Virtio 1.x in the monitor: split virtqueues and a device's start-up,
 * over either transport (virtio_mmio.c, virtio_pci.c). The device reads
 * and writes a queue's rings and buffers by the addresses it is given:
 * the monitor's own (IPAs), which are what its DMA addresses too when
 * the SMMU translates it, and PAs as well when its RAM is at IPA == PA.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <stdint.h>

#define VIRTQ_SIZE 32
#define VIRTQ_BUF 2048 /* a buffer: a network header and a full Ethernet frame (1514) fit */
_Static_assert(4096 % VIRTQ_BUF == 0, "a buffer within a page");
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_USED_F_NO_NOTIFY 1u /* the device works through the queue unasked */

#define VIRTIO_ID_NET 1
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ull << 33) /* its DMA goes through the platform's IOMMU */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[VIRTQ_SIZE];
	uint16_t used_event;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id;
		uint32_t len;
	} ring[VIRTQ_SIZE];
	uint16_t avail_event;
};

/*
 * What the device reads and writes, and our indexes. The three rings share
 * one page and no buffer crosses a page: behind the SMMU, QEMU 7.2's
 * virtio writes the part of a used-ring element past a page boundary to
 * the ring's offset as if it were an address (a DMA fault at IOVA 0x30,
 * with the ring 0x30 bytes short of a page end).
 */
struct virtq {
	struct virtq_desc desc[VIRTQ_SIZE] __attribute__((aligned(4096)));
	struct virtq_avail avail __attribute__((aligned(16)));
	struct virtq_used used __attribute__((aligned(16)));
	uint8_t buf[VIRTQ_SIZE][VIRTQ_BUF] __attribute__((aligned(VIRTQ_BUF)));
	uint16_t avail_idx; /* our copy of avail.idx */
	uint16_t used_seen; /* used entries consumed so far */
};

/* A transport's side of one device: its registers, however they are reached. */
struct virtio_ops {
	uint32_t (*status)(void);
	void (*set_status)(uint32_t status);
	uint64_t (*features)(void);
	void (*set_features)(uint64_t features);
	/* Gives queue n to the device; a message on failure (in use, too small). */
	const char *(*queue_init)(uint32_t n, const struct virtq *q);
	void (*notify)(uint32_t n);
	/* The interrupt's cause, read and acknowledged (the line drops). */
	uint32_t (*irq_ack)(void);
	/* A byte of the device-specific configuration. */
	uint8_t (*config)(uint32_t off);
};

/* A device a transport found: its registers and its interrupt. */
struct virtio_dev {
	const struct virtio_ops *ops;
	uint32_t intid;
	int edge;          /* virtio-mmio's SPI is edge-triggered, PCI's INTx level */
	uint64_t features; /* what the transport needs negotiated besides the driver's */
};

/*
 * Resets the device and negotiates `features` and the transport's (it must
 * offer them all) and
 * its queues q[0..n): the device is then ready for buffers, and virtio_go
 * starts it. On failure the device is marked FAILED and a message says why.
 */
const char *virtio_start(const struct virtio_dev *d, uint64_t features, struct virtq *q,
                         uint32_t n);
void virtio_go(const struct virtio_dev *d);
/*
 * Tells the device queue n (q) has new buffers (after virtq_post), unless
 * it said it needs no telling: each notify is a trap into the device.
 */
void virtio_notify(const struct virtio_dev *d, uint32_t n, const struct virtq *q);

/*
 * Offers buffer id to the device: len bytes from byte off of it,
 * VIRTQ_DESC_F_WRITE if the device fills them.
 */
void virtq_post(struct virtq *q, uint16_t id, uint32_t off, uint32_t len, uint16_t flags);
/* The device's used index, read before the entries up to it. */
uint16_t virtq_used_end(struct virtq *q);
/* The next used entry before end: 1 and its id and length, or 0 when there is none. */
int virtq_take(struct virtq *q, uint16_t end, uint32_t *id, uint32_t *len);

#endif
