/*
 * Writes trace dumps with known contents for tests/trace/run.sh.
 *
 *   gen_dump valid OUT       4 VMs' worth of rings (stream, lost, flight, a fault);
 *                            prints the lines `vtrace stats OUT` must print
 *   gen_dump valid1 OUT      the same events in trace format 1: each ENTER a
 *                            record (format 2 folds it into the next EXIT)
 *   gen_dump mismatch OUT    the same, one hypervisor exit counter off by one
 *   gen_dump small OUT       2 VMs, 2 rings, 10 records: for truncation
 *   gen_dump corrupt KIND OUT  the small dump with one defect; prints the
 *                            start of the error vtrace must give
 *   gen_dump kinds           lists the corrupt KINDs
 *   gen_dump badpf KIND OUT  a small Perfetto trace breaking one rule of
 *                            `vtrace check-perfetto`; prints its message
 *   gen_dump pfkinds         lists those KINDs
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/abi.h>
#include <vitrine/trace.h>
#include <vitrine/trace_fold.h>
#include <vitrine/trace_wire.h>

#include "../../trace/pb.h"

#define GEN_MAX_RECORDS 1024
#define GEN_KINDS 8

struct gen_counts {
	uint64_t exits[GEN_KINDS], nr_exits, irqs[64], nr_irqs;
	uint64_t inject, lr_full, hvc, psci, ipc, fault, mark, ipi;
};

struct gen_ring {
	uint32_t cpu, mode, vm, vcpu;
	uint64_t first, lost, skipped, reported, trace_exits;
	uint64_t count, ts;
	struct vt_record rec[GEN_MAX_RECORDS];
	struct gen_counts n;
};

static struct gen_ring gen_rings[4];
static struct gen_counts gen_vm_counts[4];
static uint8_t gen_buf[1 << 20];
static size_t gen_len;
static unsigned gen_version = VT_VERSION;

/* Room for n bytes at the end of the file; the caller fills them. */
static uint8_t *gen_room(size_t n)
{
	uint8_t *p = gen_buf + gen_len;

	gen_len += n;
	return p;
}

static void gen_header(uint32_t rings, uint32_t vms, uint32_t vcpus)
{
	vt_dump_put(gen_room(VT_DUMP_HDR_SIZE), &(struct vt_dump){.magic = VT_DUMP_MAGIC,
	                                                          .version = (uint16_t)gen_version,
	                                                          .record_size = VT_RECORD_SIZE,
	                                                          .nr_rings = rings,
	                                                          .nr_vms = vms,
	                                                          .nr_vcpus = vcpus,
	                                                          .timer_freq = 62500000});
}

static void gen_vm(const char *name, uint32_t id, uint32_t vcpus, uint64_t cpus)
{
	struct vt_dump_vm vm = {.id = id, .nr_vcpus = vcpus, .cpus = cpus};

	strncpy(vm.name, name, sizeof(vm.name) - 1);
	vt_dump_vm_put(gen_room(VT_DUMP_VM_SIZE), &vm);
}

static void gen_vcpu(uint8_t vm, uint8_t vcpu, uint8_t pcpu, uint64_t exits)
{
	vt_dump_vcpu_put(
	    gen_room(VT_DUMP_VCPU_SIZE),
	    &(struct vt_dump_vcpu){.vm = vm, .vcpu = vcpu, .pcpu = pcpu, .exits = exits});
}

/*
 * Whether record i, an ENTER, goes into the EXIT after it (format 2), as
 * the hypervisor folds it: only the same vCPU's EXIT, and a run that fits.
 */
static int gen_folds(const struct gen_ring *r, uint64_t i)
{
	const struct vt_record *e = &r->rec[i], *x = &r->rec[i + 1];

	return gen_version > VT_VERSION_UNFOLDED && e->event == VT_EV_ENTER && i + 1 < r->count &&
	       x->event == VT_EV_EXIT && x->vm == e->vm && x->vcpu == e->vcpu &&
	       vt_fold_run(x->ts, e->ts) != VT_RUN_NONE;
}

/* The ring's records as written: fewer than its events where ENTERs fold. */
static uint64_t gen_ring_records(const struct gen_ring *r)
{
	uint64_t n = r->count;

	for (uint64_t i = 0; i < r->count; i++)
		n -= (uint64_t)gen_folds(r, i);
	return n;
}

static void gen_ring_out(const struct gen_ring *r)
{
	vt_dump_ring_put(gen_room(VT_DUMP_RING_SIZE),
	                 &(struct vt_dump_ring){.cpu = r->cpu,
	                                        .mode = r->mode,
	                                        .first = r->first,
	                                        .count = gen_ring_records(r),
	                                        .lost = r->lost,
	                                        .skipped = r->skipped});
	for (uint64_t i = 0; i < r->count; i++) {
		const struct vt_record *e = &r->rec[i];
		uint64_t b = e->b;

		if (gen_folds(r, i))
			continue;
		if (e->event == VT_EV_EXIT && gen_version > VT_VERSION_UNFOLDED)
			b = vt_fold_b(b, i && gen_folds(r, i - 1) ? vt_fold_run(e->ts, e[-1].ts)
			                                          : VT_RUN_NONE);
		struct vt_record w = *e;

		w.b = b;
		vt_record_put(gen_room(VT_RECORD_SIZE), &w);
	}
}

static int gen_kind(uint32_t class)
{
	static const uint32_t classes[GEN_KINDS - 1] = {0x01, 0x16, 0x17, 0x18, 0x20, 0x24, 0x100};

	for (int i = 0; i < GEN_KINDS - 1; i++)
		if (classes[i] == class)
			return i;
	return GEN_KINDS - 1;
}

static void gen_count(struct gen_counts *n, const struct vt_record *e)
{
	switch (e->event) {
	case VT_EV_EXIT:
		n->exits[gen_kind(e->a)]++;
		n->nr_exits++;
		if (e->a == VT_EXIT_IRQ) { /* the arrival of INTID b */
			n->irqs[e->b]++;
			n->nr_irqs++;
		}
		break;
	case VT_EV_IRQ:
		n->irqs[e->a]++;
		n->nr_irqs++;
		break;
	case VT_EV_INJECT:
		n->inject++;
		break;
	case VT_EV_LR_FULL:
		n->lr_full++;
		break;
	case VT_EV_HVC:
		n->hvc++;
		break;
	case VT_EV_PSCI:
		n->psci++;
		break;
	case VT_EV_IPC:
		n->ipc++;
		break;
	case VT_EV_FAULT:
		n->fault++;
		break;
	case VT_EV_MARK:
		n->mark++;
		break;
	case VT_EV_IPI:
		n->ipi++;
		break;
	}
}

/* Appends a record about the ring's own VM and vCPU (VT_NONE where the event has none). */
static void gen_ev(struct gen_ring *r, uint16_t event, uint32_t a, uint64_t b, uint64_t c)
{
	struct vt_record *e = &r->rec[r->count++];
	int none = event == VT_EV_LOST || event == VT_EV_IRQ || event == VT_EV_IPI;

	r->ts += 3 + (r->count * 37) % 50;
	*e = (struct vt_record){
	    r->ts, event, none ? VT_NONE : (uint8_t)r->vm, none ? VT_NONE : (uint8_t)r->vcpu, a,
	    b,     c};
	if (event == VT_EV_LOST) {
		r->reported += a;
		return;
	}
	gen_count(&r->n, e);
	gen_count(&gen_vm_counts[r->vm], e);
	if (event == VT_EV_EXIT)
		r->trace_exits++;
}

/* An interrupt exit at pc: the physical intid taken, then injected as the same vINTID, after
 * waiting for a list register if lr_full. */
static void gen_irq_exit(struct gen_ring *r, uint32_t intid, uint64_t pc, int lr_full)
{
	gen_ev(r, VT_EV_EXIT, VT_EXIT_IRQ, intid, pc);
	gen_ev(r, VT_EV_IRQ, intid, 0, 0);
	if (lr_full)
		gen_ev(r, VT_EV_LR_FULL, intid, 0, 0);
	gen_ev(r, VT_EV_INJECT, intid, intid, 0);
}

/* One exit of each flavour in turn: what a busy guest produces. */
static void gen_exit(struct gen_ring *r, unsigned k)
{
	switch (k % 7) {
	case 0:
		gen_ev(r, VT_EV_EXIT, 0x16, 0x5a000000, 0x40001000 + k);
		gen_ev(r, VT_EV_HVC, 0xc6000000, 0, 0);
		break;
	case 1:
		gen_ev(r, VT_EV_EXIT, 0x18, 0x62000000 | k, 0x40002000);
		break;
	case 2:
		gen_ev(r, VT_EV_EXIT, 0x24, 0x93c08045, 0x9000000);
		break;
	case 3:
		gen_irq_exit(r, 27, 0x40003000, 0);
		break;
	case 4:
		gen_ev(r, VT_EV_EXIT, 0x17, 0x5e000000, 0x40004000);
		gen_ev(r, VT_EV_PSCI, 0x84000000, 0, 0x10001);
		break;
	case 5:
		gen_irq_exit(r, 33, 0x40005000, 1);
		break;
	case 6:
		gen_ev(r, VT_EV_EXIT, 0x16, 0x5a000000, 0x40006000);
		gen_ev(r, VT_EV_MARK, 1, k, 0);
		break;
	}
	gen_ev(r, VT_EV_ENTER, 0, 0, 0);
}

static void gen_ring_init(struct gen_ring *r, uint32_t cpu, uint32_t mode, uint32_t vm,
                          uint32_t vcpu)
{
	memset(r, 0, sizeof(*r));
	r->cpu = cpu;
	r->mode = mode;
	r->vm = vm;
	r->vcpu = vcpu;
	r->ts = 1000000 + cpu * 7;
}

static void gen_print_counts(const char *who, const struct gen_counts *n)
{
	static const char *const names[GEN_KINDS] = {
	    "WFx", "HVC", "SMC", "sysreg", "instruction abort", "data abort", "IRQ", "other"};
	const char *sep = ": ";

	printf("%s: exits %" PRIu64, who, n->nr_exits);
	for (int k = 0; k < GEN_KINDS; k++)
		if (n->exits[k]) {
			printf("%s%s %" PRIu64, sep, names[k], n->exits[k]);
			sep = ", ";
		}
	printf("\n%s: irqs %" PRIu64, who, n->nr_irqs);
	sep = ": ";
	for (int i = 0; i < 64; i++)
		if (n->irqs[i]) {
			printf("%sINTID %d x%" PRIu64, sep, i, n->irqs[i]);
			sep = ", ";
		}
	printf("\n%s: injections %" PRIu64 ", lr-full %" PRIu64 ", hypercalls %" PRIu64
	       ", psci %" PRIu64 ", ipc %" PRIu64 ", faults %" PRIu64 ", markers %" PRIu64
	       ", ipis %" PRIu64 "\n",
	       who, n->inject, n->lr_full, n->hvc, n->psci, n->ipc, n->fault, n->mark, n->ipi);
}

static void gen_valid(int mismatch)
{
	static const char *const vms[3] = {"hello", "smp", "rt"};
	struct gen_ring *r = gen_rings;
	char who[32];

	/* cpu 0: hello, stream, complete; ends inside an exit. */
	gen_ring_init(&r[0], 0, VT_MODE_STREAM, 0, 0);
	for (unsigned k = 0; k < 40; k++) {
		if (k == 10 || k == 20) { /* the guest's marker reads (tests/trace/guest.txt) */
			gen_ev(&r[0], VT_EV_EXIT, 0x24, 0x93800006,
			       k == 10 ? 0x60100000 : 0x60100804);
			gen_ev(&r[0], VT_EV_ENTER, 0, 0, 0);
		}
		gen_exit(&r[0], k);
	}
	gen_ev(&r[0], VT_EV_EXIT, 0x16, 0x5a000000, 0x40001000);
	/* cpu 1: smp vCPU 0, stream, 10 records reported lost, 2 more not yet. */
	gen_ring_init(&r[1], 1, VT_MODE_STREAM, 1, 0);
	for (unsigned k = 0; k < 40; k++) {
		if (k == 20) {
			gen_ev(&r[1], VT_EV_LOST, 10, 0, 0);
			gen_ev(&r[1], VT_EV_ENTER, 0, 0, 0); /* its exit was lost */
		}
		if (k == 5 ||
		    k == 30) /* the monitor's LLC marks: hello's misses, a VM there is not */
			gen_ev(&r[1], VT_EV_MARK, VT_MARK_LLC_MISSES + (k == 5 ? 0 : 7), 1000 + k,
			       0);
		if (k == 25)
			gen_ev(&r[1], VT_EV_MARK, VT_MARK_LLC_MISSES, 4321, 0);
		if (k % 10 == 9) {
			gen_ev(&r[1], VT_EV_EXIT, 0x16, 0x5a000000, 0x40007000);
			gen_ev(&r[1], VT_EV_IPC, 0, 3, 0);
			gen_ev(&r[1], VT_EV_IPI, 0, 0, 0);
			gen_ev(&r[1], VT_EV_ENTER, 0, 0, 0);
		}
		gen_exit(&r[1], k);
	}
	r[1].lost = 12;
	/* cpu 2: smp vCPU 1, flight: 1000 records overwritten, starts after an exit. */
	gen_ring_init(&r[2], 2, VT_MODE_FLIGHT, 1, 1);
	r[2].first = r[2].skipped = 1000;
	gen_ev(&r[2], VT_EV_ENTER, 0, 0, 0);
	for (unsigned k = 0; k < 30; k++)
		gen_exit(&r[2], k + 3);
	/* cpu 3: rt, stream, complete, an unknown EC, then a fault stops it. */
	gen_ring_init(&r[3], 3, VT_MODE_STREAM, 2, 0);
	gen_ev(&r[3], VT_EV_VCPU_STATE, 2, 0, 0);
	for (unsigned k = 0; k < 25; k++)
		gen_exit(&r[3], k * 3);
	gen_ev(&r[3], VT_EV_EXIT, 0x07, 0x1fe00000, 0x40008000);
	gen_ev(&r[3], VT_EV_ENTER, 0, 0, 0);
	r[3].ts += 5000000000ull; /* 80 s: too long to fold, an ENTER record in format 2 too */
	gen_ev(&r[3], VT_EV_EXIT, 0x24, 0x93c28006, 0x48000000);
	gen_ev(&r[3], VT_EV_FAULT, 0x93c28006, 0x48000000, 0x6000011c);
	gen_ev(&r[3], VT_EV_VM_STATE, 3, 0, 0);

	gen_header(4, 3, 4);
	gen_vm(vms[0], 0, 1, 0x1);
	gen_vm(vms[1], 1, 2, 0x6);
	gen_vm(vms[2], 2, 1, 0x8);
	gen_vcpu(0, 0, 0, r[0].trace_exits + (mismatch ? 1 : 0));
	gen_vcpu(1, 0, 1, r[1].trace_exits + 10);
	gen_vcpu(1, 1, 2, r[2].trace_exits + 333);
	gen_vcpu(2, 0, 3, r[3].trace_exits);
	for (int i = 0; i < 4; i++)
		gen_ring_out(&r[i]);

	for (int i = 0; i < 3; i++) {
		snprintf(who, sizeof(who), "VM %s", vms[i]);
		gen_print_counts(who, &gen_vm_counts[i]);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(who, sizeof(who), "cpu %u", r[i].cpu);
		gen_print_counts(who, &r[i].n);
		printf("cpu %u: ring %s, first %" PRIu64 ", records %" PRIu64 ", lost %" PRIu64
		       " (%" PRIu64 " reported in the ring), skipped %" PRIu64 "\n",
		       r[i].cpu, r[i].mode ? "flight" : "stream", r[i].first,
		       gen_ring_records(&r[i]), r[i].lost, r[i].reported, r[i].skipped);
	}
	printf("vCPU hello/0 on cpu 0: exits: trace %" PRIu64 ", hypervisor %" PRIu64 ", %s\n",
	       r[0].trace_exits, r[0].trace_exits + (mismatch ? 1 : 0),
	       mismatch ? "DIFFERENT although nothing was lost" : "equal");
	printf("vCPU smp/0 on cpu 1: exits: trace %" PRIu64 ", hypervisor %" PRIu64
	       ", not comparable: records lost\n",
	       r[1].trace_exits, r[1].trace_exits + 10);
	printf("vCPU smp/1 on cpu 2: exits: trace %" PRIu64 ", hypervisor %" PRIu64
	       ", not comparable: records lost\n",
	       r[2].trace_exits, r[2].trace_exits + 333);
	printf("vCPU rt/0 on cpu 3: exits: trace %" PRIu64 ", hypervisor %" PRIu64 ", equal\n",
	       r[3].trace_exits, r[3].trace_exits);
}

/*
 * The small dump (format 2): header 0, VMs 32 and 80, vCPUs 128 and 144, ring 0
 * at 160 (records from 200, 5 of them: record 3 an HVC exit with its ENTER
 * folded, record 4 an ENTER no exit follows), ring 1 at 360 (records from 400:
 * 2 exits, ENTERs folded), end 464.
 */
static void gen_small(void)
{
	struct gen_ring *r = gen_rings;

	gen_ring_init(&r[0], 0, VT_MODE_STREAM, 0, 0);
	gen_exit(&r[0], 3);
	gen_ev(&r[0], VT_EV_EXIT, 0x16, 0x5a000000, 0x40001000);
	gen_ev(&r[0], VT_EV_ENTER, 0, 0, 0);
	gen_ring_init(&r[1], 2, VT_MODE_FLIGHT, 1, 0);
	r[1].first = r[1].skipped = 5;
	gen_ev(&r[1], VT_EV_ENTER, 0, 0, 0);
	gen_exit(&r[1], 1);
	gen_ev(&r[1], VT_EV_EXIT, 0x18, 0x62000000, 0x40002000);
	gen_header(2, 2, 2);
	gen_vm("hello", 0, 1, 0x1);
	gen_vm("other", 1, 1, 0x4);
	gen_vcpu(0, 0, 0, 2);
	gen_vcpu(1, 0, 2, 9);
	gen_ring_out(&r[0]);
	gen_ring_out(&r[1]);
}

/* Overwrites n bytes at off with v, little-endian: a corrupt field. */
static void gen_put(size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gen_buf[off + i] = (uint8_t)(v >> (8 * i));
}

static const struct {
	const char *kind;
	size_t off;
	uint64_t value;
	unsigned size;
	const char *expect;
} gen_defects[] = {
    {"magic", 0, 0x50445457, 4, "offset 0: magic 0x50445457"},
    {"version", 4, 3, 2, "offset 4: version 3, expected 1 or 2"},
    {"record-size", 6, 24, 2, "offset 6: record size 24, expected 32"},
    {"arch", 20, 2, 4, "offset 20: architecture 2, expected 0 (aarch64) or 1 (riscv64)"},
    {"freq-zero", 24, 0, 8, "offset 24: timer frequency 0 Hz"},
    {"vms-255", 12, 255, 4, "offset 12: 255 VMs"},
    {"vms-too-many", 12, 200, 4, "offset 32: VM table: 200 x 48 bytes"},
    {"vcpus-too-many", 16, 0xffffffff, 4, "offset 128: vCPU table"},
    {"rings-too-many", 8, 1000000, 4, "offset 160: ring headers: 1000000 x 40"},
    {"vm-vcpus-zero", 68, 0, 4, "offset 68: VM 0: 0 vCPUs"},
    {"vcpu-vm", 128, 7, 1, "offset 128: vCPU entry 0: VM 7"},
    {"vcpu-index", 145, 3, 1, "offset 145: vCPU entry 1: vCPU 3"},
    {"ring-cpu", 160, 99999, 4, "offset 160: ring 0: cpu 99999"},
    {"ring-mode", 164, 7, 4, "offset 164: ring 0: mode 7"},
    {"ring-dup-cpu", 360, 0, 4, "offset 360: ring 1: cpu 0 already has ring 0"},
    {"count-too-large", 176, 1000, 8,
     "offset 160: ring 0 header says 1000 records but only 264 bytes remain"},
    {"count-huge", 376, 1ull << 60, 8, "offset 360: ring 1 header says"},
    {"event-bad", 200 + 32 * 2 + 8, 99, 2, "offset 272: ring 0 record 2: event id 99"},
    {"event-zero", 400 + 8, 0, 2, "offset 408: ring 1 record 0: event id 0"},
    {"record-vm", 200 + 10, 5, 1, "offset 210: ring 0 record 0: VM 5"},
    {"record-vcpu", 200 + 11, 1, 1, "offset 211: ring 0 record 0: vCPU 1"},
    {"ts-decrease", 200 + 32 * 3, 5, 8, "offset 296: ring 0 record 3: timestamp 5 is before"},
    {"fold-past-zero", 400 + 20, 0xfffffffe, 4,
     "offset 416: ring 1 record 0: run time folded into this exit goes back past time 0"},
    {"fold-before-previous", 200 + 32 * 3 + 20, 1000, 4,
     "offset 312: ring 0 record 3: run time folded into this exit puts its entry before"},
    {"vm-name", 32, 0, 0, "offset 32: VM 0: name not NUL-terminated"},
    {"trailing", 464, 0xdead, 2, "offset 464: 2 bytes after the last ring"},
};

/* One TracePacket: a descriptor of track `uuid` (type 0) or an event of `type` on it. */
static void gen_pf(struct pb_buf *out, uint32_t seq, uint64_t ts, int type, uint64_t uuid,
                   uint32_t flow_field, uint64_t flow)
{
	struct pb_buf pkt = {0}, body = {0}, sub = {0};

	if (ts)
		pb_uint(&pkt, PF_PACKET_TIMESTAMP, ts);
	if (seq)
		pb_uint(&pkt, PF_PACKET_SEQUENCE_ID, seq);
	if (type == 0) {
		pb_uint(&body, PF_TRACK_UUID, uuid);
		if (uuid >= 100) { /* counter tracks */
			pb_uint(&sub, PF_COUNTER_UNIT, PF_COUNTER_UNIT_COUNT);
			pb_msg(&body, PF_TRACK_COUNTER, &sub);
		}
		pb_msg(&pkt, PF_PACKET_TRACK_DESCRIPTOR, &body);
	} else {
		pb_uint(&body, PF_EVENT_TYPE, (uint64_t)type);
		pb_uint(&body, PF_EVENT_TRACK_UUID, uuid);
		if (flow)
			pb_fixed64(&body, flow_field, flow);
		pb_msg(&pkt, PF_PACKET_TRACK_EVENT, &body);
	}
	pb_msg(out, PF_TRACE_PACKET, &pkt);
	pb_free(&pkt);
	pb_free(&body);
	pb_free(&sub);
}

static const struct {
	const char *kind;
	const char *expect;
} gen_pf_defects[] = {
    {"good", ""},
    {"undescribed", "event on track 9, which no earlier TrackDescriptor describes"},
    {"end-without-begin", "slice end on track 5 with no slice open"},
    {"unclosed", "track 5 ends with 1 slices open"},
    {"ts-decrease", "timestamp 15 before 20 on sequence 2"},
    {"flow-no-end", "flow 7 has no end"},
    {"flow-end-first", "flow 7 ends before it starts"},
    {"counter-on-slice-track", "event of type 4 on non-counter track 5"},
    {"slice-on-counter-track", "event of type 1 on counter track 100"},
    {"no-sequence", "packet without trusted_packet_sequence_id"},
    {"malformed", "malformed"},
    {"ftrace-ts-decrease", "ftrace timestamp 5 before 12 on cpu 1"},
    {"hyp-exit-without-enter", "hyp_exit on cpu 1 with no hyp_enter open"},
    {"hyp-enter-twice", "hyp_enter on cpu 1 inside another"},
    {"switch-from-other", "sched_switch on cpu 1 from tid 200, but tid 100 is running"},
};

/* Adds an FtraceEvent at ts to bundle: a sched_switch prev -> next, or a bodyless field. */
static void gen_ftrace_event(struct pb_buf *bundle, uint64_t ts, uint32_t field, uint32_t prev,
                             uint32_t next)
{
	struct pb_buf ev = {0}, body = {0};

	pb_uint(&ev, PF_FTRACE_TIMESTAMP, ts);
	if (field == PF_FTRACE_SCHED_SWITCH) {
		pb_uint(&body, PF_SWITCH_PREV_PID, prev);
		pb_uint(&body, PF_SWITCH_NEXT_PID, next);
	}
	pb_msg(&ev, field, &body);
	pb_msg(bundle, PF_BUNDLE_EVENT, &ev);
	pb_free(&ev);
	pb_free(&body);
}

/* A bundle of cpu 1 that is right, or breaks defect k's ftrace rule. */
static void gen_ftrace(struct pb_buf *out, int k)
{
	struct pb_buf bundle = {0}, pkt = {0};

	pb_uint(&bundle, PF_BUNDLE_CPU, 1);
	gen_ftrace_event(&bundle, 10, PF_FTRACE_SCHED_SWITCH, 0, 100);
	if (k == 12)
		gen_ftrace_event(&bundle, 11, PF_FTRACE_HYP_EXIT, 0, 0);
	gen_ftrace_event(&bundle, 12, PF_FTRACE_HYP_ENTER, 0, 0);
	if (k == 13)
		gen_ftrace_event(&bundle, 12, PF_FTRACE_HYP_ENTER, 0, 0);
	gen_ftrace_event(&bundle, k == 11 ? 5 : 14, PF_FTRACE_HYP_EXIT, 0, 0);
	gen_ftrace_event(&bundle, 16, PF_FTRACE_SCHED_SWITCH, k == 14 ? 200 : 100, 0);
	pb_uint(&pkt, PF_PACKET_SEQUENCE_ID, 4);
	pb_msg(&pkt, PF_PACKET_FTRACE_EVENTS, &bundle);
	pb_msg(out, PF_TRACE_PACKET, &pkt);
	pb_free(&bundle);
	pb_free(&pkt);
}

static int gen_badpf(const char *kind)
{
	struct pb_buf out = {0};
	int k = 0, n = sizeof(gen_pf_defects) / sizeof(gen_pf_defects[0]);

	while (k < n && strcmp(gen_pf_defects[k].kind, kind) != 0)
		k++;
	if (k == n)
		return -1;
	gen_pf(&out, 1, 0, 0, 5, 0, 0);
	gen_pf(&out, 1, 0, 0, 100, 0, 0);
	gen_pf(&out, 2, 10, PF_TYPE_SLICE_BEGIN, 5, 0, 0);
	gen_pf(&out, 2, 12, PF_TYPE_INSTANT, 5, PF_EVENT_FLOW_IDS, k == 6 ? 0 : 7);
	gen_pf(&out, 2, 20, PF_TYPE_INSTANT, 5, PF_EVENT_TERMINATING_FLOW_IDS, k == 5 ? 0 : 7);
	gen_pf(&out, 3, 10, PF_TYPE_COUNTER, 100, 0, 0);
	if (k == 6)
		gen_pf(&out, 2, 20, PF_TYPE_INSTANT, 5, PF_EVENT_FLOW_IDS, 7);
	if (k == 4)
		gen_pf(&out, 2, 15, PF_TYPE_INSTANT, 5, 0, 0);
	if (k == 1 || k == 7 || k == 8)
		gen_pf(&out, 2, 25, k == 7 ? PF_TYPE_COUNTER : PF_TYPE_SLICE_BEGIN,
		       k == 1   ? 9
		       : k == 7 ? 5
		                : 100,
		       0, 0);
	if (k == 9)
		gen_pf(&out, 0, 25, PF_TYPE_INSTANT, 5, 0, 0);
	if (k != 3)
		gen_pf(&out, 2, 30, PF_TYPE_SLICE_END, 5, 0, 0);
	if (k == 2)
		gen_pf(&out, 2, 31, PF_TYPE_SLICE_END, 5, 0, 0);
	gen_ftrace(&out, k);
	if (k == 10)
		pb_raw(&out, "\x0a\x7f\x08", 3); /* a packet longer than what is left */
	memcpy(gen_buf, out.p, out.len);
	gen_len = out.len;
	pb_free(&out);
	printf("%s\n", gen_pf_defects[k].expect);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = argc > 2 ? argv[argc - 1] : NULL;
	FILE *f;

	if (argc == 2 && strcmp(argv[1], "kinds") == 0) {
		for (size_t i = 0; i < sizeof(gen_defects) / sizeof(gen_defects[0]); i++)
			printf("%s\n", gen_defects[i].kind);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "pfkinds") == 0) {
		for (size_t i = 0; i < sizeof(gen_pf_defects) / sizeof(gen_pf_defects[0]); i++)
			printf("%s\n", gen_pf_defects[i].kind);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "badpf") == 0) {
		if (gen_badpf(argv[2])) {
			fprintf(stderr, "gen_dump: no Perfetto defect '%s'\n", argv[2]);
			return 2;
		}
	} else if (argc == 3 && (strcmp(argv[1], "valid") == 0 || strcmp(argv[1], "valid1") == 0)) {
		gen_version = argv[1][5] ? VT_VERSION_UNFOLDED : VT_VERSION;
		gen_valid(0);
	} else if (argc == 3 && strcmp(argv[1], "mismatch") == 0) {
		gen_valid(1);
	} else if (argc == 3 && strcmp(argv[1], "small") == 0) {
		gen_small();
	} else if (argc == 4 && strcmp(argv[1], "corrupt") == 0) {
		size_t i = 0, n = sizeof(gen_defects) / sizeof(gen_defects[0]);

		while (i < n && strcmp(gen_defects[i].kind, argv[2]) != 0)
			i++;
		if (i == n) {
			fprintf(stderr, "gen_dump: no defect '%s'\n", argv[2]);
			return 2;
		}
		gen_small();
		if (strcmp(argv[2], "vm-name") == 0) {
			memset(gen_buf + 32, 'A', 32);
		} else {
			gen_put(gen_defects[i].off, gen_defects[i].value, gen_defects[i].size);
			if (gen_defects[i].off + gen_defects[i].size > gen_len)
				gen_len = gen_defects[i].off + gen_defects[i].size;
		}
		printf("%s\n", gen_defects[i].expect);
	} else {
		fprintf(stderr,
		        "usage: gen_dump valid|valid1|mismatch|small OUT | corrupt KIND OUT | "
		        "badpf KIND OUT | kinds | pfkinds\n");
		return 2;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(gen_buf, 1, gen_len, f) != gen_len || fclose(f) != 0) {
		perror(out);
		return 1;
	}
	return 0;
}
