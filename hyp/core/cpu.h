/* Per-pCPU data. */
#ifndef CPU_H
#define CPU_H

#include <stdint.h>

#include "platform.h"

struct vcpu;
struct vt_ring;

struct cpu {
	uint32_t id;
	struct vcpu *vcpu;     /* the vCPU pinned here, or 0 */
	struct vt_ring *trace; /* this pCPU's trace ring */
	uint64_t trace_on;     /* trace_mask, the ring's mode: see trace.h TRACE_ON_STREAM */
	uint64_t *trace_head;  /* &trace->head: the flight recorder's writes start there */
	uint64_t trace_who;    /* its vCPU's (struct vcpu's): trace_own needs no vCPU at hand */
	uint32_t requests;     /* CPU_REQ_*: work another pCPU asked for, then sent an IPI */
	uint64_t
	    last_enter;     /* counter at the last return to the guest, or VT_ENTER_NONE: the
	                       next EXIT record carries the run time (include/vitrine/trace_fold.h) */
	uint64_t run_limit; /* trace.h trace_folds: beside last_enter, one LDP loads both */
};

#define CPU_REQ_LLC_SAMPLE 1u /* read the LLC event counters (pmu_llc.c) */

extern struct cpu cpus[PLAT_CPU_NUM];

#endif
