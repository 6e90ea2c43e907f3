/* Inline views of a vCPU's virtual GIC state, for the injection paths. */
#ifndef VGIC_STATE_H
#define VGIC_STATE_H

#include "vgic.h"
#include "vm.h"

static inline int vgic_is_enabled(struct vcpu *v, uint32_t intid)
{
	if (intid < VGIC_PRIVATE)
		return v->arch.vgic.enabled >> intid & 1;
	return vgic_test(v->vm->arch.vgic.enabled, intid);
}

static inline uint8_t vgic_priority(struct vcpu *v, uint32_t intid)
{
	if (intid < VGIC_PRIVATE)
		return v->arch.vgic.prio[intid];
	return v->vm->arch.vgic.prio[intid % VGIC_NR_INTIDS]; /* INTIDs are 10 bits */
}

/* The physical INTID behind a hardware-linked vINTID (same number), or 0. */
static inline uint32_t vgic_hw_pintid(struct vcpu *v, uint32_t intid)
{
	return intid == VGIC_VTIMER_INTID || (intid >= 32 && vgic_test(v->vm->arch.vgic.hw, intid))
	           ? intid
	           : 0;
}

#endif
