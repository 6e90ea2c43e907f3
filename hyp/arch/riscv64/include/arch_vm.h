/* Per-VM architectural state: the G-stage translation. */
#ifndef ARCH_VM_H
#define ARCH_VM_H

#include <stdint.h>

#include "gpt.h"

struct arch_vm {
	struct gpt g;
	uint64_t hgatp;
};

#endif
