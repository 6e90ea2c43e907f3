/*
 * The Perfetto writer's parts: trace/perfetto.c (tracks and track events),
 * trace/perfetto_ftrace.c (each pCPU's scheduling as ftrace events) and
 * trace/perfetto_counters.c (rates and LLC misses per VM, the clock
 * snapshots). They name the same threads and tracks, so the ids are here.
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

/* Track uuids: a VM's process track, and its counter tracks (enum pfc_kind). */
static inline uint64_t pf_uuid_vm(uint32_t vm)
{
	return 0x10000ull + vm;
}

static inline uint64_t pf_uuid_vm_counter(uint32_t vm, uint32_t kind)
{
	return 0x60000ull + vm * 4 + kind;
}

/* perfetto.c: a TracePacket, a TrackDescriptor ('p' process, 't' thread, 'c' counter), a value. */
void pf_packet(struct pb_buf *out, uint32_t seq, int has_ts, uint64_t ts, uint32_t field,
               const struct pb_buf *body);
void pf_track(struct pb_buf *out, uint64_t uuid, uint64_t parent, const char *name, int kind,
              uint32_t pid, uint32_t tid);
void pf_counter(struct pb_buf *out, uint32_t seq, uint64_t ts, uint64_t track, uint64_t value);

/*
 * perfetto_counters.c: per VM, exits and injected IRQs per second over
 * PFC_WINDOW_NS windows, summed over its pCPUs, and the LLC misses the
 * monitor marks (VT_MARK_LLC_MISSES + VM id) as it marks them.
 */
#define PFC_WINDOW_NS 10000000ull /* 10 ms */
enum pfc_kind { PFC_EXITS, PFC_INJECTS, PFC_LLC, PFC_KINDS };

struct pfc_count {
	uint64_t window, n;
	uint32_t vm, kind;
};

struct pfc_ring {
	uint64_t window; /* being counted */
	uint64_t *n;     /* its counts: [vm * 2 + kind], kind PFC_EXITS or PFC_INJECTS */
	int owner;       /* the VM of the ring's records that name none (dec_owner), or -1 */
};

struct pfc {
	const struct vtrace *t;
	struct pfc_ring *rings;
	struct pfc_count *done; /* windows counted, every ring's */
	size_t len, cap;
	uint64_t first, last; /* counter values of the first and last record: the clock snapshots */
	int seen;
	int oom;
};

int pfc_init(struct pfc *c, const struct vtrace *t);
void pfc_descriptors(const struct pfc *c, struct pb_buf *out);
void pfc_record(struct pfc *c, uint32_t ri, uint64_t ns, const struct vt_record *r,
                struct pb_buf *out, uint32_t seq);
void pfc_ring_end(struct pfc *c, uint32_t ri);
void pfc_write(struct pfc *c, struct pb_buf *out, uint32_t seq);
void pfc_free(struct pfc *c);

/* One pCPU's ftrace events on their way into FtraceEventBundles. */
struct pff_cpu {
	struct pb_buf events; /* FtraceEvent messages not yet in a bundle */
	uint32_t n;           /* how many */
	uint32_t cpu;
	uint32_t machine; /* TracePacket.machine_id: 0, the hypervisor's; a guest's own */
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
