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
#include "fold.h"
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
void trace_exit_stream(uint64_t w1, uint64_t b, uint64_t c);
void trace_exit_unfolded(uint64_t ts, uint64_t w1, uint64_t b, uint64_t c);
/* The ENTER that last_enter holds, if any, as a record of its own: see trace_exit. */
void trace_enter_unfolded(struct cpu *self, uint64_t who);

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

/*
 * Back into the guest: no record, only the time, which the next EXIT of
 * this pCPU carries (trace/fold.h). The counter's read and one store.
 */
static inline void trace_enter(void)
{
	if (VT_TRACE_CLASSES & VT_CLASS_EXIT)
		arch_cpu_this()->last_enter = arch_counter();
}

/*
 * The EXIT of vCPU v (a = exit class, b = ESR or INTID, c = IPA or PC),
 * with the guest's run time since last_enter folded into b's high half.
 * One compare decides: no entry to fold (VT_ENTER_NONE) and a run too long
 * for 32 bits (over a minute) both go out of line, where the ENTER, if
 * any, is written as a record of its own first.
 */
static inline void trace_exit(const struct vcpu *v, uint32_t a, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();
	uint64_t w1 = v->trace_who | VT_EV_EXIT | (uint64_t)a << 32, ts, run;
	uint32_t on;

	if (!(VT_TRACE_CLASSES & VT_CLASS_EXIT))
		return;
	on = *(volatile uint32_t *)&self->trace_on; /* as in trace_put */
	if (__builtin_expect(on & VT_CLASS_EXIT, 1)) {
		ts = arch_counter();
		run = ts - self->last_enter;
		if (__builtin_expect(run < VT_RUN_NONE, 1))
			vt_ring_write_flight(self->trace, TRACE_RECORDS - 1, ts, w1,
			                     vt_fold_b(b, (uint32_t)run), c);
		else
			trace_exit_unfolded(ts, w1, b, c);
	} else if (on & VT_CLASS_EXIT << TRACE_ON_STREAM_SHIFT) {
		trace_exit_stream(w1, b, c);
	}
}

/* An exit that writes no EXIT (exit_other's fault): the pending ENTER, as a record of its own. */
static inline void trace_enter_flush(const struct vcpu *v)
{
	struct cpu *self = arch_cpu_this();
	uint32_t on = *(volatile uint32_t *)&self->trace_on;

	if ((VT_TRACE_CLASSES & VT_CLASS_EXIT) &&
	    on & (VT_CLASS_EXIT | VT_CLASS_EXIT << TRACE_ON_STREAM_SHIFT))
		trace_enter_unfolded(self, v->trace_who);
}

#endif
