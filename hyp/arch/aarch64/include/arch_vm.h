/* Per-VM architectural state: the stage-2 translation. */
#ifndef ARCH_VM_H
#define ARCH_VM_H

#include "pt.h"

struct arch_vm {
	struct pt s2;
	uint64_t vttbr;
};

#endif
