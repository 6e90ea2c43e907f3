/* Inline views of a vCPU's virtual GIC state, for the injection paths. */
#ifndef VGIC_STATE_H
#define VGIC_STATE_H

#include "sysreg.h"
#include "vgic.h"
#include "vm.h"

extern uint64_t vgic_lr_all; /* a bit per list register (vgic_lr.c) */

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

/*
 * The virtual timer's list register value if it can go straight into list
 * register 0: it is enabled, nothing else waits (which might outrank it)
 * and every list register is free (so none holds it already). 0 if not:
 * then vgic_raise decides.
 */
static inline uint64_t vgic_vtimer_lr_ready(struct vcpu *v)
{
	if (*(volatile uint32_t *)&v->arch.vgic.pending_words ||
	    sysreg_read(ich_elrsr_el2) != vgic_lr_all) /* bits of absent list registers are 0 */
		return 0;
	/* Relaxed (a sibling's redistributor write may change it), as volatile: no ADD. */
	return *(volatile uint64_t *)&v->arch.vgic.vtimer_lr;
}

static inline void vgic_lr0_write(uint64_t lr)
{
	sysreg_write(ich_lr0_el2, lr);
}

#endif
