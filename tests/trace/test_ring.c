/*
 * Host tests for include/vitrine/trace_ring.h: single-threaded semantics of both modes, then
 * one producer and one consumer thread hammering a ring. Every record must
 * be accounted for exactly once: read, or reported lost (stream) / skipped
 * (flight). Prints one PASS/FAIL line per test; exit status 1 on a failure.
 *
 * usage: test_ring [RECORDS [TAG]]   (records per threaded run, default 2000000;
 *                                    TAG is appended to every test name)
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/trace_ring.h>

static int ring_failures;
static char ring_why[256];
static const char *ring_tag = "";

/* Records the first reason a test fails; the test prints it. */
static int ring_fail(const char *fmt, ...)
{
	va_list ap;

	if (ring_why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(ring_why, sizeof(ring_why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return ring_fail(__VA_ARGS__);                                             \
	} while (0)

static void ring_report(const char *name, int ok)
{
	if (ok) {
		printf("PASS trace/ring: %s%s\n", name, ring_tag);
	} else {
		printf("FAIL trace/ring: %s%s: %s\n", name, ring_tag, ring_why);
		ring_failures++;
	}
	fflush(stdout);
	ring_why[0] = '\0';
}

static struct vt_ring *ring_new(uint32_t cap, uint32_t mode)
{
	size_t size = sizeof(struct vt_ring) + (size_t)cap * sizeof(struct vt_record);
	struct vt_ring *r = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (!r) {
		perror("aligned_alloc");
		exit(2);
	}
	memset(r, 0, size);
	vt_ring_init(r, 0, cap, mode, 62500000);
	return r;
}

/* A record's payload is derived from its sequence number so a torn one shows. */
static uint64_t ring_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static int ring_put(struct vt_ring *r, uint64_t seq)
{
	return vt_ring_write(r, seq, vt_word1(VT_EV_MARK, 1, 2, (uint32_t)seq), seq,
	                     ring_hash(seq));
}

static int ring_intact(const struct vt_record *rec)
{
	return rec->event == VT_EV_MARK && rec->vm == 1 && rec->vcpu == 2 &&
	       rec->a == (uint32_t)rec->b && rec->c == ring_hash(rec->b) && rec->ts == rec->b;
}

/* A ring with records 0..n-1 written into it; NULL if one was refused. */
static struct vt_ring *ring_filled(uint32_t cap, uint32_t mode, uint64_t n)
{
	struct vt_ring *r = ring_new(cap, mode);

	for (uint64_t s = 0; s < n; s++)
		if (ring_put(r, s) != 0) {
			free(r);
			return NULL;
		}
	return r;
}

/* A reader's view: its position, what it skipped, and the records of its last read. */
struct ring_reader {
	uint64_t pos, skipped;
	struct vt_record out[16];
};

static uint32_t ring_take(struct vt_ring *r, struct ring_reader *rd, uint32_t max)
{
	return vt_ring_read(r, &rd->pos, rd->out, max, &rd->skipped);
}

/* Stream mode: fill, drop and count, then exactly one VT_EV_LOST once space frees. */
static int test_stream_basic(void)
{
	struct vt_ring *r = ring_filled(4, VT_MODE_STREAM, 4);
	struct ring_reader rd = {0};
	uint32_t n;
	int ok = 0;

	if (!r)
		return ring_fail("a ring with room refused a record");
	if (ring_put(r, 4) != -1 || ring_put(r, 5) != -1) {
		ring_fail("a full ring accepted a record");
		goto out;
	}
	if (r->head != 4 || r->lost != 2 || r->lost_noted != 0) {
		ring_fail("head %llu lost %llu noted %llu, want 4 2 0", (unsigned long long)r->head,
		          (unsigned long long)r->lost, (unsigned long long)r->lost_noted);
		goto out;
	}
	n = ring_take(r, &rd, 2);
	if (n != 2 || rd.pos != 2 || r->tail != 2 || rd.out[0].b != 0 || rd.out[1].b != 1) {
		ring_fail("first read: %u records, pos %llu", n, (unsigned long long)rd.pos);
		goto out;
	}
	/* Two slots free: one for VT_EV_LOST, one for record 6. */
	if (ring_put(r, 6) != 0 || r->head != 6 || r->lost_noted != 2) {
		ring_fail("record after freeing space: head %llu", (unsigned long long)r->head);
		goto out;
	}
	/* Full again, one more lost: a slot is free only after reading. */
	if (ring_put(r, 7) != -1 || r->lost != 3) {
		ring_fail("second overflow not counted");
		goto out;
	}
	n = ring_take(r, &rd, 16);
	if (n != 4 || rd.out[0].b != 2 || rd.out[1].b != 3 || rd.out[2].event != VT_EV_LOST ||
	    rd.out[2].a != 2 || rd.out[2].vm != VT_NONE || rd.out[2].ts != 6 || rd.out[3].b != 6 ||
	    rd.skipped != 0) {
		ring_fail("after the loss: %u records, third event %u a %u", n, rd.out[2].event,
		          rd.out[2].a);
		goto out;
	}
	/* One free slot is not enough while a loss is unreported. */
	if (ring_put(r, 8) != 0 || ring_put(r, 9) != 0) {
		ring_fail("an empty ring refused a record");
		goto out;
	}
	n = ring_take(r, &rd, 16);
	if (n != 3 || rd.out[0].event != VT_EV_LOST || rd.out[0].a != 1 || rd.out[1].b != 8 ||
	    rd.out[2].b != 9 || r->lost != r->lost_noted) {
		ring_fail("second VT_EV_LOST: %u records, a %u", n, rd.out[0].a);
		goto out;
	}
	n = ring_take(r, &rd, 16);
	ok = n == 0 && rd.pos == r->head;
	if (!ok)
		ring_fail("an empty ring returned %u records", n);
out:
	free(r);
	return ok;
}

/*
 * Wrap tests: many wrap-arounds with small rings, bursts of writes and
 * uneven read batches. What each batch must satisfy depends on the mode.
 */
struct wrap_tally {
	uint64_t seq, pos, skipped; /* written; the reader's position and skips */
	uint64_t want, lost, got;   /* next sequence expected; lost; read */
	uint64_t last;              /* the last sequence read, if any */
	int first;
};

typedef int wrap_batch_fn(const struct vt_ring *r, const struct vt_record *out, uint32_t n,
                          struct wrap_tally *t);

static int wrap_drive(struct vt_ring *r, unsigned burst, unsigned batch, wrap_batch_fn *check,
                      struct wrap_tally *t)
{
	struct vt_record out[8];
	int ok = 1;

	for (unsigned i = 0; i < 5000 && ok; i++) {
		for (unsigned w = 0; w < i % burst; w++)
			ring_put(r, t->seq++);
		ok = check(r, out, vt_ring_read(r, &t->pos, out, 1 + i % batch, &t->skipped), t);
	}
	return ok;
}

/* Stream mode: every record in sequence, a VT_EV_LOST standing for each gap. */
static int wrap_stream_batch(const struct vt_ring *r, const struct vt_record *out, uint32_t n,
                             struct wrap_tally *t)
{
	int ok = 1;

	for (uint32_t j = 0; j < n && ok; j++) {
		if (out[j].event == VT_EV_LOST) {
			t->want += out[j].a;
			t->lost += out[j].a;
			continue;
		}
		ok = out[j].b == t->want && ring_intact(&out[j]);
		t->want++;
		t->got++;
	}
	return ok && r->tail == t->pos && t->pos <= r->head;
}

/* Flight mode: records only move forward; read plus skipped is the position. */
static int wrap_flight_batch(const struct vt_ring *r, const struct vt_record *out, uint32_t n,
                             struct wrap_tally *t)
{
	int ok = 1;

	(void)r;
	for (uint32_t j = 0; j < n && ok; j++) {
		ok = ring_intact(&out[j]) && (t->first || out[j].b > t->last);
		t->last = out[j].b;
		t->first = 0;
		t->got++;
	}
	return ok && t->got + t->skipped == t->pos && t->pos <= t->seq;
}

static const uint32_t wrap_caps[] = {2, 4, 8};

static int test_stream_wrap(void)
{
	for (unsigned k = 0; k < 3; k++) {
		struct vt_ring *r = ring_new(wrap_caps[k], VT_MODE_STREAM);
		struct wrap_tally t = {0};
		struct vt_record out[8];
		int ok = wrap_drive(r, 11, 7, wrap_stream_batch, &t);

		while (vt_ring_read(r, &t.pos, out, 8, &t.skipped) && ok)
			; /* records left are fine: only positions matter below */
		free(r);
		CHECK(ok, "capacity %u: sequence broken at %llu", wrap_caps[k],
		      (unsigned long long)t.want);
		CHECK(t.skipped == 0, "capacity %u: stream mode skipped %llu", wrap_caps[k],
		      (unsigned long long)t.skipped);
		CHECK(t.got + t.lost <= t.seq, "capacity %u: %llu read + %llu lost > %llu written",
		      wrap_caps[k], (unsigned long long)t.got, (unsigned long long)t.lost,
		      (unsigned long long)t.seq);
	}
	return 1;
}

/*
 * Flight mode: the newest records survive; the reader counts the rest as
 * skipped. With the producer idle, the oldest record in a full ring is
 * still discarded: its slot is the one the next write would reuse.
 */
static int test_flight_basic(void)
{
	struct vt_ring *r = ring_filled(4, VT_MODE_FLIGHT, 10);
	struct ring_reader rd = {0};
	uint32_t n;
	int ok = 0;

	if (!r)
		return ring_fail("flight mode refused a record");
	n = ring_take(r, &rd, 2);
	if (n != 1 || rd.out[0].b != 7 || rd.skipped != 7 || rd.pos != 8) {
		ring_fail("partial read: %u records, skipped %llu, pos %llu", n,
		          (unsigned long long)rd.skipped, (unsigned long long)rd.pos);
		goto out;
	}
	n = ring_take(r, &rd, 16);
	if (n != 2 || rd.out[0].b != 8 || rd.out[1].b != 9 || rd.skipped != 7 || rd.pos != 10) {
		ring_fail("rest: %u records, skipped %llu", n, (unsigned long long)rd.skipped);
		goto out;
	}
	ring_put(r, 10);
	ring_put(r, 11);
	n = ring_take(r, &rd, 16);
	if (n != 2 || rd.out[0].b != 10 || rd.out[1].b != 11 || rd.skipped != 7) {
		ring_fail("after two more: %u records, skipped %llu", n,
		          (unsigned long long)rd.skipped);
		goto out;
	}
	/* A fresh reader from 0 on a ring written exactly full. */
	free(r);
	r = ring_filled(8, VT_MODE_FLIGHT, 8);
	rd = (struct ring_reader){0};
	n = ring_take(r, &rd, 16);
	ok = n == 7 && rd.skipped == 1 && rd.out[0].b == 1 && rd.out[6].b == 7 && rd.pos == 8;
	if (!ok)
		ring_fail("exactly full: %u records, skipped %llu", n,
		          (unsigned long long)rd.skipped);
out:
	free(r);
	return ok;
}

static int test_flight_wrap(void)
{
	for (unsigned k = 0; k < 3; k++) {
		struct vt_ring *r = ring_new(wrap_caps[k], VT_MODE_FLIGHT);
		struct wrap_tally t = {.first = 1};
		int ok = wrap_drive(r, 13, 5, wrap_flight_batch, &t);

		free(r);
		CHECK(ok, "capacity %u: read %llu + skipped %llu != position %llu", wrap_caps[k],
		      (unsigned long long)t.got, (unsigned long long)t.skipped,
		      (unsigned long long)t.pos);
	}
	return 1;
}

struct ring_run {
	struct vt_ring *r;
	uint64_t records;
	int done; /* set by the producer, atomically */
};

static void *ring_producer(void *arg)
{
	struct ring_run *run = arg;

	for (uint64_t s = 0; s < run->records; s++) {
		/* Uneven pacing: bursts that overflow the ring, pauses that let it drain. */
		unsigned spin = (s >> 12) % 3 == 0 ? 0 : (unsigned)(ring_hash(s) % 96);

		ring_put(run->r, s);
		for (unsigned i = 0; i < spin; i++)
			__asm__ volatile("" ::: "memory");
	}
	__atomic_store_n(&run->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* One producer thread, the consumer here; then every record is accounted for. */
static int test_threads(uint32_t mode, uint32_t cap, uint64_t records)
{
	struct ring_run run = {ring_new(cap, mode), records, 0};
	struct vt_record out[64];
	uint64_t pos = 0, skipped = 0, want = 0, read = 0, lost = 0, batches = 0;
	int ok = 1, first = 1;
	pthread_t t;

	if (pthread_create(&t, NULL, ring_producer, &run) != 0)
		return ring_fail("pthread_create failed");
	for (;;) {
		int done = __atomic_load_n(&run.done, __ATOMIC_ACQUIRE);
		uint32_t n = vt_ring_read(run.r, &pos, out, 1 + batches++ % 64, &skipped);

		for (uint32_t i = 0; i < n && ok; i++) {
			if (out[i].event == VT_EV_LOST && mode == VT_MODE_STREAM) {
				want += out[i].a;
				lost += out[i].a;
				continue;
			}
			if (!ring_intact(&out[i])) {
				ok = ring_fail("torn record at position %llu (b %llu)",
				               (unsigned long long)(pos - n + i),
				               (unsigned long long)out[i].b);
			} else if (mode == VT_MODE_STREAM && out[i].b != want) {
				ok = ring_fail("sequence %llu where %llu expected after the losses",
				               (unsigned long long)out[i].b,
				               (unsigned long long)want);
			} else if (mode == VT_MODE_FLIGHT && !first && out[i].b <= want) {
				ok = ring_fail("sequence %llu after %llu",
				               (unsigned long long)out[i].b,
				               (unsigned long long)want);
			}
			want = mode == VT_MODE_STREAM ? want + 1 : out[i].b;
			first = 0;
			read++;
		}
		if (batches % 512 == 0) /* now and then the reader falls behind */
			for (unsigned i = 0; i < 60000; i++)
				__asm__ volatile("" ::: "memory");
		if (!ok ||
		    (done && n == 0 && pos == __atomic_load_n(&run.r->head, __ATOMIC_ACQUIRE)))
			break;
	}
	pthread_join(t, NULL);
	if (ok && mode == VT_MODE_STREAM) {
		uint64_t unnoted = run.r->lost - run.r->lost_noted;

		if (read + lost + unnoted != records || lost + unnoted != run.r->lost)
			ok = ring_fail("read %llu + lost %llu + unreported %llu != written %llu",
			               (unsigned long long)read, (unsigned long long)lost,
			               (unsigned long long)unnoted, (unsigned long long)records);
		else if (skipped != 0)
			ok = ring_fail("stream mode skipped %llu", (unsigned long long)skipped);
	} else if (ok && read + skipped != records) {
		ok = ring_fail("read %llu + skipped %llu != written %llu", (unsigned long long)read,
		               (unsigned long long)skipped, (unsigned long long)records);
	}
	if (ok)
		fprintf(stderr, "  %s cap %u: %llu read, %llu lost/skipped\n",
		        mode == VT_MODE_STREAM ? "stream" : "flight", cap, (unsigned long long)read,
		        (unsigned long long)(records - read));
	free(run.r);
	return ok;
}

int main(int argc, char **argv)
{
	uint64_t records = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	static const uint32_t caps[] = {256, 4096};
	char name[64];

	if (argc > 2)
		ring_tag = argv[2];
	ring_report("stream fills, drops, counts, one VT_EV_LOST", test_stream_basic());
	ring_report("stream wrap-around, capacities 2 4 8", test_stream_wrap());
	ring_report("flight overwrites, skipped counted", test_flight_basic());
	ring_report("flight wrap-around, capacities 2 4 8", test_flight_wrap());
	for (unsigned i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "threads stream capacity %u", caps[i]);
		ring_report(name, test_threads(VT_MODE_STREAM, caps[i], records));
		snprintf(name, sizeof(name), "threads flight capacity %u", caps[i]);
		ring_report(name, test_threads(VT_MODE_FLIGHT, caps[i], records));
	}
	return ring_failures != 0;
}
