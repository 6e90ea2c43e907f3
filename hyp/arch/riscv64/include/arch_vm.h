/* Per-VM architectural state: the G-stage translation, the emulated PLIC. */
#ifndef ARCH_VM_H
#define ARCH_VM_H

#include <stdint.h>

#include "gpt.h"
#include "platform.h"
#include "spinlock.h"

#define VPLIC_SOURCES 128 /* sources 1..PLAT_INTID_MAX, in whole words */
#define VPLIC_WORDS (VPLIC_SOURCES / 32)

/*
 * The PLIC a VM sees: its sources (pass-through and doorbells; every other
 * one reads as zero, and writes to it are ignored and counted), and one
 * S-mode context per vCPU, context 2i + 1 for vCPU i as on the board.
 */
struct vplic {
	struct spinlock lock;
	uint32_t owned[VPLIC_WORDS];
	uint32_t hw[VPLIC_WORDS]; /* of which physical: completed on the PLIC too */
	uint32_t pending[VPLIC_WORDS];
	uint32_t claimed[VPLIC_WORDS]; /* claimed and not yet completed */
	uint32_t enable[PLAT_CPU_NUM][VPLIC_WORDS];
	uint32_t threshold[PLAT_CPU_NUM];
	uint8_t prio[VPLIC_SOURCES];
	uint64_t foreign; /* accesses to sources it does not own */
};

_Static_assert(PLAT_INTID_MAX < VPLIC_SOURCES, "a VM's sources");

struct arch_vm {
	struct gpt g;
	uint64_t hgatp;
	struct vplic plic;
};

#endif
