/* The virtio-mmio network device the config passes through to the monitor, as an lwIP netif. */
#ifndef VNET_H
#define VNET_H

#include <stdint.h>

#include "lwip/netif.h"

#define VNET_BASE 0x0a003e00ul /* QEMU virt's last virtio-mmio slot: where virtio-net lands */
#define VNET_PAGE 0x0a003000ul /* the page a config passes through */
#define VNET_INTID 79          /* that slot's SPI (edge) */

/*
 * Probes and starts the device (virtio 1.x over MMIO, version 2); on
 * failure returns a message saying why (absent, legacy, refused features)
 * and leaves it alone. Its interrupt must be routed to vnet_irq.
 */
const char *vnet_probe(void);
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
