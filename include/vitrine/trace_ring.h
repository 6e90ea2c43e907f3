/*
 * The trace ring: one producer (the pCPU that owns the ring), any number
 * of readers elsewhere, no locks, and the producer never waits.
 *
 * Positions count records ever written; the record at position p lives in
 * slot p % capacity. Record words are written and read as relaxed atomics.
 *
 * Memory ordering:
 *  - The producer writes a record's words, then stores head = p + 1 with
 *    release; a reader loads head with acquire and may then read every
 *    record below it: it sees them whole.
 *  - Stream mode: before reusing slot p % capacity (last holding record
 *    p - capacity) the producer loads tail with acquire; a reader stores
 *    tail with release after reading its records. So the reader's reads of
 *    a slot happen before the producer's next writes to it. When the ring
 *    is full the record is dropped and counted in `lost`; the next record
 *    that fits is preceded by a VT_EV_LOST record carrying the count, so a
 *    reader knows exactly which records are missing, and where.
 *  - Flight mode: the producer overwrites the oldest slot without asking.
 *    It executes a release fence before writing a slot, so a reader that
 *    saw any word of record q + capacity also sees head >= q + capacity
 *    after its own acquire fence. A reader therefore copies, fences, reads
 *    head again as h2, and throws away every copied position below
 *    h2 - capacity + 1: the slot of position h2 may be half rewritten.
 *    Each record is thus either read intact or counted as skipped.
 */
#ifndef VT_RING_H
#define VT_RING_H

#include <vitrine/trace.h>

static inline struct vt_record *vt_ring_records(struct vt_ring *r)
{
	return (struct vt_record *)(r + 1);
}

/* capacity: a power of two, at least 2 (a loss report and a record must fit). */
static inline void vt_ring_init(struct vt_ring *r, uint32_t cpu, uint32_t capacity, uint32_t mode,
                                uint64_t timer_freq)
{
	r->magic = VT_RING_MAGIC;
	r->version = VT_VERSION;
	r->record_size = sizeof(struct vt_record);
	r->cpu = cpu;
	r->capacity = capacity;
	r->mask = capacity - 1;
	r->mode = mode;
	r->timer_freq = timer_freq;
	r->head = r->lost = r->lost_noted = r->tail = 0;
}

/*
 * A record's four words. Relaxed atomic stores say what the C model needs
 * (readers run concurrently); VT_RING_PLAIN_STORES, for the hypervisor,
 * lets the compiler pair them (STP): on Armv8-A aligned 64-bit stores are
 * single-copy atomic anyway, and the release store of head orders them.
 */
static inline void vt_slot_store(struct vt_record *s, uint64_t w0, uint64_t w1, uint64_t w2,
                                 uint64_t w3)
{
	uint64_t *w = (uint64_t *)s;

#ifdef VT_RING_PLAIN_STORES
	w[0] = w0;
	w[1] = w1;
	w[2] = w2;
	w[3] = w3;
#else
	__atomic_store_n(&w[0], w0, __ATOMIC_RELAXED);
	__atomic_store_n(&w[1], w1, __ATOMIC_RELAXED);
	__atomic_store_n(&w[2], w2, __ATOMIC_RELAXED);
	__atomic_store_n(&w[3], w3, __ATOMIC_RELAXED);
#endif
}

static inline uint64_t vt_word1(uint16_t event, uint8_t vm, uint8_t vcpu, uint32_t a)
{
	return event | (uint64_t)vm << 16 | (uint64_t)vcpu << 24 | (uint64_t)a << 32;
}

static __attribute__((noinline)) int vt_ring_write_stream(struct vt_ring *r, uint64_t ts,
                                                          uint64_t w1, uint64_t b, uint64_t c)
{
	uint64_t h = r->head, mask = r->mask;
	uint64_t unnoted = r->lost - r->lost_noted;
	uint64_t used = h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

	if (used + 1 + (unnoted != 0) > r->capacity) {
		__atomic_store_n(&r->lost, r->lost + 1, __ATOMIC_RELAXED);
		return -1;
	}
	if (unnoted) { /* a record carries at most 2^32 - 1: more are told in the next ones */
		uint32_t told = unnoted > 0xffffffffu ? 0xffffffffu : (uint32_t)unnoted;

		vt_slot_store(&vt_ring_records(r)[h & mask], ts,
		              vt_word1(VT_EV_LOST, VT_NONE, VT_NONE, told), 0, 0);
		__atomic_store_n(&r->lost_noted, r->lost_noted + told, __ATOMIC_RELAXED);
		h++;
	}
	vt_slot_store(&vt_ring_records(r)[h & mask], ts, w1, b, c);
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Flight mode, for a producer that knows the ring's mode (and may know its
 * capacity at compile time: mask = capacity - 1, a constant, saves a load).
 */
static inline void vt_ring_write_flight(struct vt_ring *r, uint64_t mask, uint64_t ts, uint64_t w1,
                                        uint64_t b, uint64_t c)
{
	uint64_t h = r->head;

	__atomic_thread_fence(__ATOMIC_RELEASE);
	vt_slot_store(&vt_ring_records(r)[h & mask], ts, w1, b, c);
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
}

/* Producer side: 0, or -1 if the record was dropped (stream mode, ring full). */
static inline int vt_ring_write(struct vt_ring *r, uint64_t ts, uint64_t w1, uint64_t b, uint64_t c)
{
	if (r->mode == VT_MODE_STREAM)
		return vt_ring_write_stream(r, ts, w1, b, c);
	vt_ring_write_flight(r, r->mask, ts, w1, b, c);
	return 0;
}

/* Copy the records at positions p, p+1, ... (up to n, below h) into out. */
static inline uint32_t vt_ring_copy(const struct vt_ring *r, uint64_t p, uint64_t h,
                                    struct vt_record *out, uint32_t n)
{
	const struct vt_record *recs = (const struct vt_record *)(r + 1);
	uint32_t count = 0;

	for (; count < n && p + count < h; count++) {
		const uint64_t *w = (const uint64_t *)&recs[(p + count) & (r->capacity - 1)];
		uint64_t *o = (uint64_t *)&out[count];

		for (int i = 0; i < 4; i++)
			o[i] = __atomic_load_n(&w[i], __ATOMIC_RELAXED);
	}
	return count;
}

/*
 * Reader side, without consuming: copy up to n records from position *pos
 * into out, oldest first; *pos moves past them. Records already gone (or
 * possibly half rewritten while we copied) are added to *skipped and passed
 * over. Writes nothing to the ring, so it also serves a reader that may only
 * read it (the monitor partition, which sees the rings read-only).
 */
static inline uint32_t vt_ring_peek(const struct vt_ring *r, uint64_t *pos, struct vt_record *out,
                                    uint32_t n, uint64_t *skipped)
{
	uint64_t cap = r->capacity, p = *pos, h2;
	uint64_t h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint32_t count, bad = 0;

	if (h - p > cap) { /* overwritten before we came */
		*skipped += h - cap - p;
		p = h - cap;
	}
	count = vt_ring_copy(r, p, h, out, n);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	h2 = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	if (h2 + 1 > cap + p)
		bad = h2 + 1 - cap - p < count ? (uint32_t)(h2 + 1 - cap - p) : count;
	for (uint32_t i = bad; bad && i < count; i++)
		out[i - bad] = out[i];
	*skipped += bad;
	*pos = p + count;
	return count - bad;
}

/*
 * Reader side, consuming: in stream mode the reader owns tail (there must
 * be one reader, and it starts at tail), so records are copied and tail
 * moves past them; in flight mode this is vt_ring_peek.
 */
static inline uint32_t vt_ring_read(struct vt_ring *r, uint64_t *pos, struct vt_record *out,
                                    uint32_t n, uint64_t *skipped)
{
	uint64_t h;
	uint32_t count;

	if (r->mode == VT_MODE_FLIGHT)
		return vt_ring_peek(r, pos, out, n, skipped);
	h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	count = vt_ring_copy(r, *pos, h, out, n);
	*pos += count;
	__atomic_store_n(&r->tail, *pos, __ATOMIC_RELEASE);
	return count;
}

#endif
