/*
 * Tracing in the hypervisor: one trace/ring.h ring per pCPU, written only
 * by that pCPU. An event class can be compiled out (VT_TRACE_CLASSES) or
 * masked at run time (trace_mask).
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>

#include "arch_inline.h"
#include "cpu.h"
#include "ring.h"
#include "vm.h"

#ifndef VT_TRACE_CLASSES
#define VT_TRACE_CLASSES VT_CLASS_ALL
#endif

extern uint32_t trace_mask;

/* Change the classes recorded, on every pCPU. */
void trace_set_mask(uint32_t mask);

/* pCPU 0, before any trace_init_cpu: the rings in the colours the config gives them. */
void trace_place(void);
void trace_init_cpu(struct cpu *c);
/* Map every pCPU's ring into vm, read-only, at CFG_MONITOR_RINGS_IPA (config.h). */
void trace_show_rings(struct vm *vm);
/* At power-off: the rings, encoded on the console, if the run asked for it. */
void trace_dump(void);

/* A record of class cls whose second word (event, VM, vCPU, a) is w1. */
static inline void trace_put(uint32_t cls, uint64_t w1, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();

	if ((VT_TRACE_CLASSES & cls) &&
	    (__atomic_load_n(&self->trace_mask, __ATOMIC_RELAXED) & cls))
		vt_ring_write(self->trace, arch_counter(), w1, b, c);
}

static inline void trace_emit(uint32_t cls, uint16_t event, uint8_t vm, uint8_t vcpu, uint32_t a,
                              uint64_t b, uint64_t c)
{
	trace_put(cls, vt_word1(event, vm, vcpu, a), b, c);
}

/* An event about vCPU v: its VM and vCPU ids are ready-made in v->trace_who. */
static inline void trace_vcpu(uint32_t cls, uint16_t event, const struct vcpu *v, uint32_t a,
                              uint64_t b, uint64_t c)
{
	trace_put(cls, v->trace_who | event | (uint64_t)a << 32, b, c);
}

#endif
