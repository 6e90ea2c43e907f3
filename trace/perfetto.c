/*
 * `vtrace perfetto`: the dump as a Perfetto trace (a stream of
 * Trace.packet), encoded by hand, without interning or incremental state.
 *
 * Tracks: a process "hypervisor" with a thread track per pCPU; a process per
 * VM with a thread track per vCPU; a counter track per ring (records lost or
 * skipped so far). Sequence 1 carries every TrackDescriptor and the CpuInfo
 * (Perfetto's cpu table), before any event; ring i's events are sequence 2 + i, in its
 * (non-decreasing) order: track events, and the pCPU's scheduling as ftrace events
 * (trace/perfetto_ftrace.c), on the same threads (trace/perfetto.h's ids).
 * Every event has its class (VT_CLASSES) as category; an exit slice has its
 * reason, a state change its state, as arguments too.
 *
 * pCPU track: a slice "VM <name>" while the pCPU runs a VM, and inside it a
 * slice per exit, named by its class ("HVC", "MMIO 0x9000000", "IRQ 27"),
 * from VT_EV_EXIT to VT_EV_ENTER: the hypervisor's time. vCPU track: a slice
 * "running" from VT_EV_ENTER to the next VT_EV_EXIT: the guest's time. Both
 * stay balanced: an ENTER with no EXIT before it (ring start, after a loss)
 * closes nothing, a VT_EV_LOST closes what is open (the records that would
 * close it are gone), and whatever is open at the ring's end is closed at
 * its last timestamp. The ENTERs come rebuilt from the EXITs they were
 * folded into (include/vitrine/trace_fold.h), so the guest's last entry before the trace
 * ends is not known: a ring usually ends inside an exit slice, closed
 * there. Instants: IRQs, injections, calls, markers, faults.
 * Flows: from an interrupt's arrival (an IRQ exit, or VT_EV_IRQ) to the next VT_EV_INJECT of that
 * INTID on the same ring.
 *
 * Written incrementally (pf_open/add/ring_end), so `vitrine record` can
 * convert a live stream as it comes: a Trace is a sequence of packets, and
 * appending packets keeps it one. A ring's records wait until the
 * PF_FLOW_WINDOW records after them are known (or the ring ends): the
 * output is the same as if the whole ring had been there at once.
 */
#include <stdlib.h>
#include <string.h>

#include "perfetto.h"

#define PF_SEQ_DESCRIPTORS 1
#define PF_UUID_HYP 1ull
#define PF_FLOW_WINDOW 256 /* records searched for an IRQ's injection */

static uint64_t pf_uuid_cpu(uint32_t cpu)
{
	return 0x100ull + cpu;
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
	int pointer;     /* shown in hex */
	const char *str; /* shown instead of value, if not NULL */
};

/* An event's category: its class's name. */
static const char *pf_category(uint16_t event)
{
#define PF_CLASS_NAME(CLASS, name, bit) [bit] = #name,
	static const char *const names[] = {VT_CLASSES(PF_CLASS_NAME)};
#undef PF_CLASS_NAME
	static const uint8_t classes[VT_EV_COUNT] = VT_EVENT_CLASSES;

	return event < VT_EV_COUNT && classes[event] ? names[__builtin_ctz(classes[event])] : NULL;
}

/* One ring's state while it is written. */
struct pf_ring {
	uint64_t cpu_track;
	int outer_vm;          /* VM of the open "VM <name>" slice, or -1 */
	int inner;             /* an exit slice is open */
	int started;           /* its first record has been written */
	uint64_t guest;        /* track of the open "running" slice, or 0 */
	uint64_t missing;      /* records lost or skipped so far (the counter's value) */
	uint64_t ts;           /* of the last record written */
	struct vt_record *rec; /* records not yet written, oldest first */
	uint64_t *flow;        /* per such record: the flow id that starts or ends there */
	size_t n, cap;
	struct pff_cpu sched; /* its ftrace events */
};

struct pf_writer {
	const struct vtrace *t;
	struct pb_buf out;
	uint32_t seq;
	uint64_t next_flow;
	uint32_t *vcpu_owner;  /* ring index + 1 that draws a vCPU's "running" slices */
	struct pf_ring *rings; /* per ring of t */
	struct pf_ring *r;     /* the ring being written */
	struct pfc counters;   /* per VM */
	uint32_t ended;        /* rings ended: at the last, the rates are written */
};

void pf_packet(struct pb_buf *out, uint32_t seq, int has_ts, uint64_t ts, uint32_t field,
               const struct pb_buf *body)
{
	struct pb_buf pkt = {0};

	if (has_ts)
		pb_uint(&pkt, PF_PACKET_TIMESTAMP, ts);
	pb_uint(&pkt, PF_PACKET_SEQUENCE_ID, seq);
	pb_msg(&pkt, field, body);
	pb_msg(out, PF_TRACE_PACKET, &pkt);
	pb_free(&pkt);
}

/* A track event; name NULL for a slice's end, event (enum vt_event) gives its category. */
static void pf_event(struct pf_writer *pf, uint64_t ts, uint64_t track, int type, const char *name,
                     uint16_t event, const struct pf_arg *args, int nargs, uint64_t flow,
                     int terminating)
{
	struct pb_buf ev = {0};

	pb_uint(&ev, PF_EVENT_TYPE, (uint64_t)type);
	pb_uint(&ev, PF_EVENT_TRACK_UUID, track);
	if (name && pf_category(event))
		pb_str(&ev, PF_EVENT_CATEGORIES, pf_category(event));
	if (name)
		pb_str(&ev, PF_EVENT_NAME, name);
	for (int i = 0; i < nargs; i++) {
		struct pb_buf a = {0};

		pb_str(&a, PF_ANNOT_NAME, args[i].name);
		if (args[i].str)
			pb_str(&a, PF_ANNOT_STRING_VALUE, args[i].str);
		else
			pb_uint(&a, args[i].pointer ? PF_ANNOT_POINTER_VALUE : PF_ANNOT_UINT_VALUE,
			        args[i].value);
		pb_msg(&ev, PF_EVENT_DEBUG_ANNOTATIONS, &a);
		pb_free(&a);
	}
	if (flow)
		pb_fixed64(&ev, terminating ? PF_EVENT_TERMINATING_FLOW_IDS : PF_EVENT_FLOW_IDS,
		           flow);
	pf_packet(&pf->out, pf->seq, 1, ts, PF_PACKET_TRACK_EVENT, &ev);
	pb_free(&ev);
}

void pf_counter(struct pb_buf *out, uint32_t seq, uint64_t ts, uint64_t track, uint64_t value)
{
	struct pb_buf ev = {0};

	pb_uint(&ev, PF_EVENT_TYPE, PF_TYPE_COUNTER);
	pb_uint(&ev, PF_EVENT_TRACK_UUID, track);
	pb_uint(&ev, PF_EVENT_COUNTER_VALUE, value > INT64_MAX ? INT64_MAX : value);
	pf_packet(out, seq, 1, ts, PF_PACKET_TRACK_EVENT, &ev);
	pb_free(&ev);
}

void pf_track(struct pb_buf *out, uint64_t uuid, uint64_t parent, const char *name, int kind,
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
	pf_packet(out, PF_SEQ_DESCRIPTORS, 0, 0, PF_PACKET_TRACK_DESCRIPTOR, &td);
	pb_free(&td);
	pb_free(&sub);
}

/* The CPUs, 0 to the highest with a ring: Perfetto's cpu table, even for a ring with no records. */
static void pf_cpu_info(struct pf_writer *pf)
{
	const struct vtrace *t = pf->t;
	struct pb_buf info = {0};
	uint32_t nr = 0;
	char name[48];

	for (uint32_t i = 0; i < t->nr_rings; i++)
		if (t->rings[i].cpu >= nr)
			nr = t->rings[i].cpu + 1;
	for (uint32_t cpu = 0; cpu < nr; cpu++) {
		struct pb_buf c = {0};

		snprintf(name, sizeof(name), "Vitrine pCPU %u", cpu);
		pb_str(&c, PF_CPU_PROCESSOR, name);
		pb_msg(&info, PF_CPU_INFO_CPUS, &c);
		pb_free(&c);
	}
	if (nr)
		pf_packet(&pf->out, PF_SEQ_DESCRIPTORS, 0, 0, PF_PACKET_CPU_INFO, &info);
	pb_free(&info);
}

static void pf_descriptors(struct pf_writer *pf)
{
	const struct vtrace *t = pf->t;
	char name[64];

	pf_track(&pf->out, PF_UUID_HYP, 0, "hypervisor", 'p', PF_PID_HYP, 0);
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		pff_hyp_name(t->rings[i].cpu, name, sizeof(name));
		pf_track(&pf->out, pf_uuid_cpu(t->rings[i].cpu), PF_UUID_HYP, name, 't', PF_PID_HYP,
		         pf_tid_hyp(t->rings[i].cpu));
		snprintf(name, sizeof(name), "cpu %u lost/skipped records", t->rings[i].cpu);
		pf_track(&pf->out, pf_uuid_counter(t->rings[i].cpu), PF_UUID_HYP, name, 'c', 0, 0);
	}
	for (uint32_t vm = 0; vm < t->nr_vms; vm++) {
		pf_track(&pf->out, pf_uuid_vm(vm), 0, t->vms[vm].name, 'p', pf_pid_vm(vm), 0);
		for (uint32_t v = 0; v < t->vms[vm].nr_vcpus; v++) {
			pff_vcpu_name(t, vm, v, name, sizeof(name));
			pf_track(&pf->out, pf_uuid_vcpu(vm, v), pf_uuid_vm(vm), name, 't',
			         pf_pid_vm(vm), pf_tid_vcpu(vm, v));
		}
	}
	pfc_descriptors(&pf->counters, &pf->out);
	pf_cpu_info(pf);
}

/* Pairs pending record i, if an interrupt arrival, with the next injection of its INTID before a
 * loss. */
static void pf_pair(struct pf_writer *pf, struct pf_ring *rs, size_t i)
{
	uint32_t intid, again;

	if (!dec_irq_arrival(&rs->rec[i], &intid))
		return;
	for (size_t j = i + 1; j < rs->n && j - i <= PF_FLOW_WINDOW; j++) {
		const struct vt_record *r = &rs->rec[j];

		if (r->event == VT_EV_LOST || (dec_irq_arrival(r, &again) && again == intid))
			break;
		if (r->event == VT_EV_INJECT && !rs->flow[j] &&
		    (r->b == intid || (r->b == 0 && r->a == intid))) {
			rs->flow[i] = rs->flow[j] = pf->next_flow++;
			break;
		}
	}
}

/* Ends the innermost slice open on track. */
static void pf_end(struct pf_writer *pf, uint64_t ts, uint64_t track)
{
	pf_event(pf, ts, track, PF_TYPE_SLICE_END, NULL, 0, NULL, 0, 0, 0);
}

static void pf_close_inner(struct pf_writer *pf, uint64_t ts)
{
	if (pf->r->inner)
		pf_end(pf, ts, pf->r->cpu_track);
	pf->r->inner = 0;
}

static void pf_close_guest(struct pf_writer *pf, uint64_t ts)
{
	if (pf->r->guest)
		pf_end(pf, ts, pf->r->guest);
	pf->r->guest = 0;
}

/* The "VM <name>" slice for vm, opened if another (or none) is open. */
static void pf_outer(struct pf_writer *pf, uint64_t ts, int vm)
{
	char name[48];

	if (vm < 0 || vm == pf->r->outer_vm)
		return;
	pf_close_inner(pf, ts);
	if (pf->r->outer_vm >= 0)
		pf_end(pf, ts, pf->r->cpu_track);
	snprintf(name, sizeof(name), "VM %s", pf->t->vms[vm].name);
	pf_event(pf, ts, pf->r->cpu_track, PF_TYPE_SLICE_BEGIN, name, VT_EV_EXIT, NULL, 0, 0, 0);
	pf->r->outer_vm = vm;
}

/* Instants go to the vCPU the record names, else to its VM's or the pCPU's track. */
static uint64_t pf_target(const struct pf_writer *pf, const struct vt_record *r)
{
	if (r->vm == VT_NONE)
		return pf->r->cpu_track;
	if (r->vcpu == VT_NONE)
		return pf_uuid_vm(r->vm);
	return pf_uuid_vcpu(r->vm, r->vcpu);
}

/* An argument an instant shows: its name, the record's field it shows, in hex or not. */
enum pf_field { PF_A, PF_B, PF_C };
struct pf_shown {
	const char *name;
	enum pf_field field;
	int pointer;
};

/*
 * How an instant looks: its name (a format of the record's a), whether it
 * goes on the pCPU's track rather than pf_target's, and the arguments shown.
 * The states name theirs in pf_instant; events without a look draw nothing.
 */
static const struct pf_look {
	const char *name;
	int on_cpu;
	struct pf_shown args[3];
} pf_looks[VT_EV_COUNT] = {
    [VT_EV_LOST] = {"LOST %u", 1, {{NULL}}},
    [VT_EV_IRQ] = {"IRQ %u", 1, {{NULL}}},
    [VT_EV_INJECT] = {"inject vINTID %u", 0, {{"hw INTID", PF_B, 0}}},
    [VT_EV_LR_FULL] = {"LR full, vINTID %u", 0, {{NULL}}},
    [VT_EV_IPI] = {"IPI to cpu %u", 1, {{NULL}}},
    [VT_EV_HVC] = {"hvc 0x%08x", 0, {{"fn", PF_A, 1}, {"x1", PF_B, 0}, {"x0", PF_C, 0}}},
    [VT_EV_PSCI] = {"psci 0x%08x", 0, {{"fn", PF_A, 1}, {"x1", PF_B, 0}, {"x0", PF_C, 0}}},
    [VT_EV_IPC] = {"ipc channel %u", 0, {{"a", PF_A, 0}, {"event", PF_B, 0}, {"to VM", PF_C, 0}}},
    [VT_EV_FAULT] = {"FAULT", 0, {{"ESR", PF_A, 1}, {"IPA", PF_B, 1}, {"PC", PF_C, 1}}},
    [VT_EV_VM_STATE] = {"VM %s", 0, {{NULL}}},
    [VT_EV_VCPU_STATE] = {"vCPU %s", 0, {{NULL}}},
    [VT_EV_MARK] = {"mark %u", 0, {{"value", PF_B, 0}}},
    [VT_EV_MEMBW] = {"membw throttled, %u bytes", 0, {{"budget", PF_B, 0}, {"until", PF_C, 0}}},
};

static void pf_instant(struct pf_writer *pf, uint64_t ts, uint32_t ri, const struct vt_record *r,
                       uint64_t flow)
{
	const struct pf_look *look = r->event < VT_EV_COUNT ? &pf_looks[r->event] : NULL;
	const uint64_t fields[] = {[PF_A] = r->a, [PF_B] = r->b, [PF_C] = r->c};
	struct pf_arg args[4];
	char name[64];
	int nargs = 0;

	if (!look || !look->name)
		return;
	if (r->event == VT_EV_LOST) {
		pf_close_guest(pf, ts);
		pf_close_inner(pf, ts);
		pf->r->missing += r->a;
		pf_counter(&pf->out, pf->seq, ts, pf_uuid_counter(pf->t->rings[ri].cpu),
		           pf->r->missing);
		pff_lost(&pf->r->sched, ts);
	}
	if (r->event == VT_EV_VM_STATE)
		snprintf(name, sizeof(name), look->name, dec_vm_state_name(r->a));
	else if (r->event == VT_EV_VCPU_STATE)
		snprintf(name, sizeof(name), look->name, dec_vcpu_state_name(r->a));
	else
		snprintf(name, sizeof(name), look->name, r->a);
	for (; nargs < 3 && look->args[nargs].name; nargs++) {
		const struct pf_shown *a = &look->args[nargs];

		args[nargs] = (struct pf_arg){a->name, fields[a->field], a->pointer, NULL};
	}
	if (r->event == VT_EV_VM_STATE || r->event == VT_EV_VCPU_STATE)
		args[nargs++] =
		    (struct pf_arg){"state", r->a, 0,
		                    r->event == VT_EV_VM_STATE ? dec_vm_state_name(r->a)
		                                               : dec_vcpu_state_name(r->a)};
	pf_event(pf, ts, look->on_cpu ? pf->r->cpu_track : pf_target(pf, r), PF_TYPE_INSTANT, name,
	         r->event, args, nargs, flow, r->event == VT_EV_INJECT);
}

/* Writes one record of ring ri (pf->r) and what it opens or closes. */
static void pf_record(struct pf_writer *pf, uint32_t ri, const struct vt_record *r, uint64_t flow)
{
	int vm = r->vm == VT_NONE ? -1 : r->vm;
	uint32_t *owner = vm < 0 || r->vcpu == VT_NONE ? NULL : &pf->vcpu_owner[vm * 256 + r->vcpu];
	uint64_t ts = dec_ns(pf->t, r->ts);
	char name[64];

	pf->r->ts = ts;
	if (!pf->r->started)
		pf_counter(&pf->out, pf->seq, ts, pf_uuid_counter(pf->t->rings[ri].cpu),
		           pf->r->missing);
	pf->r->started = 1;
	pfc_record(&pf->counters, ri, ts, r, &pf->out, pf->seq);
	if (r->event == VT_EV_EXIT) {
		int irq = r->a == VT_EXIT_IRQ;
		struct pf_arg args[4] = {
		    {"reason", 0, 0, dec_exit_kind_name(pf->t, dec_exit_kind(pf->t, r->a))},
		    {"class", r->a, 1, NULL},
		    {dec_exit_b_name(pf->t, r->a), r->b, !irq, NULL},
		    {dec_exit_c_is_ipa(pf->t, r->a) ? "IPA" : "PC", r->c, 1, NULL},
		};

		pf_close_guest(pf, ts);
		pf_close_inner(pf, ts);
		pf_outer(pf, ts, vm);
		dec_exit_slice(pf->t, r, name, sizeof(name));
		pf_event(pf, ts, pf->r->cpu_track, PF_TYPE_SLICE_BEGIN, name, r->event, args,
		         irq ? 3 : 4, flow, 0);
		pf->r->inner = 1;
		pff_exit(&pf->r->sched, ts, r);
	} else if (r->event == VT_EV_ENTER) {
		pf_close_inner(pf, ts);
		pf_outer(pf, ts, vm);
		pf_close_guest(pf, ts);
		pff_enter(&pf->r->sched, pf->t, ts, r);
		/* Each vCPU's guest time is drawn from one ring only. */
		if (owner && (!*owner || *owner == ri + 1)) {
			*owner = ri + 1;
			pf->r->guest = pf_uuid_vcpu((uint32_t)vm, r->vcpu);
			pf_event(pf, ts, pf->r->guest, PF_TYPE_SLICE_BEGIN, "running", r->event,
			         NULL, 0, 0, 0);
		}
	} else {
		pf_instant(pf, ts, ri, r, flow);
	}
}

/* Writes ring ri's pending records whose flows are known: all of them if the ring has ended. */
static void pf_drain(struct pf_writer *pf, uint32_t ri, int all)
{
	struct pf_ring *rs = &pf->rings[ri];
	size_t i = 0;

	pf->seq = PF_SEQ_DESCRIPTORS + 1 + ri;
	pf->r = rs;
	for (; i < rs->n && (all || rs->n - i > PF_FLOW_WINDOW); i++) {
		pf_pair(pf, rs, i);
		pf_record(pf, ri, &rs->rec[i], rs->flow[i]);
		if (pff_full(&rs->sched))
			pff_flush(&rs->sched, &pf->out, pf->seq);
	}
	pff_flush(&rs->sched, &pf->out, pf->seq);
	memmove(rs->rec, rs->rec + i, (rs->n - i) * sizeof(*rs->rec));
	memmove(rs->flow, rs->flow + i, (rs->n - i) * sizeof(*rs->flow));
	rs->n -= i;
}

struct pf_writer *pf_open(const struct vtrace *t)
{
	struct pf_writer *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return NULL;
	pf->t = t;
	pf->next_flow = 1;
	pf->vcpu_owner = calloc(256 * 256, sizeof(*pf->vcpu_owner));
	pf->rings = calloc((size_t)t->nr_rings + 1, sizeof(*pf->rings));
	if (!pf->vcpu_owner || !pf->rings || pfc_init(&pf->counters, t)) {
		pf_close(pf);
		return NULL;
	}
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		pf->rings[i].cpu_track = pf_uuid_cpu(t->rings[i].cpu);
		pf->rings[i].outer_vm = -1;
		pf->rings[i].missing = t->rings[i].skipped;
		pff_init(&pf->rings[i].sched, t->rings[i].cpu);
	}
	pf_descriptors(pf);
	return pf;
}

int pf_add(struct pf_writer *pf, uint32_t ri, const struct vt_record *rec, size_t n)
{
	struct pf_ring *rs = &pf->rings[ri];

	if (rs->n + n > rs->cap) {
		size_t cap = (rs->n + n) * 2;
		struct vt_record *r = realloc(rs->rec, cap * sizeof(*r));
		uint64_t *f = r ? realloc(rs->flow, cap * sizeof(*f)) : NULL;

		if (r)
			rs->rec = r;
		if (!f) {
			pf->out.oom = 1;
			return -1;
		}
		rs->flow = f;
		rs->cap = cap;
	}
	memcpy(rs->rec + rs->n, rec, n * sizeof(*rec));
	memset(rs->flow + rs->n, 0, n * sizeof(*rs->flow));
	rs->n += n;
	pf_drain(pf, ri, 0);
	return pf->out.oom ? -1 : 0;
}

void pf_ring_end(struct pf_writer *pf, uint32_t ri)
{
	const struct vtrace_ring *ring = &pf->t->rings[ri];
	struct pf_ring *rs = &pf->rings[ri];

	pf_drain(pf, ri, 1);
	pfc_ring_end(&pf->counters, ri);
	if (pf->ended < pf->t->nr_rings && ++pf->ended == pf->t->nr_rings)
		pfc_write(&pf->counters, &pf->out, PF_SEQ_DESCRIPTORS + 1 + pf->t->nr_rings);
	if (!rs->started)
		return;
	pf_close_guest(pf, rs->ts);
	pf_close_inner(pf, rs->ts);
	if (rs->outer_vm >= 0)
		pf_end(pf, rs->ts, rs->cpu_track);
	rs->outer_vm = -1;
	pff_end(&rs->sched, rs->ts);
	pff_flush(&rs->sched, &pf->out, PF_SEQ_DESCRIPTORS + 1 + ri);
	if (ring->skipped + ring->lost > rs->missing)
		rs->missing = ring->skipped + ring->lost;
	pf_counter(&pf->out, PF_SEQ_DESCRIPTORS + 1 + ri, rs->ts, pf_uuid_counter(ring->cpu),
	           rs->missing);
	rs->started = 0; /* ended: nothing more is written for it */
}

const uint8_t *pf_bytes(struct pf_writer *pf, size_t *len)
{
	*len = pf->out.oom ? 0 : pf->out.len;
	return pf->out.p;
}

void pf_clear(struct pf_writer *pf)
{
	pf->out.len = 0;
}

int pf_failed(const struct pf_writer *pf)
{
	return pf->out.oom;
}

void pf_close(struct pf_writer *pf)
{
	if (!pf)
		return;
	if (pf->rings)
		for (uint32_t i = 0; i < pf->t->nr_rings; i++) {
			free(pf->rings[i].rec);
			free(pf->rings[i].flow);
			pb_free(&pf->rings[i].sched.events);
		}
	free(pf->rings);
	free(pf->vcpu_owner);
	pfc_free(&pf->counters);
	pb_free(&pf->out);
	free(pf);
}

int pf_write(const struct vtrace *t, uint8_t **out, size_t *len)
{
	struct pf_writer *pf = pf_open(t);

	if (!pf)
		return -1;
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		if (pf_add(pf, i, t->rings[i].rec, (size_t)t->rings[i].n))
			break;
		pf_ring_end(pf, i);
	}
	if (pf->out.oom) {
		pf_close(pf);
		return -1;
	}
	*out = pf->out.p;
	*len = pf->out.len;
	pf->out = (struct pb_buf){0};
	pf_close(pf);
	return 0;
}
