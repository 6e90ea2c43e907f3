/* A vCPU's saved general-purpose state: what vectors.S stores on an exit. */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdint.h>

#include "vgic.h"
#include <vitrine/debug.h>

struct arch_regs {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

_Static_assert(sizeof(struct arch_regs) == 272, "FRAME_SIZE in vectors.S");

/* ESR_EL2.EC: a synchronous exit's class, 6 bits. */
#define ARCH_EXIT_CLASSES 64

struct arch_vcpu {
	struct vgic_cpu vgic;
	/* An EXIT's second word for each class, built once: a record takes it with one load. */
	uint64_t trace_exit[ARCH_EXIT_CLASSES];
	uint64_t dbg_sys[VT_DBG_SYS_COUNT]; /* its EL1 registers while a debugger holds it */
	uint64_t dbg_fp[VT_DBG_FP_COUNT];   /* ... and its FP/SIMD ones (fp_regs_save) */
};

#endif
