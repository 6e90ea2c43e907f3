/* The virtio network device the config gives the monitor, as an lwIP netif. */
#ifndef VNET_H
#define VNET_H

#include <stdint.h>

#include "lwip/netif.h"
#include "virtio.h"

/*
 * Starts the device a transport found (virtio_mmio_find, virtio_pci_find);
 * on failure returns a message saying why (refused features, queues) and
 * leaves it failed. Its interrupt must be routed to vnet_irq.
 */
const char *vnet_probe(const struct virtio_dev *d);
/* netif_add's init function: the device's MAC, MTU, output routines. */
err_t vnet_netif_init(struct netif *nif);
/* The IRQ handler: acknowledges the device and notes work; never touches lwIP. */
void vnet_irq(uint32_t intid);
/* From the main loop: received frames into lwIP (a bounded batch), sent buffers reclaimed. */
void vnet_poll(struct netif *nif);

/* Counters for net.stats(). */
struct vnet_stats {
	uint64_t irqs, rx_frames, rx_dropped, tx_frames, tx_full;
};
const struct vnet_stats *vnet_stats(void);

#endif
