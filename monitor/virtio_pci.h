/* A virtio device over PCI (modern, virtio 1.x), given by a `pci` line and found on the emulated
 * bus. */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include "virtio.h"

/*
 * Finds a modern virtio function of device_id on the VM's emulated bus 0
 * (PLAT_PCIE_VECAM_IPA), locates its registers from its capabilities and
 * turns on its memory decoding and bus mastering. Fills d (its interrupt
 * is its INTA), or says why not.
 */
const char *virtio_pci_find(uint32_t device_id, struct virtio_dev *d);

#endif
