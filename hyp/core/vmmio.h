/* Emulated MMIO regions of a VM: what a stage-2 fault may be, before it is an error. */
#ifndef VMMIO_H
#define VMMIO_H

#include <stdint.h>

#include <vitrine/config.h>

struct vcpu;

/*
 * Returns 0 when the access was emulated, -1 to treat it as a fault. ctx
 * is what the region was added with (which of several alike devices).
 */
typedef int (*vmmio_fn)(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                        uint64_t *value);

/* The GIC distributor and redistributors, the UART, the PCIe config space, the doorbell pages. */
#define VMMIO_MAX (4 + CFG_VM_BELLS_MAX)

struct vmmio_region {
	uint64_t base;
	uint64_t size;
	vmmio_fn access;
	const void *ctx;
};

struct vmmio {
	struct vmmio_region region[VMMIO_MAX];
	uint32_t count;
};

void vmmio_add(struct vmmio *m, uint64_t base, uint64_t size, vmmio_fn access, const void *ctx);
/* 1: emulated; 0: no region there; -1: the device refused the access. */
int vmmio_access(struct vcpu *v, uint64_t ipa, unsigned size, int write, uint64_t *value);

#endif
