/* A vCPU's saved state: what vectors.S stores at a trap from the guest. */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdint.h>

#include "layout.h"

struct arch_regs {
	uint64_t x[32]; /* x[0] unused (zero) */
	uint64_t sepc;
	uint64_t cpu; /* this pCPU's struct cpu, for tp at every trap */
};

#define ARCH_REGS_SEPC (32 * 8) /* offsets for vectors.S */
#define ARCH_REGS_CPU (33 * 8)
_Static_assert(sizeof(struct arch_regs) == ARCH_FRAME_SIZE, "vectors.S's frame");

/* What other vCPUs of its VM asked of this one (SBI IPI, RFENCE), done at its next exit. */
#define ARCH_REQ_IPI 1u     /* raise its virtual software interrupt */
#define ARCH_REQ_FENCE_I 2u /* FENCE.I */
#define ARCH_REQ_VMA 4u     /* HFENCE.VVMA: its own stage's translations */

struct arch_vcpu {
	uint32_t requests; /* ARCH_REQ_*, set by others, taken by its own pCPU */
	uint32_t seip;     /* its PLIC context's line (vplic.c), copied to hvip at each entry */
};

#endif
