/*
 * Each pCPU's time as ftrace events, the way a kernel would report its
 * scheduler: the vCPU running on it is a thread (trace/perfetto.h's ids),
 * switched out with sched_switch to the pCPU's hypervisor thread at every
 * exit and back in at the entry; the hypervisor's part is also a
 * hyp_enter/hyp_exit pair, which Perfetto's pkvm.hypervisor module reads,
 * with a host_hcall, host_smc or host_mem_abort event inside for an HVC,
 * SMC or abort exit (Perfetto's "reason"). Perfetto builds its cpu, sched
 * and thread_state tables from these. A loss switches to idle (tid 0): what
 * ran then is not known.
 *
 * Events of one pCPU collect in its struct pff_cpu; pff_flush writes them
 * as one FtraceEventBundle packet.
 */
#include <stdio.h>

#include "perfetto.h"

#define PFF_PRIO 120           /* Linux's default: these threads have no priority */
#define PFF_RUNNABLE 0         /* prev_state: preempted (the vCPU, by the hypervisor) */
#define PFF_SLEEPING 1         /* prev_state: waiting (the hypervisor, for an exit) */
#define PFF_BUNDLE_EVENTS 1024 /* events per bundle, at most */

void pff_vcpu_name(const struct vtrace *t, uint32_t vm, uint32_t vcpu, char *buf, size_t len)
{
	snprintf(buf, len, "%s vCPU %u", dec_vm_name(t, (uint8_t)vm), vcpu);
}

void pff_hyp_name(uint32_t cpu, char *buf, size_t len)
{
	snprintf(buf, len, "pCPU %u", cpu);
}

void pff_init(struct pff_cpu *c, uint32_t cpu)
{
	c->cpu = cpu;
	snprintf(c->comm, sizeof(c->comm), "swapper/%u", cpu); /* Linux's name for idle, tid 0 */
}

/* Adds an FtraceEvent holding body as its field `field`. */
static void pff_event(struct pff_cpu *c, uint64_t ts, uint32_t field, const struct pb_buf *body)
{
	struct pb_buf ev = {0};

	pb_uint(&ev, PF_FTRACE_TIMESTAMP, ts);
	pb_uint(&ev, PF_FTRACE_PID, c->current);
	pb_msg(&ev, field, body);
	pb_msg(&c->events, PF_BUNDLE_EVENT, &ev);
	pb_free(&ev);
	c->n++;
}

/* Switches c's pCPU to thread next, named comm; the thread switched out is left in prev_state. */
static void pff_switch(struct pff_cpu *c, uint64_t ts, uint32_t next, const char *comm,
                       int prev_state)
{
	struct pb_buf sw = {0};

	if (next == c->current)
		return;
	pb_str(&sw, PF_SWITCH_PREV_COMM, c->comm);
	pb_uint(&sw, PF_SWITCH_PREV_PID, c->current);
	pb_uint(&sw, PF_SWITCH_PREV_PRIO, PFF_PRIO);
	pb_uint(&sw, PF_SWITCH_PREV_STATE, (uint64_t)prev_state);
	pb_str(&sw, PF_SWITCH_NEXT_COMM, comm);
	pb_uint(&sw, PF_SWITCH_NEXT_PID, next);
	pb_uint(&sw, PF_SWITCH_NEXT_PRIO, PFF_PRIO);
	pff_event(c, ts, PF_FTRACE_SCHED_SWITCH, &sw);
	pb_free(&sw);
	c->current = next;
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
}

static void pff_hyp_exit(struct pff_cpu *c, uint64_t ts)
{
	struct pb_buf empty = {0};

	if (c->hyp)
		pff_event(c, ts, PF_FTRACE_HYP_EXIT, &empty);
	c->hyp = 0;
}

/* The pkvm event that names an exit's reason, if Perfetto has one for it. */
static void pff_reason(struct pff_cpu *c, uint64_t ts, const struct vt_record *r)
{
	struct pb_buf body = {0};
	uint32_t esr = (uint32_t)r->b;

	if (r->a == 0x16 || r->a == 0x17) { /* HVC, SMC: id is the instruction's immediate */
		pb_uint(&body, PF_HOST_ID, esr & 0xffff);
		pff_event(c, ts, r->a == 0x16 ? PF_FTRACE_HOST_HCALL : PF_FTRACE_HOST_SMC, &body);
	} else if (r->a == 0x24 || r->a == 0x20) { /* data, instruction abort */
		pb_uint(&body, PF_HOST_ESR, esr);
		pb_uint(&body, PF_HOST_ADDR, r->c);
		pff_event(c, ts, PF_FTRACE_HOST_MEM_ABORT, &body);
	}
	pb_free(&body);
}

void pff_exit(struct pff_cpu *c, uint64_t ts, const struct vt_record *r)
{
	struct pb_buf empty = {0};
	char comm[sizeof(c->comm)];

	pff_hyp_exit(c, ts);
	pff_hyp_name(c->cpu, comm, sizeof(comm));
	pff_switch(c, ts, pf_tid_hyp(c->cpu), comm, PFF_RUNNABLE);
	pff_event(c, ts, PF_FTRACE_HYP_ENTER, &empty);
	c->hyp = 1;
	pff_reason(c, ts, r);
}

void pff_enter(struct pff_cpu *c, const struct vtrace *t, uint64_t ts, const struct vt_record *r)
{
	char comm[sizeof(c->comm)];

	pff_hyp_exit(c, ts);
	if (r->vm == VT_NONE || r->vcpu == VT_NONE)
		return;
	pff_vcpu_name(t, r->vm, r->vcpu, comm, sizeof(comm));
	pff_switch(c, ts, pf_tid_vcpu(r->vm, r->vcpu), comm, PFF_SLEEPING);
}

void pff_lost(struct pff_cpu *c, uint64_t ts)
{
	char comm[sizeof(c->comm)];

	pff_hyp_exit(c, ts);
	snprintf(comm, sizeof(comm), "swapper/%u", c->cpu);
	pff_switch(c, ts, 0, comm, PFF_RUNNABLE);
}

void pff_end(struct pff_cpu *c, uint64_t ts)
{
	pff_hyp_exit(c, ts);
}

void pff_flush(struct pff_cpu *c, struct pb_buf *out, uint32_t seq)
{
	struct pb_buf bundle = {0}, pkt = {0};

	if (!c->n)
		return;
	pb_uint(&bundle, PF_BUNDLE_CPU, c->cpu);
	pb_raw(&bundle, c->events.p, c->events.len);
	pb_uint(&pkt, PF_PACKET_SEQUENCE_ID, seq);
	if (c->machine)
		pb_uint(&pkt, PF_PACKET_MACHINE_ID, c->machine);
	pb_msg(&pkt, PF_PACKET_FTRACE_EVENTS, &bundle);
	pb_msg(out, PF_TRACE_PACKET, &pkt);
	if (c->events.oom || bundle.oom || pkt.oom)
		out->oom = 1;
	pb_free(&bundle);
	pb_free(&pkt);
	c->events.len = 0;
	c->n = 0;
}

int pff_full(const struct pff_cpu *c)
{
	return c->n >= PFF_BUNDLE_EVENTS;
}
