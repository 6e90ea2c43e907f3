/*
 * `vtrace perfetto`: the dump as a Perfetto trace (a stream of
 * Trace.packet), encoded by hand, without interning or incremental state.
 *
 * Tracks: a process "hypervisor" with a thread track per pCPU; a process per
 * VM with a thread track per vCPU; a counter track per ring (records lost or
 * skipped so far). Sequence 1 carries every TrackDescriptor, before any
 * event; ring i's events are sequence 2 + i, in its (non-decreasing) order.
 *
 * pCPU track: a slice "VM <name>" while the pCPU runs a VM, and inside it a
 * slice per exit, named by its class ("HVC", "MMIO 0x9000000", "IRQ 27"),
 * from VT_EV_EXIT to VT_EV_ENTER: the hypervisor's time. vCPU track: a slice
 * "running" from VT_EV_ENTER to the next VT_EV_EXIT: the guest's time. Both
 * stay balanced: an ENTER with no EXIT before it (ring start, after a loss)
 * closes nothing, a VT_EV_LOST closes what is open (the records that would
 * close it are gone), and whatever is open at the ring's end is closed at
 * its last timestamp. Instants: IRQs, injections, calls, markers, faults.
 * Flows: from an interrupt's arrival (an IRQ exit, or VT_EV_IRQ) to the next VT_EV_INJECT of that
 * INTID on the same ring.
 */
#include <stdlib.h>

#include "pb.h"
#include "vtrace.h"

#define PF_SEQ_DESCRIPTORS 1
#define PF_PID_HYP 1
#define PF_UUID_HYP 1ull
#define PF_FLOW_WINDOW 256 /* records searched for an IRQ's injection */

static uint64_t pf_uuid_cpu(uint32_t cpu)
{
	return 0x100ull + cpu;
}

static uint64_t pf_uuid_vm(uint32_t vm)
{
	return 0x10000ull + vm;
}

static uint64_t pf_uuid_vcpu(uint32_t vm, uint32_t vcpu)
{
	return 0x20000ull + vm * 256 + vcpu;
}

static uint64_t pf_uuid_counter(uint32_t cpu)
{
	return 0x40000ull + cpu;
}

struct pf_arg {
	const char *name;
	uint64_t value;
	int pointer; /* shown in hex */
};

struct pf {
	const struct vt_trace *t;
	struct pb_buf out;
	uint32_t seq;
	uint64_t next_flow;
	uint32_t *vcpu_owner; /* ring index + 1 that draws a vCPU's "running" slices */
	/* The ring being written. */
	uint64_t cpu_track;
	int outer_vm;      /* VM of the open "VM <name>" slice, or -1 */
	int inner;         /* an exit slice is open */
	uint64_t guest;    /* track of the open "running" slice, or 0 */
	uint64_t *flow_of; /* per record: flow id that starts or ends there */
};

static void pf_packet(struct pf *pf, uint32_t seq, int has_ts, uint64_t ts, uint32_t field,
                      const struct pb_buf *body)
{
	struct pb_buf pkt = {0};

	if (has_ts)
		pb_uint(&pkt, PF_PACKET_TIMESTAMP, ts);
	pb_uint(&pkt, PF_PACKET_SEQUENCE_ID, seq);
	pb_msg(&pkt, field, body);
	pb_msg(&pf->out, PF_TRACE_PACKET, &pkt);
	pb_free(&pkt);
}

static void pf_event(struct pf *pf, uint64_t ts, uint64_t track, int type, const char *name,
                     const struct pf_arg *args, int nargs, uint64_t flow, int terminating)
{
	struct pb_buf ev = {0};

	pb_uint(&ev, PF_EVENT_TYPE, (uint64_t)type);
	pb_uint(&ev, PF_EVENT_TRACK_UUID, track);
	if (name)
		pb_str(&ev, PF_EVENT_NAME, name);
	for (int i = 0; i < nargs; i++) {
		struct pb_buf a = {0};

		pb_str(&a, PF_ANNOT_NAME, args[i].name);
		pb_uint(&a, args[i].pointer ? PF_ANNOT_POINTER_VALUE : PF_ANNOT_UINT_VALUE,
		        args[i].value);
		pb_msg(&ev, PF_EVENT_DEBUG_ANNOTATIONS, &a);
		pb_free(&a);
	}
	if (flow)
		pb_fixed64(&ev, terminating ? PF_EVENT_TERMINATING_FLOW_IDS : PF_EVENT_FLOW_IDS,
		           flow);
	pf_packet(pf, pf->seq, 1, ts, PF_PACKET_TRACK_EVENT, &ev);
	pb_free(&ev);
}

static void pf_counter(struct pf *pf, uint64_t ts, uint64_t track, uint64_t value)
{
	struct pb_buf ev = {0};

	pb_uint(&ev, PF_EVENT_TYPE, PF_TYPE_COUNTER);
	pb_uint(&ev, PF_EVENT_TRACK_UUID, track);
	pb_uint(&ev, PF_EVENT_COUNTER_VALUE, value > INT64_MAX ? INT64_MAX : value);
	pf_packet(pf, pf->seq, 1, ts, PF_PACKET_TRACK_EVENT, &ev);
	pb_free(&ev);
}

/* A TrackDescriptor; kind 'p' process, 't' thread, 'c' counter, with pid/tid. */
static void pf_track(struct pf *pf, uint64_t uuid, uint64_t parent, const char *name, int kind,
                     uint32_t pid, uint32_t tid)
{
	struct pb_buf td = {0}, sub = {0};

	pb_uint(&td, PF_TRACK_UUID, uuid);
	if (parent)
		pb_uint(&td, PF_TRACK_PARENT_UUID, parent);
	pb_str(&td, PF_TRACK_NAME, name);
	if (kind == 'p') {
		pb_uint(&sub, PF_PROCESS_PID, pid);
		pb_str(&sub, PF_PROCESS_NAME, name);
		pb_msg(&td, PF_TRACK_PROCESS, &sub);
	} else if (kind == 't') {
		pb_uint(&sub, PF_THREAD_PID, pid);
		pb_uint(&sub, PF_THREAD_TID, tid);
		pb_str(&sub, PF_THREAD_NAME, name);
		pb_msg(&td, PF_TRACK_THREAD, &sub);
	} else {
		pb_uint(&sub, PF_COUNTER_UNIT, PF_COUNTER_UNIT_COUNT);
		pb_msg(&td, PF_TRACK_COUNTER, &sub);
	}
	pf_packet(pf, PF_SEQ_DESCRIPTORS, 0, 0, PF_PACKET_TRACK_DESCRIPTOR, &td);
	pb_free(&td);
	pb_free(&sub);
}

static void pf_descriptors(struct pf *pf)
{
	const struct vt_trace *t = pf->t;
	char name[64];

	pf_track(pf, PF_UUID_HYP, 0, "hypervisor", 'p', PF_PID_HYP, 0);
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		snprintf(name, sizeof(name), "pCPU %u", t->rings[i].cpu);
		pf_track(pf, pf_uuid_cpu(t->rings[i].cpu), PF_UUID_HYP, name, 't', PF_PID_HYP,
		         10000 + t->rings[i].cpu);
		snprintf(name, sizeof(name), "cpu %u lost/skipped records", t->rings[i].cpu);
		pf_track(pf, pf_uuid_counter(t->rings[i].cpu), PF_UUID_HYP, name, 'c', 0, 0);
	}
	for (uint32_t vm = 0; vm < t->nr_vms; vm++) {
		pf_track(pf, pf_uuid_vm(vm), 0, t->vms[vm].name, 'p', 100 + vm, 0);
		for (uint32_t v = 0; v < t->vms[vm].nr_vcpus; v++) {
			snprintf(name, sizeof(name), "vCPU %u", v);
			pf_track(pf, pf_uuid_vcpu(vm, v), pf_uuid_vm(vm), name, 't', 100 + vm,
			         100000 + vm * 256 + v);
		}
	}
}

/* Pairs each interrupt arrival with the next injection of its INTID, if any, before a loss. */
static void pf_flows(struct pf *pf, const struct vt_trace_ring *ring)
{
	for (uint64_t i = 0; i < ring->count; i++) {
		uint32_t intid, again;

		if (!vt_dec_irq_arrival(&ring->rec[i], &intid))
			continue;
		for (uint64_t j = i + 1; j < ring->count && j - i <= PF_FLOW_WINDOW; j++) {
			const struct vt_record *r = &ring->rec[j];

			if (r->event == VT_EV_LOST ||
			    (vt_dec_irq_arrival(r, &again) && again == intid))
				break;
			if (r->event == VT_EV_INJECT && !pf->flow_of[j] &&
			    (r->b == intid || (r->b == 0 && r->a == intid))) {
				pf->flow_of[i] = pf->flow_of[j] = pf->next_flow++;
				break;
			}
		}
	}
}

static void pf_close_inner(struct pf *pf, uint64_t ts)
{
	if (pf->inner)
		pf_event(pf, ts, pf->cpu_track, PF_TYPE_SLICE_END, NULL, NULL, 0, 0, 0);
	pf->inner = 0;
}

static void pf_close_guest(struct pf *pf, uint64_t ts)
{
	if (pf->guest)
		pf_event(pf, ts, pf->guest, PF_TYPE_SLICE_END, NULL, NULL, 0, 0, 0);
	pf->guest = 0;
}

/* The "VM <name>" slice for vm, opened if another (or none) is open. */
static void pf_outer(struct pf *pf, uint64_t ts, int vm)
{
	char name[48];

	if (vm < 0 || vm == pf->outer_vm)
		return;
	pf_close_inner(pf, ts);
	if (pf->outer_vm >= 0)
		pf_event(pf, ts, pf->cpu_track, PF_TYPE_SLICE_END, NULL, NULL, 0, 0, 0);
	snprintf(name, sizeof(name), "VM %s", pf->t->vms[vm].name);
	pf_event(pf, ts, pf->cpu_track, PF_TYPE_SLICE_BEGIN, name, NULL, 0, 0, 0);
	pf->outer_vm = vm;
}

/* Instants go to the vCPU the record names, else to its VM's or the pCPU's track. */
static uint64_t pf_target(const struct pf *pf, const struct vt_record *r)
{
	if (r->vm == VT_NONE)
		return pf->cpu_track;
	if (r->vcpu == VT_NONE)
		return pf_uuid_vm(r->vm);
	return pf_uuid_vcpu(r->vm, r->vcpu);
}

static void pf_instant(struct pf *pf, uint64_t ts, uint64_t ri, uint64_t i, uint64_t *missing)
{
	const struct vt_record *r = &pf->t->rings[ri].rec[i];
	struct pf_arg args[3] = {{"a", r->a, 0}, {"b", r->b, 0}, {"c", r->c, 0}};
	uint64_t track = pf_target(pf, r);
	char name[64];
	int nargs = 0;

	switch (r->event) {
	case VT_EV_LOST:
		pf_close_guest(pf, ts);
		pf_close_inner(pf, ts);
		snprintf(name, sizeof(name), "LOST %u", r->a);
		*missing += r->a;
		pf_counter(pf, ts, pf_uuid_counter(pf->t->rings[ri].cpu), *missing);
		track = pf->cpu_track;
		break;
	case VT_EV_IRQ:
		snprintf(name, sizeof(name), "IRQ %u", r->a);
		track = pf->cpu_track;
		break;
	case VT_EV_INJECT:
		snprintf(name, sizeof(name), "inject vINTID %u", r->a);
		args[0].name = "hw INTID";
		args[0].value = r->b;
		nargs = 1;
		break;
	case VT_EV_LR_FULL:
		snprintf(name, sizeof(name), "LR full, vINTID %u", r->a);
		break;
	case VT_EV_IPI:
		snprintf(name, sizeof(name), "IPI to cpu %u", r->a);
		track = pf->cpu_track;
		break;
	case VT_EV_HVC:
	case VT_EV_PSCI:
		snprintf(name, sizeof(name), "%s 0x%08x", r->event == VT_EV_HVC ? "hvc" : "psci",
		         r->a);
		args[0] = (struct pf_arg){"fn", r->a, 1};
		args[1].name = "x1";
		args[2].name = "x0";
		nargs = 3;
		break;
	case VT_EV_IPC:
		snprintf(name, sizeof(name), "ipc channel %u", r->a);
		args[1].name = "event";
		args[2].name = "to VM";
		nargs = 3;
		break;
	case VT_EV_FAULT:
		snprintf(name, sizeof(name), "FAULT");
		args[0] = (struct pf_arg){"ESR", r->a, 1};
		args[1] = (struct pf_arg){"IPA", r->b, 1};
		args[2] = (struct pf_arg){"PC", r->c, 1};
		nargs = 3;
		break;
	case VT_EV_VM_STATE:
		snprintf(name, sizeof(name), "VM state %u", r->a);
		break;
	case VT_EV_VCPU_STATE:
		snprintf(name, sizeof(name), "vCPU %s",
		         r->a == 0   ? "off"
		         : r->a == 1 ? "pending"
		         : r->a == 2 ? "running"
		                     : "?");
		break;
	case VT_EV_MARK:
		snprintf(name, sizeof(name), "mark %u", r->a);
		args[0].name = "value";
		args[0].value = r->b;
		nargs = 1;
		break;
	default:
		return;
	}
	pf_event(pf, ts, track, PF_TYPE_INSTANT, name, args, nargs, pf->flow_of[i],
	         r->event == VT_EV_INJECT);
}

static void pf_ring(struct pf *pf, uint32_t ri)
{
	const struct vt_trace_ring *ring = &pf->t->rings[ri];
	uint64_t missing = ring->skipped, ts = 0;
	char name[64];

	pf->cpu_track = pf_uuid_cpu(ring->cpu);
	pf->outer_vm = -1;
	pf->inner = 0;
	pf->guest = 0;
	pf_flows(pf, ring);
	for (uint64_t i = 0; i < ring->count; i++) {
		const struct vt_record *r = &ring->rec[i];
		int vm = r->vm == VT_NONE ? -1 : r->vm;
		uint32_t *owner =
		    vm < 0 || r->vcpu == VT_NONE ? NULL : &pf->vcpu_owner[vm * 256 + r->vcpu];

		ts = vt_dec_ns(pf->t, r->ts);
		if (i == 0)
			pf_counter(pf, ts, pf_uuid_counter(ring->cpu), missing);
		if (r->event == VT_EV_EXIT) {
			struct pf_arg args[2] = {
			    {r->a == VT_EXIT_IRQ ? "INTID" : "ESR", r->b, r->a != VT_EXIT_IRQ},
			    {r->a == 0x24 || r->a == 0x20 ? "IPA" : "PC", r->c, 1},
			};

			pf_close_guest(pf, ts);
			pf_close_inner(pf, ts);
			pf_outer(pf, ts, vm);
			vt_dec_exit_slice(r, name, sizeof(name));
			pf_event(pf, ts, pf->cpu_track, PF_TYPE_SLICE_BEGIN, name, args,
			         r->a == VT_EXIT_IRQ ? 1 : 2, pf->flow_of[i], 0);
			pf->inner = 1;
		} else if (r->event == VT_EV_ENTER) {
			pf_close_inner(pf, ts);
			pf_outer(pf, ts, vm);
			pf_close_guest(pf, ts);
			/* Each vCPU's guest time is drawn from one ring only. */
			if (owner && (!*owner || *owner == ri + 1)) {
				*owner = ri + 1;
				pf->guest = pf_uuid_vcpu((uint32_t)vm, r->vcpu);
				pf_event(pf, ts, pf->guest, PF_TYPE_SLICE_BEGIN, "running", NULL, 0,
				         0, 0);
			}
		} else {
			pf_instant(pf, ts, ri, i, &missing);
		}
	}
	if (ring->count) {
		pf_close_guest(pf, ts);
		pf_close_inner(pf, ts);
		if (pf->outer_vm >= 0)
			pf_event(pf, ts, pf->cpu_track, PF_TYPE_SLICE_END, NULL, NULL, 0, 0, 0);
		if (ring->skipped + ring->lost > missing)
			missing = ring->skipped + ring->lost;
		pf_counter(pf, ts, pf_uuid_counter(ring->cpu), missing);
	}
}

int vt_pf_write(const struct vt_trace *t, uint8_t **out, size_t *len)
{
	struct pf pf = {.t = t, .next_flow = 1};

	pf.vcpu_owner = calloc(256 * 256, sizeof(*pf.vcpu_owner));
	if (!pf.vcpu_owner)
		return -1;
	pf_descriptors(&pf);
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		pf.seq = PF_SEQ_DESCRIPTORS + 1 + i;
		pf.flow_of = calloc((size_t)t->rings[i].count + 1, sizeof(*pf.flow_of));
		if (!pf.flow_of) {
			pf.out.oom = 1;
			break;
		}
		pf_ring(&pf, i);
		free(pf.flow_of);
	}
	free(pf.vcpu_owner);
	if (pf.out.oom) {
		pb_free(&pf.out);
		return -1;
	}
	*out = pf.out.p;
	*len = pf.out.len;
	return 0;
}
