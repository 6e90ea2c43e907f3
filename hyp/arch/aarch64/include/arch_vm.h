/* Per-VM architectural state: the stage-2 translation and the virtual GIC. */
#ifndef ARCH_VM_H
#define ARCH_VM_H

#include "pt.h"
#include "vgic.h"

struct arch_vm {
	struct pt s2;
	uint64_t vttbr;
	struct vgic vgic;
};

#endif
