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
/*
 * In struct cpu's trace_on, beside the classes recorded: the ring is in
 * stream mode, its records go through trace_put_stream. So a masked class
 * costs one load and one bit test, whatever the mode.
 */
#define TRACE_ON_STREAM (1u << 31)
/*
 * Always set in trace_on, so that trace_on is itself a last_enter that
 * says "no entry to fold" (any value from VT_ENTER_NONE up does): an exit
 * that finds EXIT masked stores the word it just loaded (trace_enter_masked),
 * where keeping the counter on its way back took a read and a store.
 */
#define TRACE_ON_NO_ENTER VT_ENTER_NONE
/* From a ring's head to its first slot. */
#define TRACE_SLOTS_FROM_HEAD (sizeof(struct vt_ring) - __builtin_offsetof(struct vt_ring, head))

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
static inline uint64_t trace_on_read(const struct cpu *self)
{
	/* Relaxed, as volatile: GCC 12 adds an ADD for the atomic. */
	return *(const volatile uint64_t *)&self->trace_on;
}

/* The classes of cls that on records (none that are compiled out). */
static inline uint32_t trace_classes(uint64_t on, uint32_t cls)
{
	return VT_TRACE_CLASSES & (uint32_t)on & cls;
}

/*
 * The flight recorder's write of the record at position h, from the ring's
 * head, which struct cpu's trace_head points at: the slots follow it at a
 * constant distance, and the capacity is a constant. Returns h + 1.
 */
static inline uint64_t trace_flight_at(uint64_t *head, uint64_t h, uint64_t ts, uint64_t w1,
                                       uint64_t b, uint64_t c)
{
	char *at = (char *)head + (h & (TRACE_RECORDS - 1)) * sizeof(struct vt_record);

	/* Opaque to GCC, which would otherwise split the address and not pair the stores. */
	__asm__("" : "+r"(at));
	__atomic_thread_fence(__ATOMIC_RELEASE); /* see vt_ring_write_flight */
	vt_slot_store((struct vt_record *)(at + TRACE_SLOTS_FROM_HEAD), ts, w1, b, c);
	__atomic_store_n(head, h + 1, __ATOMIC_RELEASE);
	return h + 1;
}

/* One flight record at ts. */
static inline void trace_flight(struct cpu *self, uint64_t ts, uint64_t w1, uint64_t b, uint64_t c)
{
	uint64_t *head = self->trace_head;

	trace_flight_at(head, *head, ts, w1, b, c);
}

/* Two flight records at the same ts, one after the other: the head is loaded once. */
static inline void trace_flight2(struct cpu *self, uint64_t ts, uint64_t w1, uint64_t b, uint64_t c,
                                 uint64_t w1_2, uint64_t b_2, uint64_t c_2)
{
	uint64_t *head = self->trace_head;
	uint64_t h = trace_flight_at(head, *head, ts, w1, b, c);

	trace_flight_at(head, h, ts, w1_2, b_2, c_2);
}

/*
 * A record whose class on (trace_on, read by the caller) has switched on,
 * in either mode. The caller tests the class first, so that a masked event
 * costs the load and one branch, its arguments built only past them.
 */
static inline void trace_record(struct cpu *self, uint64_t on, uint64_t w1, uint64_t b, uint64_t c)
{
	if (__builtin_expect(on & TRACE_ON_STREAM, 0))
		trace_put_stream(w1, b, c);
	else
		trace_flight(self, arch_counter(), w1, b, c);
}

/* A record of class cls whose second word (event, VM, vCPU, a) is w1. */
static inline void trace_put(uint32_t cls, uint64_t w1, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();
	uint64_t on;

	if (!(VT_TRACE_CLASSES & cls))
		return;
	on = trace_on_read(self);
	if (trace_classes(on, cls))
		trace_record(self, on, w1, b, c);
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
 * An event about this pCPU's vCPU, the one whose exit this is (a call it
 * made): its ids are in struct cpu, beside trace_on, so the caller keeps
 * no vCPU for the record across its work.
 */
static inline void trace_own(uint32_t cls, uint16_t event, uint32_t a, uint64_t b, uint64_t c)
{
	trace_put(cls, arch_cpu_this()->trace_who | event | (uint64_t)a << 32, b, c);
}

/*
 * Back into the guest: no record, only the time, which the next EXIT of
 * this pCPU carries (include/vitrine/trace_fold.h). The counter's read and one store.
 */
static inline void trace_enter_at(struct cpu *self)
{
	if (VT_TRACE_CLASSES & VT_CLASS_EXIT)
		self->last_enter = arch_counter();
}

static inline void trace_enter(void)
{
	trace_enter_at(arch_cpu_this());
}

/*
 * An exit that found EXIT masked in on (its trace_on): a last_enter that
 * folds nothing, so that an EXIT switched on before the next exit takes no
 * stale entry, and no time kept on the way back. One store (on aarch64 the
 * vector's, vectors.S).
 */
static inline void trace_enter_masked(struct cpu *self, uint64_t on)
{
	if (VT_TRACE_CLASSES & VT_CLASS_EXIT)
		self->last_enter = on;
}

/*
 * 1 if an EXIT at ts goes to the flight recorder inline, folding the
 * guest's run since last_enter: the run is under run_limit, which is
 * VT_RUN_NONE in flight mode and 0 in stream mode (every EXIT then takes
 * trace_exit_slow). One compare says both.
 */
static inline int trace_folds(const struct cpu *self, uint64_t ts)
{
	return ts - self->last_enter < self->run_limit;
}

/* The b of an EXIT at ts, which trace_folds let fold the run since last_enter. */
static inline uint64_t trace_exit_b(const struct cpu *self, uint64_t b, uint64_t ts)
{
	return vt_fold_b(b, (uint32_t)(ts - self->last_enter));
}

/*
 * An EXIT whose second word is w1 (a vCPU's, with a = exit class), b = ESR
 * or INTID, c = IPA or PC, its class switched on (the caller tested
 * trace_on), with the guest's run time since last_enter folded into b's
 * high half. Streamed, or with no run to fold (VT_ENTER_NONE or above, or
 * over a minute), it goes out of line, where the ENTER, if any, becomes a
 * record of its own.
 */
static inline void trace_exit_word(struct cpu *self, uint64_t w1, uint64_t b, uint64_t c)
{
	uint64_t ts = arch_counter();

	if (__builtin_expect(trace_folds(self, ts), 1))
		trace_flight(self, ts, w1, trace_exit_b(self, b, ts), c);
	else
		trace_exit_slow(w1, b, c);
}

/* The same, for vCPU v's EXIT of class a. */
static inline void trace_exit_on(struct cpu *self, const struct vcpu *v, uint32_t a, uint64_t b,
                                 uint64_t c)
{
	trace_exit_word(self, v->trace_exit | (uint64_t)a << 32, b, c);
}

/* The same, if EXIT is recorded. */
static inline void trace_exit(const struct vcpu *v, uint32_t a, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();

	if (trace_classes(trace_on_read(self), VT_CLASS_EXIT))
		trace_exit_on(self, v, a, b, c);
}

/* An exit that writes no EXIT (exit_other's fault): the pending ENTER, as a record of its own. */
static inline void trace_enter_flush(const struct vcpu *v)
{
	struct cpu *self = arch_cpu_this();

	if (trace_classes(trace_on_read(self), VT_CLASS_EXIT))
		trace_enter_unfolded(self, v->trace_who);
}

#endif
