/*
 * The Perfetto writer's two halves: trace/perfetto.c (tracks and track
 * events) and trace/perfetto_ftrace.c (each pCPU's scheduling as ftrace
 * events). Both name the same threads, so the ids are defined here.
 *
 * Thread and process ids start at PF_PID_BASE, 2^22, Linux's PID_MAX_LIMIT:
 * no Linux pid reaches it, so a Linux trace merged with this one keeps its
 * own. The hypervisor is process PF_PID_BASE, its thread on pCPU c is
 * PF_PID_BASE + 1 + c; VM v is process PF_PID_BASE + 512 * (v + 1), its
 * vCPU n the thread one above that + n.
 */
#ifndef PERFETTO_H
#define PERFETTO_H

#include <stdint.h>

#include "pb.h"
#include "vtrace.h"

#define PF_PID_BASE 0x400000u
#define PF_PID_HYP PF_PID_BASE

static inline uint32_t pf_tid_hyp(uint32_t cpu)
{
	return PF_PID_BASE + 1 + cpu;
}

static inline uint32_t pf_pid_vm(uint32_t vm)
{
	return PF_PID_BASE + 512 * (vm + 1);
}

static inline uint32_t pf_tid_vcpu(uint32_t vm, uint32_t vcpu)
{
	return pf_pid_vm(vm) + 1 + vcpu;
}

/* One pCPU's ftrace events on their way into FtraceEventBundles. */
struct pff_cpu {
	struct pb_buf events; /* FtraceEvent messages not yet in a bundle */
	uint32_t n;           /* how many */
	uint32_t cpu;
	uint32_t current; /* tid running on it: 0 (idle, or not known) at first */
	char comm[48];    /* its name */
	int hyp;          /* a hyp_enter is open */
};

void pff_init(struct pff_cpu *c, uint32_t cpu);
void pff_vcpu_name(const struct vtrace *t, uint32_t vm, uint32_t vcpu, char *buf, size_t len);
void pff_hyp_name(uint32_t cpu, char *buf, size_t len);
void pff_exit(struct pff_cpu *c, uint64_t ts, const struct vt_record *r);
void pff_enter(struct pff_cpu *c, const struct vtrace *t, uint64_t ts, const struct vt_record *r);
void pff_lost(struct pff_cpu *c, uint64_t ts);
void pff_end(struct pff_cpu *c, uint64_t ts);
int pff_full(const struct pff_cpu *c);
void pff_flush(struct pff_cpu *c, struct pb_buf *out, uint32_t seq);

#endif
