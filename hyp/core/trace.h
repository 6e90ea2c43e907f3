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

#define TRACE_RECORDS 16384 /* per pCPU ring: 512 KiB */
/* In struct cpu's trace_on: the classes written inline (flight mode), and, shifted, through
 * trace_put_stream (stream mode, where a full ring drops records). */
#define TRACE_ON_STREAM_SHIFT 16

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
void trace_put_stream(uint64_t w1, uint64_t b, uint64_t c);

/*
 * A record of class cls whose second word (event, VM, vCPU, a) is w1. The
 * flight recorder, the usual mode, is written inline: one load and one
 * bit test decide, and the ring's capacity is a constant.
 */
static inline void trace_put(uint32_t cls, uint64_t w1, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();
	uint32_t on;

	if (!(VT_TRACE_CLASSES & cls))
		return;
	on = *(volatile uint32_t *)&self->trace_on; /* relaxed: GCC 12 adds an ADD for the atomic */
	if (__builtin_expect(on & cls, 1))
		vt_ring_write_flight(self->trace, TRACE_RECORDS - 1, arch_counter(), w1, b, c);
	else if (on & cls << TRACE_ON_STREAM_SHIFT)
		trace_put_stream(w1, b, c);
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
