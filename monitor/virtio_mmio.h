/* A virtio device over MMIO: QEMU virt's last virtio-mmio slot, passed through by a `device` line.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include "mon_arch.h"
#include "virtio.h"

#define VIRTIO_MMIO_BASE MON_VIRTIO_MMIO_BASE /* where QEMU's virtio-net lands */
#define VIRTIO_MMIO_INTID MON_VIRTIO_MMIO_INTID

/* Is a modern (version 2) device of device_id there? Fills d, or says why not. */
const char *virtio_mmio_find(uint32_t device_id, struct virtio_dev *d);

#endif
