/* Per-pCPU data. */
#ifndef CPU_H
#define CPU_H

#include <stdint.h>

#include "platform.h"

struct vcpu;

struct cpu {
	uint32_t id;
	struct vcpu *vcpu; /* the vCPU pinned here, or 0 */
};

extern struct cpu cpus[PLAT_CPU_NUM];

#endif
