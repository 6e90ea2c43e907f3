/*
 * Tracing in the hypervisor: one include/vitrine/trace_ring.h ring per pCPU, written only
 * by that pCPU. An event class can be compiled out (VT_TRACE_CLASSES) or
 * masked at run time (trace_mask).
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>

#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

#include "arch_inline.h"
#include "cpu.h"
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
void trace_exit_slow(uint64_t w1, uint64_t b, uint64_t c);
/* The ENTER that last_enter holds, if any, as a record of its own: see trace_exit. */
void trace_enter_unfolded(struct cpu *self, uint64_t who);

/* This pCPU's trace_on, read once for all the records of an exit. */
static inline uint32_t trace_on_read(const struct cpu *self)
{
	/* Relaxed, as volatile: GCC 12 adds an ADD for the atomic. */
	return *(const volatile uint32_t *)&self->trace_on;
}

/* A record of class cls in flight mode, trace_on (on) read by the caller: none if cls is off. */
static inline void trace_put_flight(struct cpu *self, uint32_t on, uint32_t cls, uint64_t w1,
                                    uint64_t b, uint64_t c)
{
	if (__builtin_expect(VT_TRACE_CLASSES & on & cls, 1))
		vt_ring_write_flight(self->trace, TRACE_RECORDS - 1, arch_counter(), w1, b, c);
}

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
	on = trace_on_read(self);
	if (__builtin_expect(on & cls, 1))
		trace_put_flight(self, on, cls, w1, b, c);
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
 * this pCPU carries (include/vitrine/trace_fold.h). The counter's read and one store.
 */
static inline void trace_enter(void)
{
	if (VT_TRACE_CLASSES & VT_CLASS_EXIT)
		arch_cpu_this()->last_enter = arch_counter();
}

/*
 * The EXIT as trace_exit writes it in flight mode, at ts, folding the run
 * since last_enter; who is the vCPU's trace_who.
 */
static inline void trace_exit_flight(struct cpu *self, uint32_t on, uint64_t who, uint32_t a,
                                     uint64_t b, uint64_t c, uint64_t ts)
{
	if (__builtin_expect(VT_TRACE_CLASSES & on & VT_CLASS_EXIT, 1))
		vt_ring_write_flight(self->trace, TRACE_RECORDS - 1, ts,
		                     who | VT_EV_EXIT | (uint64_t)a << 32,
		                     vt_fold_b(b, (uint32_t)(ts - self->last_enter)), c);
}

/*
 * For an exit path written all inline for the usual case: 1 if the records
 * of classes cls go to the flight recorder or nowhere (none is streamed:
 * that is a call) and the EXIT can fold the guest's run, its time then in
 * *ts for trace_exit_flight; 0 and nothing written, else.
 */
static inline int trace_exit_inline(const struct cpu *self, uint32_t on, uint32_t cls, uint64_t *ts)
{
	cls &= VT_TRACE_CLASSES;
	if (on & cls << TRACE_ON_STREAM_SHIFT)
		return 0;
	if (!(on & cls & VT_CLASS_EXIT))
		return 1;
	*ts = arch_counter();
	return *ts - self->last_enter < VT_RUN_NONE;
}

/*
 * The EXIT of vCPU v (a = exit class, b = ESR or INTID, c = IPA or PC),
 * with the guest's run time since last_enter folded into b's high half.
 * Streamed, or with no run to fold (VT_ENTER_NONE, or over a minute), it
 * goes out of line, where the ENTER, if any, becomes a record of its own.
 */
static inline void trace_exit(const struct vcpu *v, uint32_t a, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();
	uint64_t w1 = v->trace_who | VT_EV_EXIT | (uint64_t)a << 32, ts;
	uint32_t on;

	if (!(VT_TRACE_CLASSES & VT_CLASS_EXIT))
		return;
	on = trace_on_read(self);
	if (__builtin_expect(on & VT_CLASS_EXIT, 1)) { /* the flight recorder's */
		ts = arch_counter();
		if (__builtin_expect(ts - self->last_enter < VT_RUN_NONE, 1)) {
			trace_exit_flight(self, on, v->trace_who, a, b, c, ts);
			return;
		}
	} else if (!(on & VT_CLASS_EXIT << TRACE_ON_STREAM_SHIFT)) {
		return; /* not recorded */
	}
	trace_exit_slow(w1, b, c);
}

/* An exit that writes no EXIT (exit_other's fault): the pending ENTER, as a record of its own. */
static inline void trace_enter_flush(const struct vcpu *v)
{
	struct cpu *self = arch_cpu_this();
	uint32_t on = trace_on_read(self);

	if ((VT_TRACE_CLASSES & VT_CLASS_EXIT) &&
	    on & (VT_CLASS_EXIT | VT_CLASS_EXIT << TRACE_ON_STREAM_SHIFT))
		trace_enter_unfolded(self, v->trace_who);
}

#endif
