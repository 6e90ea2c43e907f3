/*
 * A virtio-net driver for the monitor: virtio 1.x over MMIO (register
 * layout version 2, QEMU's `-global virtio-mmio.force-legacy=false`), one
 * receive and one transmit split virtqueue of VNET_QSIZE buffers each, no
 * offloads. Frames are copied between the device's fixed buffers and
 * lwIP's pbufs: simple, and the device never holds lwIP memory.
 *
 * DMA: the device reads and writes those buffers by physical address and
 * QEMU's virt board has no IOMMU, so the addresses given to it must be
 * PAs. The monitor-net config maps the monitor's RAM at IPA == PA, so a
 * buffer's address as the monitor sees it is its PA too (net.c checks the
 * mapping before starting the device). QEMU's DMA is cache-coherent; the
 * barriers below order the ring updates against the device.
 *
 * Interrupts: the IRQ handler only acknowledges the device and sets a
 * flag; vnet_poll, from the main loop, does the work (lwIP is not
 * reentrant, and a Lua chunk may be running under the handler).
 */
#include "vnet.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define VNET_QSIZE 32
#define VNET_BUF 2048 /* header + a full Ethernet frame (1514) */
#define VNET_HDR 12   /* struct virtio_net_hdr with num_buffers (always there in 1.x) */
#define VNET_MTU 1500

/* virtio-mmio registers (virtio 1.2, 4.2.2) */
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
#define VIRTIO_ID_NET 1
#define ST_ACK 1u
#define ST_DRIVER 2u
#define ST_DRIVER_OK 4u
#define ST_FEATURES_OK 8u
#define ST_FAILED 128u
#define F_NET_MAC (1ull << 5)
#define F_VERSION_1 (1ull << 32)
#define DESC_F_WRITE 2u

#define RXQ 0
#define TXQ 1

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[VNET_QSIZE];
	uint16_t used_event;
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id;
		uint32_t len;
	} ring[VNET_QSIZE];
	uint16_t avail_event;
};

/* What the device reads and writes, at the alignments virtio asks for. */
struct vnet_queue {
	struct vq_desc desc[VNET_QSIZE] __attribute__((aligned(16)));
	struct vq_avail avail __attribute__((aligned(16)));
	struct vq_used used __attribute__((aligned(16)));
	uint8_t buf[VNET_QSIZE][VNET_BUF] __attribute__((aligned(64)));
	uint16_t avail_idx; /* our copy of avail.idx */
	uint16_t used_seen; /* used entries consumed so far */
};

static struct vnet_queue vnet_q[2];
static uint32_t vnet_tx_free; /* bit i: transmit buffer i is ours */
static volatile uint32_t vnet_work;
static struct vnet_stats vnet_counts;

static inline uint32_t vnet_rd(uint32_t off)
{
	return *(volatile uint32_t *)(VNET_BASE + off);
}

static inline void vnet_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(VNET_BASE + off) = v;
}

/* The device must see the ring entries before the index, and the index before the notify. */
static inline void vnet_wmb(void)
{
	__asm__ volatile("dmb oshst" ::: "memory");
}

static inline void vnet_rmb(void)
{
	__asm__ volatile("dmb oshld" ::: "memory");
}

static void vnet_post(struct vnet_queue *q, uint16_t id, uint32_t len, uint16_t flags)
{
	q->desc[id].addr = (uint64_t)(uintptr_t)q->buf[id]; /* IPA == PA: see the top */
	q->desc[id].len = len;
	q->desc[id].flags = flags;
	q->desc[id].next = 0;
	q->avail.ring[q->avail_idx % VNET_QSIZE] = id;
	vnet_wmb();
	q->avail_idx++;
	__atomic_store_n(&q->avail.idx, q->avail_idx, __ATOMIC_RELAXED);
}

static void vnet_notify(uint32_t queue)
{
	__asm__ volatile("dsb osh" ::: "memory");
	vnet_wr(VM_QUEUE_NOTIFY, queue);
}

static const char *vnet_queue_init(uint32_t n)
{
	struct vnet_queue *q = &vnet_q[n];
	uint64_t desc = (uintptr_t)q->desc, drv = (uintptr_t)&q->avail, dev = (uintptr_t)&q->used;

	vnet_wr(VM_QUEUE_SEL, n);
	if (vnet_rd(VM_QUEUE_READY))
		return "a queue is already in use";
	if (vnet_rd(VM_QUEUE_NUM_MAX) < VNET_QSIZE)
		return "queues smaller than 32 entries";
	vnet_wr(VM_QUEUE_NUM, VNET_QSIZE);
	vnet_wr(VM_QUEUE_DESC, (uint32_t)desc);
	vnet_wr(VM_QUEUE_DESC + 4, (uint32_t)(desc >> 32));
	vnet_wr(VM_QUEUE_DRIVER, (uint32_t)drv);
	vnet_wr(VM_QUEUE_DRIVER + 4, (uint32_t)(drv >> 32));
	vnet_wr(VM_QUEUE_DEVICE, (uint32_t)dev);
	vnet_wr(VM_QUEUE_DEVICE + 4, (uint32_t)(dev >> 32));
	vnet_wr(VM_QUEUE_READY, 1);
	return NULL;
}

const char *vnet_probe(void)
{
	uint64_t have;
	const char *bad;

	if (vnet_rd(VM_MAGIC) != VM_MAGIC_VALUE)
		return "no virtio-mmio device at 0x0a003e00";
	if (vnet_rd(VM_VERSION) == 1)
		return "the virtio-mmio device is legacy (version 1): run QEMU with "
		       "-global virtio-mmio.force-legacy=false";
	if (vnet_rd(VM_VERSION) != 2)
		return "the virtio-mmio device has an unknown version";
	if (vnet_rd(VM_DEVICE_ID) != VIRTIO_ID_NET)
		return "the virtio-mmio device at 0x0a003e00 is not a network device";

	vnet_wr(VM_STATUS, 0); /* reset */
	while (vnet_rd(VM_STATUS))
		;
	vnet_wr(VM_STATUS, ST_ACK);
	vnet_wr(VM_STATUS, ST_ACK | ST_DRIVER);
	vnet_wr(VM_DEV_FEATURES_SEL, 1);
	have = (uint64_t)vnet_rd(VM_DEV_FEATURES) << 32;
	vnet_wr(VM_DEV_FEATURES_SEL, 0);
	have |= vnet_rd(VM_DEV_FEATURES);
	if (!(have & F_VERSION_1) || !(have & F_NET_MAC)) {
		vnet_wr(VM_STATUS, ST_FAILED);
		return "the device does not offer VERSION_1 and MAC";
	}
	vnet_wr(VM_DRV_FEATURES_SEL, 1);
	vnet_wr(VM_DRV_FEATURES, (uint32_t)(F_VERSION_1 >> 32));
	vnet_wr(VM_DRV_FEATURES_SEL, 0);
	vnet_wr(VM_DRV_FEATURES, (uint32_t)F_NET_MAC);
	vnet_wr(VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(vnet_rd(VM_STATUS) & ST_FEATURES_OK)) {
		vnet_wr(VM_STATUS, ST_FAILED);
		return "the device refused our features";
	}
	if ((bad = vnet_queue_init(RXQ)) != NULL || (bad = vnet_queue_init(TXQ)) != NULL) {
		vnet_wr(VM_STATUS, ST_FAILED);
		return bad;
	}
	for (uint16_t i = 0; i < VNET_QSIZE; i++)
		vnet_post(&vnet_q[RXQ], i, VNET_BUF, DESC_F_WRITE);
	vnet_tx_free = ~0u;
	vnet_wr(VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	vnet_notify(RXQ);
	return NULL;
}

void vnet_irq(uint32_t intid)
{
	uint32_t st = vnet_rd(VM_INT_STATUS);

	(void)intid;
	/* Edge-triggered: the line drops here, and a later completion raises it again. */
	vnet_wr(VM_INT_ACK, st);
	__atomic_store_n(&vnet_work, 1, __ATOMIC_RELEASE);
	vnet_counts.irqs++;
}

/* Give back the transmit buffers the device has sent. */
static void vnet_tx_reclaim(void)
{
	struct vnet_queue *q = &vnet_q[TXQ];
	uint16_t idx = __atomic_load_n(&q->used.idx, __ATOMIC_RELAXED);

	vnet_rmb();
	for (; q->used_seen != idx; q->used_seen++) {
		uint32_t id = q->used.ring[q->used_seen % VNET_QSIZE].id;

		if (id < VNET_QSIZE)
			vnet_tx_free |= 1u << id;
	}
}

static err_t vnet_output(struct netif *nif, struct pbuf *p)
{
	struct vnet_queue *q = &vnet_q[TXQ];
	uint16_t id;

	(void)nif;
	if (!vnet_tx_free)
		vnet_tx_reclaim();
	if (!vnet_tx_free || p->tot_len > VNET_BUF - VNET_HDR) {
		vnet_counts.tx_full++;
		return ERR_MEM; /* dropped: TCP sends it again */
	}
	id = (uint16_t)__builtin_ctz(vnet_tx_free);
	vnet_tx_free &= ~(1u << id);
	memset(q->buf[id], 0, VNET_HDR); /* no checksum offload, no GSO */
	pbuf_copy_partial(p, q->buf[id] + VNET_HDR, p->tot_len, 0);
	vnet_post(q, id, VNET_HDR + p->tot_len, 0);
	vnet_notify(TXQ);
	vnet_counts.tx_frames++;
	return ERR_OK;
}

void vnet_poll(struct netif *nif)
{
	struct vnet_queue *q = &vnet_q[RXQ];
	uint16_t idx;
	int posted = 0;

	if (!__atomic_exchange_n(&vnet_work, 0, __ATOMIC_ACQUIRE))
		return;
	vnet_tx_reclaim();
	idx = __atomic_load_n(&q->used.idx, __ATOMIC_RELAXED);
	vnet_rmb();
	/* At most a ring's worth: anything newer raised its own interrupt after the ack. */
	for (; q->used_seen != idx; q->used_seen++) {
		uint32_t id = q->used.ring[q->used_seen % VNET_QSIZE].id;
		uint32_t len = q->used.ring[q->used_seen % VNET_QSIZE].len;
		struct pbuf *p = NULL;

		if (id >= VNET_QSIZE)
			continue; /* a device bug: not ours to repost */
		if (len > VNET_HDR && len <= VNET_BUF)
			p = pbuf_alloc(PBUF_RAW, (u16_t)(len - VNET_HDR), PBUF_POOL);
		if (p) {
			pbuf_take(p, q->buf[id] + VNET_HDR, (u16_t)(len - VNET_HDR));
			if (nif->input(p, nif) != ERR_OK)
				pbuf_free(p);
			vnet_counts.rx_frames++;
		} else {
			vnet_counts.rx_dropped++; /* pool empty: TCP will send it again */
		}
		vnet_post(q, (uint16_t)id, VNET_BUF, DESC_F_WRITE);
		posted = 1;
	}
	if (posted)
		vnet_notify(RXQ);
}

err_t vnet_netif_init(struct netif *nif)
{
	for (int i = 0; i < 6; i++)
		nif->hwaddr[i] = *(volatile uint8_t *)(VNET_BASE + VM_CONFIG + i);
	nif->hwaddr_len = 6;
	nif->mtu = VNET_MTU;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->name[0] = 'v';
	nif->name[1] = 'n';
	nif->output = etharp_output;
	nif->linkoutput = vnet_output;
	return ERR_OK;
}

const struct vnet_stats *vnet_stats(void)
{
	return &vnet_counts;
}
