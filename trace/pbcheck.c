/*
 * `vtrace check-perfetto`: walks a Perfetto protobuf trace (any field is
 * skipped by its wire type; the ones below are understood) and checks what
 * the UI silently works around: every event's track described earlier,
 * slices balanced per track, counter events only on counter tracks,
 * timestamps non-decreasing per packet sequence, flows with both ends; in
 * ftrace bundles, per CPU: timestamps non-decreasing, each sched_switch
 * from the thread the previous one switched to, hyp_enter and hyp_exit
 * alternating (what Perfetto's sched and pkvm tables would silently mend).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pb.h"
#include "vtrace.h"

/* An open-addressing map from uint64 keys to uint64 values. */
struct pbc_map {
	uint64_t *keys, *vals;
	uint8_t *used;
	size_t cap, n;
};

static uint64_t *pbc_slot(struct pbc_map *m, uint64_t key, int create)
{
	if (create && (m->n + 1) * 2 > m->cap) {
		struct pbc_map g = {0};

		g.cap = m->cap ? m->cap * 2 : 64;
		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.vals = calloc(g.cap, sizeof(*g.vals));
		g.used = calloc(g.cap, 1);
		if (!g.keys || !g.vals || !g.used) {
			free(g.keys);
			free(g.vals);
			free(g.used);
			return NULL;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->used[i])
				*pbc_slot(&g, m->keys[i], 1) = m->vals[i];
		free(m->keys);
		free(m->vals);
		free(m->used);
		*m = g;
	}
	if (!m->cap)
		return NULL;
	for (size_t i = (key * 0x9e3779b97f4a7c15ull) >> 7 & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->used[i] && m->keys[i] == key)
			return &m->vals[i];
		if (!m->used[i]) {
			if (!create)
				return NULL;
			m->used[i] = 1;
			m->keys[i] = key;
			m->vals[i] = 0;
			m->n++;
			return &m->vals[i];
		}
	}
}

static void pbc_map_free(struct pbc_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* Track values: bit 0 described, bit 1 counter track, depth of open slices from bit 8. */
#define PBC_DESCRIBED 1u
#define PBC_COUNTER 2u
#define PBC_DEPTH 256u
/* Flow values: bit 0 started, bit 1 ended. */
/* Per CPU of the ftrace bundles, keyed (machine << 32 | cpu) << 2 | one of: */
enum pbc_cpu_key { PBC_CPU_TS, PBC_CPU_TID, PBC_CPU_HYP };

struct pbc {
	struct pbc_map tracks, flows, seqs, cpus;
	struct pbc_summary *s;
	char *err;
	size_t errlen;
	uint64_t packet;
};

static int pbc_fail(struct pbc *c, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "offset %zu (packet %" PRIu64 "): ", off, c->packet);

	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int pbc_oom(struct pbc *c, size_t off)
{
	return pbc_fail(c, off, "out of memory");
}

static int pbc_descriptor(struct pbc *c, const struct pb_field *msg)
{
	struct pb_reader r = {msg->data, msg->len, 0, msg->offset};
	struct pb_field f;
	uint64_t uuid = 0, *v;
	int has_uuid = 0, counter = 0, rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == PF_TRACK_UUID && f.wire == PB_VARINT) {
			uuid = f.value;
			has_uuid = 1;
		} else if (f.num == PF_TRACK_COUNTER && f.wire == PB_LEN) {
			counter = 1;
		}
	}
	if (rc < 0)
		return pbc_fail(c, f.offset, "malformed field in a TrackDescriptor");
	if (!has_uuid)
		return pbc_fail(c, msg->offset, "TrackDescriptor without a uuid");
	v = pbc_slot(&c->tracks, uuid, 1);
	if (!v)
		return pbc_oom(c, msg->offset);
	if ((*v & PBC_DESCRIBED) && !(*v & PBC_COUNTER) != !counter)
		return pbc_fail(c, msg->offset, "track %" PRIu64 " described again as another kind",
		                uuid);
	if (!(*v & PBC_DESCRIBED))
		c->s->tracks++;
	*v |= PBC_DESCRIBED | (counter ? PBC_COUNTER : 0);
	return 0;
}

/* A flow id from a fixed64 field or a packed run of them. */
static int pbc_flow(struct pbc *c, const struct pb_field *f, int end)
{
	size_t n = f->wire == PB_I64 ? 1 : f->len / 8;

	if (f->wire == PB_LEN && f->len % 8)
		return pbc_fail(c, f->offset, "packed flow ids: %zu bytes, not a multiple of 8",
		                f->len);
	if (f->wire != PB_I64 && f->wire != PB_LEN)
		return pbc_fail(c, f->offset, "flow ids with wire type %u, expected fixed64",
		                f->wire);
	for (size_t i = 0; i < n; i++) {
		uint64_t id = f->value, *v;

		if (f->wire == PB_LEN) {
			id = 0;
			for (int b = 0; b < 8; b++)
				id |= (uint64_t)f->data[i * 8 + b] << (8 * b);
		}
		v = pbc_slot(&c->flows, id, 1);
		if (!v)
			return pbc_oom(c, f->offset);
		if (end && !(*v & 1))
			return pbc_fail(c, f->offset, "flow %" PRIu64 " ends before it starts", id);
		if (!end && (*v & 2))
			return pbc_fail(c, f->offset, "flow %" PRIu64 " starts again after its end",
			                id);
		if (!end && !*v)
			c->s->flows++;
		*v |= end ? 2 : 1;
	}
	return 0;
}

static int pbc_event(struct pbc *c, const struct pb_field *msg)
{
	struct pb_reader r = {msg->data, msg->len, 0, msg->offset};
	struct pb_field f;
	uint64_t type = 0, track = 0, *v;
	int rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == PF_EVENT_TYPE && f.wire == PB_VARINT)
			type = f.value;
		else if (f.num == PF_EVENT_TRACK_UUID && f.wire == PB_VARINT)
			track = f.value;
		else if ((f.num == PF_EVENT_FLOW_IDS || f.num == PF_EVENT_TERMINATING_FLOW_IDS) &&
		         pbc_flow(c, &f, f.num == PF_EVENT_TERMINATING_FLOW_IDS))
			return -1;
	}
	if (rc < 0)
		return pbc_fail(c, f.offset, "malformed field in a TrackEvent");
	v = pbc_slot(&c->tracks, track, 0);
	if (!v || !(*v & PBC_DESCRIBED))
		return pbc_fail(c, msg->offset,
		                "event on track %" PRIu64
		                ", which no earlier TrackDescriptor describes",
		                track);
	if ((type == PF_TYPE_COUNTER) != !!(*v & PBC_COUNTER))
		return pbc_fail(c, msg->offset,
		                "event of type %" PRIu64 " on %scounter track %" PRIu64, type,
		                *v & PBC_COUNTER ? "" : "non-", track);
	switch (type) {
	case PF_TYPE_SLICE_BEGIN:
		*v += PBC_DEPTH;
		c->s->slices++;
		break;
	case PF_TYPE_SLICE_END:
		if (*v < PBC_DEPTH)
			return pbc_fail(c, msg->offset,
			                "slice end on track %" PRIu64 " with no slice open", track);
		*v -= PBC_DEPTH;
		break;
	case PF_TYPE_INSTANT:
		c->s->instants++;
		break;
	case PF_TYPE_COUNTER:
		c->s->counters++;
		break;
	default:
		return pbc_fail(c, msg->offset, "event type %" PRIu64 ", expected 1..4", type);
	}
	return 0;
}

/* The pid a sched_switch names in field num, or -1 if it has none. */
static int64_t pbc_switch_pid(const struct pb_field *sw, uint32_t num)
{
	struct pb_reader r = {sw->data, sw->len, 0, sw->offset};
	struct pb_field f;

	while (pb_next(&r, &f) > 0)
		if (f.num == num && f.wire == PB_VARINT)
			return (int64_t)(uint32_t)f.value;
	return -1;
}

/* One FtraceEvent of cpu's bundle (machine << 32 | its number: a guest's CPUs are its own). */
static int pbc_ftrace_event(struct pbc *c, uint64_t cpu, const struct pb_field *msg)
{
	struct pb_reader r = {msg->data, msg->len, 0, msg->offset};
	struct pb_field f, sw = {0};
	uint64_t ts = 0, *last, *tid, *hyp;
	int has_ts = 0, enter = 0, exit = 0, rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == PF_FTRACE_TIMESTAMP && f.wire == PB_VARINT) {
			ts = f.value;
			has_ts = 1;
		}
		if (f.num == PF_FTRACE_SCHED_SWITCH && f.wire == PB_LEN)
			sw = f;
		enter |= f.num == PF_FTRACE_HYP_ENTER;
		exit |= f.num == PF_FTRACE_HYP_EXIT;
	}
	if (rc < 0)
		return pbc_fail(c, f.offset, "malformed field in an FtraceEvent");
	if (!has_ts)
		return pbc_fail(c, msg->offset, "ftrace event without a timestamp");
	last = pbc_slot(&c->cpus, cpu << 2 | PBC_CPU_TS, 1);
	tid = last ? pbc_slot(&c->cpus, cpu << 2 | PBC_CPU_TID, 1) : NULL;
	hyp = tid ? pbc_slot(&c->cpus, cpu << 2 | PBC_CPU_HYP, 1) : NULL;
	if (!hyp)
		return pbc_oom(c, msg->offset);
	if (ts < *last)
		return pbc_fail(c, msg->offset,
		                "ftrace timestamp %" PRIu64 " before %" PRIu64 " on cpu %" PRIu64,
		                ts, *last, cpu);
	*last = ts;
	if (sw.data) {
		int64_t prev = pbc_switch_pid(&sw, PF_SWITCH_PREV_PID);
		int64_t next = pbc_switch_pid(&sw, PF_SWITCH_NEXT_PID);

		/* *tid is the running tid + 1, 0 before the first switch */
		if (*tid && prev != (int64_t)*tid - 1)
			return pbc_fail(c, msg->offset,
			                "sched_switch on cpu %" PRIu64 " from tid %" PRId64
			                ", but tid %" PRIu64 " is running",
			                cpu, prev, *tid - 1);
		*tid = (uint64_t)next + 1;
		c->s->switches++;
	}
	if ((enter && *hyp) || (exit && !*hyp))
		return pbc_fail(c, msg->offset, "%s on cpu %" PRIu64 " %s",
		                enter ? "hyp_enter" : "hyp_exit", cpu,
		                enter ? "inside another" : "with no hyp_enter open");
	*hyp = enter ? 1 : exit ? 0 : *hyp;
	c->s->ftrace++;
	return 0;
}

static int pbc_bundle(struct pbc *c, const struct pb_field *msg, uint64_t machine)
{
	struct pb_reader r = {msg->data, msg->len, 0, msg->offset};
	struct pb_field f;
	uint64_t cpu = 0;
	int has_cpu = 0, rc;

	while ((rc = pb_next(&r, &f)) > 0)
		if (f.num == PF_BUNDLE_CPU && f.wire == PB_VARINT) {
			cpu = f.value;
			has_cpu = 1;
		}
	if (rc < 0)
		return pbc_fail(c, f.offset, "malformed field in an FtraceEventBundle");
	if (!has_cpu)
		return pbc_fail(c, msg->offset, "FtraceEventBundle without a cpu");
	if (cpu > UINT32_MAX)
		return pbc_fail(c, msg->offset, "FtraceEventBundle of cpu %" PRIu64, cpu);
	r.pos = 0;
	while (pb_next(&r, &f) > 0)
		if (f.num == PF_BUNDLE_EVENT && f.wire == PB_LEN &&
		    pbc_ftrace_event(c, machine << 32 | cpu, &f))
			return -1;
	return 0;
}

static int pbc_packet(struct pbc *c, const struct pb_field *pkt)
{
	struct pb_reader r = {pkt->data, pkt->len, 0, pkt->offset};
	struct pb_field f, ev = {0}, td = {0}, ft = {0};
	uint64_t ts = 0, seq = 0, machine = 0, *last;
	int has_ts = 0, rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == PF_PACKET_TIMESTAMP && f.wire == PB_VARINT) {
			ts = f.value;
			has_ts = 1;
		} else if (f.num == PF_PACKET_SEQUENCE_ID && f.wire == PB_VARINT) {
			seq = f.value;
		} else if (f.num == PF_PACKET_TRACK_EVENT && f.wire == PB_LEN) {
			ev = f;
		} else if (f.num == PF_PACKET_TRACK_DESCRIPTOR && f.wire == PB_LEN) {
			td = f;
		} else if (f.num == PF_PACKET_FTRACE_EVENTS && f.wire == PB_LEN) {
			ft = f;
		} else if (f.num == PF_PACKET_MACHINE_ID && f.wire == PB_VARINT) {
			machine = f.value;
		}
	}
	if (rc < 0)
		return pbc_fail(c, f.offset, "malformed field in a TracePacket");
	if (!seq)
		return pbc_fail(c, pkt->offset, "packet without trusted_packet_sequence_id");
	last = pbc_slot(&c->seqs, seq, 0);
	if (!last) {
		last = pbc_slot(&c->seqs, seq, 1);
		if (!last)
			return pbc_oom(c, pkt->offset);
		c->s->sequences++;
	}
	if (has_ts) {
		if (ts < *last)
			return pbc_fail(c, pkt->offset,
			                "timestamp %" PRIu64 " before %" PRIu64
			                " on sequence %" PRIu64,
			                ts, *last, seq);
		*last = ts;
	}
	if (td.data && pbc_descriptor(c, &td))
		return -1;
	if (machine >= 1u << 30)
		return pbc_fail(c, pkt->offset, "machine_id %" PRIu64, machine);
	if (ft.data && pbc_bundle(c, &ft, machine))
		return -1;
	if (ev.data) {
		if (!has_ts)
			return pbc_fail(c, pkt->offset, "track event without a timestamp");
		if (pbc_event(c, &ev))
			return -1;
	}
	return 0;
}

/* What must hold once every packet is read. */
static int pbc_finish(struct pbc *c, size_t off)
{
	for (size_t i = 0; i < c->tracks.cap; i++)
		if (c->tracks.used[i] && c->tracks.vals[i] >= PBC_DEPTH)
			return pbc_fail(c, off,
			                "track %" PRIu64 " ends with %" PRIu64 " slices open",
			                c->tracks.keys[i], c->tracks.vals[i] / PBC_DEPTH);
	for (size_t i = 0; i < c->flows.cap; i++)
		if (c->flows.used[i] && c->flows.vals[i] != 3)
			return pbc_fail(c, off, "flow %" PRIu64 " has no end", c->flows.keys[i]);
	return 0;
}

int pbc_check(const uint8_t *buf, size_t len, struct pbc_summary *s, char *err, size_t errlen)
{
	struct pbc c = {.s = s, .err = err, .errlen = errlen};
	struct pb_reader r = {buf, len, 0, 0};
	struct pb_field f;
	int rc;

	memset(s, 0, sizeof(*s));
	if (errlen)
		err[0] = '\0';
	while ((rc = pb_next(&r, &f)) > 0) {
		c.packet = s->packets;
		if (f.num != PF_TRACE_PACKET || f.wire != PB_LEN) {
			rc = pbc_fail(&c, f.offset,
			              "field %u (wire type %u) in Trace, expected "
			              "packets (field 1, length-delimited)",
			              f.num, f.wire);
			break;
		}
		s->packets++;
		if ((rc = pbc_packet(&c, &f)) < 0)
			break;
	}
	if (rc < 0 && err[0] == '\0')
		pbc_fail(&c, f.offset, "malformed protobuf field");
	if (rc == 0)
		rc = pbc_finish(&c, len);
	pbc_map_free(&c.tracks);
	pbc_map_free(&c.flows);
	pbc_map_free(&c.seqs);
	pbc_map_free(&c.cpus);
	return rc < 0 ? -1 : 0;
}
