/*
 * A virtio-net driver for the monitor, over either transport (virtio.h):
 * one receive and one transmit split virtqueue of VIRTQ_SIZE buffers
 * each, no offloads. Frames are copied between the queues' fixed buffers
 * and lwIP's pbufs: simple, and the device never holds lwIP memory.
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

#define VNET_HDR 12 /* struct virtio_net_hdr with num_buffers (always there in 1.x) */
#define VNET_MTU 1500
#define VNET_F_MAC (1ull << 5)
/*
 * Where a transmit buffer's header starts: lwIP's outgoing frames start
 * 2 bytes past an 8-byte boundary (an aligned TCP payload after 54 bytes of
 * headers), so the frame lands there too and memcpy goes word by word.
 */
#define VNET_TX_OFF 6

#define RXQ 0
#define TXQ 1

static struct virtio_dev vnet_dev;
static struct virtq vnet_q[2];
static uint32_t vnet_tx_free; /* bit i: transmit buffer i is ours */
static volatile uint32_t vnet_work;
static struct vnet_stats vnet_counts;

const char *vnet_probe(const struct virtio_dev *d)
{
	const char *bad;

	vnet_dev = *d;
	bad = virtio_start(&vnet_dev, VIRTIO_F_VERSION_1 | VNET_F_MAC, vnet_q, 2);
	if (bad)
		return bad;
	for (uint16_t i = 0; i < VIRTQ_SIZE; i++)
		virtq_post(&vnet_q[RXQ], i, 0, VIRTQ_BUF, VIRTQ_DESC_F_WRITE);
	vnet_tx_free = ~0u;
	virtio_go(&vnet_dev);
	virtio_notify(&vnet_dev, RXQ, &vnet_q[RXQ]);
	return NULL;
}

void vnet_irq(uint32_t intid)
{
	(void)intid;
	vnet_dev.ops->irq_ack();
	__atomic_store_n(&vnet_work, 1, __ATOMIC_RELEASE);
	vnet_counts.irqs++;
}

/* Give back the transmit buffers the device has sent. */
static void vnet_tx_reclaim(void)
{
	struct virtq *q = &vnet_q[TXQ];
	uint16_t end = virtq_used_end(q);
	uint32_t id, len;

	while (virtq_take(q, end, &id, &len))
		if (id < VIRTQ_SIZE)
			vnet_tx_free |= 1u << id;
}

static err_t vnet_output(struct netif *nif, struct pbuf *p)
{
	struct virtq *q = &vnet_q[TXQ];
	uint16_t id;

	(void)nif;
	if (!vnet_tx_free)
		vnet_tx_reclaim();
	if (!vnet_tx_free || p->tot_len > VIRTQ_BUF - VNET_TX_OFF - VNET_HDR) {
		vnet_counts.tx_full++;
		return ERR_MEM; /* dropped: TCP sends it again */
	}
	id = (uint16_t)__builtin_ctz(vnet_tx_free);
	vnet_tx_free &= ~(1u << id);
	memset(q->buf[id] + VNET_TX_OFF, 0, VNET_HDR); /* no checksum offload, no GSO */
	pbuf_copy_partial(p, q->buf[id] + VNET_TX_OFF + VNET_HDR, p->tot_len, 0);
	virtq_post(q, id, VNET_TX_OFF, VNET_HDR + p->tot_len, 0);
	virtio_notify(&vnet_dev, TXQ, q);
	vnet_counts.tx_frames++;
	return ERR_OK;
}

void vnet_poll(struct netif *nif)
{
	struct virtq *q = &vnet_q[RXQ];
	uint16_t end;
	uint32_t id, len;
	int posted = 0;

	if (!__atomic_exchange_n(&vnet_work, 0, __ATOMIC_ACQUIRE))
		return;
	vnet_tx_reclaim();
	/* At most a ring's worth: anything newer raised its own interrupt after the ack. */
	end = virtq_used_end(q);
	while (virtq_take(q, end, &id, &len)) {
		struct pbuf *p = NULL;

		if (id >= VIRTQ_SIZE)
			continue; /* a device bug: not ours to repost */
		if (len > VNET_HDR && len <= VIRTQ_BUF)
			p = pbuf_alloc(PBUF_RAW, (u16_t)(len - VNET_HDR), PBUF_POOL);
		if (p) {
			pbuf_take(p, q->buf[id] + VNET_HDR, (u16_t)(len - VNET_HDR));
			if (nif->input(p, nif) != ERR_OK)
				pbuf_free(p);
			vnet_counts.rx_frames++;
		} else {
			vnet_counts.rx_dropped++; /* pool empty: TCP will send it again */
		}
		virtq_post(q, (uint16_t)id, 0, VIRTQ_BUF, VIRTQ_DESC_F_WRITE);
		posted = 1;
	}
	if (posted)
		virtio_notify(&vnet_dev, RXQ, &vnet_q[RXQ]);
}

err_t vnet_netif_init(struct netif *nif)
{
	for (int i = 0; i < 6; i++)
		nif->hwaddr[i] = vnet_dev.ops->config((uint32_t)i);
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
