/*
 * The trace stream's encoder: frames (include/vitrine/stream.h) of what the rings
 * hold, for one client at a time per struct stream. The rings are only
 * peeked (vt_ring_peek: they are read-only here, and several clients may
 * read them at once), each client at its own positions, and every record
 * the producer overwrote before we read it is counted, exactly, in the
 * next frame of its ring. Needs only <stdint.h> and <string.h>, and finds
 * rings and system page through stream_source, so that the host tests
 * compile it too.
 */
#include "stream.h"

#include <string.h>

#include <vitrine/trace.h>
#include <vitrine/trace_ring.h>
#include <vitrine/trace_wire.h> /* with include/vitrine/stream.h, the frames' layout */
#include <vitrine/sysview.h>

#define ST_FRAME_RECORDS 64 /* records per frame: one peek, on the stack */
#define ST_FILL_FRAMES 16   /* frames per stream_fill: bounded work per call */

/* The frame header; the frame's sequence number is taken. */
static void st_header(struct stream *s, uint8_t *p, uint16_t type, uint32_t len)
{
	struct vt_frame f = {.magic = VT_FRAME_MAGIC, .type = type, .len = len, .seq = s->seq++};

	vt_frame_put(p, &f);
}

/* An error frame, the last one: the client shows the message. */
static size_t st_error(struct stream *s, uint8_t *buf, size_t room, const char *why)
{
	size_t n = strlen(why) + 1, len = VT_FRAME_HDR_SIZE + n;

	if (len > room)
		return 0;
	st_header(s, buf, VT_FRAME_ERROR, (uint32_t)len);
	memcpy(buf + VT_FRAME_HDR_SIZE, why, n);
	s->failed = 1;
	return len;
}

/* The oldest record a reader can still get whole (include/vitrine/trace_ring.h). */
static uint64_t st_oldest(const struct vt_ring *r)
{
	uint64_t h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), t;

	if (r->mode == VT_MODE_FLIGHT)
		return h > r->capacity - 1 ? h - (r->capacity - 1) : 0;
	t = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	return h - t > r->capacity ? h - r->capacity : t;
}

/*
 * Where a stream begins in a ring: at its oldest record, but no more than
 * half a flight ring back. The oldest records of a full flight ring are the
 * next the writer overwrites: a stream starting there loses them unless it
 * drains faster than the writer from its first fill on. Half a ring behind,
 * it has half a ring's time to catch up.
 */
static uint64_t st_start(const struct vt_ring *r)
{
	uint64_t oldest = st_oldest(r), h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	if (r->mode == VT_MODE_FLIGHT && h - oldest > r->capacity / 2)
		return h - r->capacity / 2;
	return oldest;
}

void stream_start(struct stream *s)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t cpu = 0; cpu < STREAM_CPUS; cpu++) {
		const struct vt_ring *r = stream_source.ring(cpu);

		if (r)
			s->pos[cpu] = st_start(r);
	}
}

/* The hello frame: a dump with no records (include/vitrine/stream.h); 0 if it does not fit. */
static size_t st_hello(struct stream *s, uint8_t *buf, size_t room)
{
	const char *why = "no system page";
	const struct vt_sys *sys = stream_source.sys(&why);
	const struct vt_ring *rings[STREAM_CPUS];
	uint32_t nr_rings = 0;
	uint64_t freq = 0;
	size_t len;
	uint8_t *p;

	if (!sys)
		return st_error(s, buf, room, why);
	for (uint32_t cpu = 0; cpu < STREAM_CPUS; cpu++) {
		rings[cpu] = stream_source.ring(cpu);
		nr_rings += rings[cpu] != NULL;
		if (rings[cpu] && !freq)
			freq = rings[cpu]->timer_freq;
	}
	len = VT_FRAME_HDR_SIZE + VT_DUMP_HDR_SIZE + (size_t)sys->nr_vms * VT_DUMP_VM_SIZE +
	      (size_t)sys->nr_vcpus * VT_DUMP_VCPU_SIZE + (size_t)nr_rings * VT_DUMP_RING_SIZE;
	if (len > room)
		return 0;
	memset(buf, 0, len);
	st_header(s, buf, VT_FRAME_HELLO, (uint32_t)len);
	p = buf + VT_FRAME_HDR_SIZE;
	vt_dump_put(p, &(struct vt_dump){.magic = VT_DUMP_MAGIC,
	                                 .version = VT_VERSION,
	                                 .record_size = VT_RECORD_SIZE,
	                                 .nr_rings = nr_rings,
	                                 .nr_vms = sys->nr_vms,
	                                 .nr_vcpus = sys->nr_vcpus,
	                                 .timer_freq = sys->timer_freq ? sys->timer_freq : freq});
	p += VT_DUMP_HDR_SIZE;
	for (uint32_t i = 0; i < sys->nr_vms; i++, p += VT_DUMP_VM_SIZE) {
		struct vt_dump_vm vm = {.id = sys->vms[i].id,
		                        .nr_vcpus = sys->vms[i].nr_vcpus,
		                        .cpus = sys->vms[i].cpus};

		memcpy(vm.name, sys->vms[i].name,
		       VT_SYS_NAME); /* NUL-terminated: syspage checked */
		vt_dump_vm_put(p, &vm);
	}
	for (uint32_t i = 0; i < sys->nr_vcpus; i++, p += VT_DUMP_VCPU_SIZE)
		vt_dump_vcpu_put(p, &(struct vt_dump_vcpu){.vm = (uint8_t)sys->vcpus[i].vm,
		                                           .vcpu = (uint8_t)sys->vcpus[i].vcpu,
		                                           .pcpu = (uint8_t)sys->vcpus[i].pcpu,
		                                           .exits = sys->vcpus[i].exits});
	for (uint32_t cpu = 0; cpu < STREAM_CPUS; cpu++) {
		struct vt_dump_ring ring = {.cpu = cpu, .first = s->pos[cpu]}; /* where it starts */

		if (!rings[cpu])
			continue;
		ring.mode = rings[cpu]->mode;
		ring.lost = __atomic_load_n(&rings[cpu]->lost, __ATOMIC_RELAXED);
		vt_dump_ring_put(p, &ring);
		p += VT_DUMP_RING_SIZE;
	}
	return len;
}

/*
 * On a little-endian machine a record in memory is its wire form
 * (include/vitrine/trace_wire.h): the ring is peeked straight into the
 * frame, one copy per record; elsewhere through a staging array and the codec.
 */
#define ST_IN_PLACE (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

/* One records frame of pCPU cpu's ring; 0 if nothing is new or it does not fit. */
static size_t st_records(struct stream *s, uint32_t cpu, uint8_t *buf, size_t room)
{
	const struct vt_ring *r = stream_source.ring(cpu);
	struct vt_record stage[ST_FRAME_RECORDS], *rec = stage;
	const size_t hdr = VT_FRAME_HDR_SIZE + VT_FRAME_RECORDS_SIZE;
	uint64_t pos = s->pos[cpu], skipped = 0;
	size_t n, len;
	uint32_t got;
	uint8_t *p = buf + hdr;

	if (!r || room < hdr + sizeof(rec[0]))
		return 0;
	if (ST_IN_PLACE && (uintptr_t)p % _Alignof(struct vt_record) == 0)
		rec = (struct vt_record *)(void *)p;
	n = (room - hdr) / sizeof(rec[0]);
	got = vt_ring_peek(r, &pos, rec, n < ST_FRAME_RECORDS ? (uint32_t)n : ST_FRAME_RECORDS,
	                   &skipped);
	if (!got && !skipped)
		return 0;
	len = hdr + got * sizeof(rec[0]);
	st_header(s, buf, VT_FRAME_RECORDS, (uint32_t)len);
	vt_frame_records_put(buf + VT_FRAME_HDR_SIZE,
	                     &(struct vt_frame_records){
	                         .cpu = cpu, .count = got, .first = pos - got, .lost = skipped});
	for (uint32_t i = 0; rec == stage && i < got; i++, p += VT_RECORD_SIZE)
		vt_record_put(p, &rec[i]);
	s->pos[cpu] = pos;
	return len;
}

size_t stream_fill(struct stream *s, uint8_t *buf, size_t room)
{
	uint32_t frames = 0, quiet = 0;
	size_t used = 0;

	if (s->failed)
		return 0;
	if (!s->hello_sent) {
		used = st_hello(s, buf, room);
		if (!used || s->failed)
			return used;
		s->hello_sent = 1;
	}
	/* Rings take turns, a frame each, until all are quiet or the call has done enough. */
	while (frames < ST_FILL_FRAMES && quiet < STREAM_CPUS) {
		uint32_t cpu = s->next_cpu % STREAM_CPUS;
		size_t n = st_records(s, cpu, buf + used, room - used);

		s->next_cpu = (cpu + 1) % STREAM_CPUS;
		if (n) {
			used += n;
			frames++;
			quiet = 0;
		} else {
			quiet++;
		}
	}
	return used;
}
