/*
 * The ENTER folded into an EXIT (vitrine/trace.h, version 2), both ways: the
 * writer's encoding (the hypervisor) and the one function every reader
 * rebuilds the ENTER with (vtrace's dump parser, the `vitrine` client, the
 * monitor's trace.read and irq.latency). Plain C11 and <stdint.h> only:
 * the freestanding monitor includes it too.
 */
#ifndef VT_FOLD_H
#define VT_FOLD_H

#include <stdint.h>

#include <vitrine/trace.h>

/*
 * Writer: what it keeps of the guest's last entry when there is none to
 * fold (a vCPU about to start). Not 0 but a time no counter reaches, so
 * that ts - last is at least VT_RUN_NONE for it as for a run too long:
 * one compare on the exit path says "fold" or "do not".
 */
#define VT_ENTER_NONE (1ull << 63)

/*
 * Writer: the run-time field of an EXIT at ts whose guest was entered at
 * last (VT_ENTER_NONE: not since it started). VT_RUN_NONE when there is
 * none, or when the run does not fit: the writer then records that entry
 * as an explicit VT_EV_ENTER at last, before the EXIT.
 */
static inline uint32_t vt_fold_run(uint64_t ts, uint64_t last)
{
	uint64_t run = ts - last;

	return run < VT_RUN_NONE ? (uint32_t)run : VT_RUN_NONE;
}

/* Writer: the b of an EXIT: ESR or INTID (32 bits) and the run-time field. */
static inline uint64_t vt_fold_b(uint64_t b, uint32_t run)
{
	return (uint32_t)b | (uint64_t)run << VT_RUN_SHIFT;
}

/* Reader: the run-time field of EXIT r, VT_RUN_NONE if nothing is folded into it. */
static inline uint32_t vt_exit_run(const struct vt_record *r, uint32_t version)
{
	if (r->event != VT_EV_EXIT || version <= VT_VERSION_UNFOLDED)
		return VT_RUN_NONE;
	return (uint32_t)(r->b >> VT_RUN_SHIFT);
}

/*
 * Reader, in place: if r is an EXIT of a trace of format `version`, cut its
 * b to the ESR or INTID and, if an ENTER is folded into it, put that ENTER
 * (same VM and vCPU, at the EXIT's ts minus the run time) in *enter and
 * return 1; otherwise return 0. Where input is untrusted, the caller checks
 * that run <= ts and that the ENTER is not before the ring's previous
 * record (the writer guarantees both).
 */
static inline uint32_t vt_unfold_in_place(struct vt_record *r, uint32_t version,
                                          struct vt_record *enter)
{
	uint32_t run = vt_exit_run(r, version);

	if (r->event != VT_EV_EXIT || version <= VT_VERSION_UNFOLDED)
		return 0;
	r->b = (uint32_t)r->b;
	if (run == VT_RUN_NONE)
		return 0;
	*enter = (struct vt_record){
	    .ts = r->ts - run, .event = VT_EV_ENTER, .vm = r->vm, .vcpu = r->vcpu};
	return 1;
}

/*
 * Reader: the events ring record r stands for, in ring order, into out:
 * the ENTER folded into it, if any, then the record (an EXIT's b cut).
 * Returns 1 or 2.
 */
static inline uint32_t vt_unfold(const struct vt_record *r, uint32_t version,
                                 struct vt_record out[2])
{
	struct vt_record e = *r;
	uint32_t n = vt_unfold_in_place(&e, version, &out[0]);

	out[n] = e;
	return n + 1;
}

#endif
