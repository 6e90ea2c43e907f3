/*
 * The trace stream end to end on the host: monitor/stream.c's encoder over
 * rings built here (flight and stream mode, wrap-around, overwritten
 * records, a missing ring), its bytes through the client's decoder
 * (tools/vitrine/frame.c). Checks every record and every loss count
 * exactly, that the rings are never written, and that gaps, truncation
 * and garbage are refused with their reason. Writes the streams for
 * tests/client/run.sh to serve to `vitrine record`.
 *
 * usage: test_stream DIR      (one PASS/FAIL line per check)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/stream.h>
#include <vitrine/sysview.h>
#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

#include "../../monitor/stream.h"
#include "vitrine.h"

#define T_CAP 64
#define T_OUT (1 << 20)

struct t_ring {
	struct vt_ring r;
	struct vt_record rec[T_CAP];
};

static struct t_ring t_rings[4];
static int t_present[4] = {1, 1, 0, 1}; /* pCPU 2 has no ring */
static struct vt_sys t_sys;
static int t_sys_ok = 1;
static uint64_t t_ts = 1000;
static int t_failed;
static uint8_t t_out[T_OUT];
static size_t t_len;

static const struct vt_ring *t_ring(uint32_t cpu)
{
	return cpu < 4 && t_present[cpu] ? &t_rings[cpu].r : NULL;
}

static const struct vt_sys *t_sys_get(const char **why)
{
	*why = "test: no system page";
	return t_sys_ok ? &t_sys : NULL;
}

const struct stream_source stream_source = {t_ring, t_sys_get};

static void t_check(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("PASS client/%s\n", name);
	} else {
		printf("FAIL client/%s: %s\n", name, why);
		t_failed = 1;
	}
}

/* What record p of pCPU cpu carries in c, so the reader can check each one. */
static uint64_t t_tag(uint32_t cpu, uint64_t p)
{
	return (uint64_t)cpu << 48 | p;
}

/*
 * n records into cpu's ring: exit (HVC), IRQ 27, its injection, a guest marker, in turn.
 * Each exit carries the ENTER just before it (include/vitrine/trace_fold.h: run time 1 tick), but
 * every second one, which has none to carry.
 */
static void t_write(uint32_t cpu, unsigned n)
{
	static const uint8_t vm[4] = {0, 1, 0, 1}, vcpu[4] = {0, 0, 0, 1};
	struct vt_ring *r = &t_rings[cpu].r;

	for (unsigned i = 0; i < n; i++) {
		uint64_t p = r->head, c = t_tag(cpu, p);
		static const uint16_t ev[4] = {VT_EV_EXIT, VT_EV_IRQ, VT_EV_INJECT, VT_EV_MARK};
		uint16_t e = ev[p % 4];
		int none = e == VT_EV_IRQ;
		uint64_t b = e == VT_EV_INJECT ? 27 : 0x5a000000;

		if (e == VT_EV_EXIT)
			b = vt_fold_b(b, p % 8 ? VT_RUN_NONE : 1);
		vt_ring_write(r, t_ts++,
		              vt_word1(e, none ? VT_NONE : vm[cpu], none ? VT_NONE : vcpu[cpu],
		                       e == VT_EV_EXIT ? 0x16 : 27),
		              b, c);
	}
}

static void t_setup(void)
{
	vt_ring_init(&t_rings[0].r, 0, 64, VT_MODE_FLIGHT, 62500000);
	vt_ring_init(&t_rings[1].r, 1, 16, VT_MODE_FLIGHT, 62500000);
	vt_ring_init(&t_rings[3].r, 3, 16, VT_MODE_STREAM, 62500000);
	t_sys.magic = VT_SYS_MAGIC;
	t_sys.version = VT_SYS_VERSION;
	t_sys.timer_freq = 62500000;
	t_sys.nr_vms = 2;
	t_sys.nr_vcpus = 3;
	strcpy(t_sys.vms[0].name, "monitor");
	t_sys.vms[0].nr_vcpus = 1;
	t_sys.vms[0].cpus = 1;
	strcpy(t_sys.vms[1].name, "guest");
	t_sys.vms[1].id = 1;
	t_sys.vms[1].nr_vcpus = 2;
	t_sys.vms[1].cpus = 0xa;
	t_sys.vcpus[0] = (struct vt_sys_vcpu){0, 0, 0, 2, 10, 0};
	t_sys.vcpus[1] = (struct vt_sys_vcpu){1, 0, 1, 2, 20, 0};
	t_sys.vcpus[2] = (struct vt_sys_vcpu){1, 1, 3, 2, 30, 0};
}

/* stream_fill into the collected bytes; checks that the rings are left as they were. */
static size_t t_fill(struct stream *s, size_t room)
{
	static struct t_ring before[4];
	size_t n;

	memcpy(before, t_rings, sizeof(t_rings));
	n = stream_fill(s, t_out + t_len, room);
	if (memcmp(before, t_rings, sizeof(t_rings)))
		t_check("encoder-never-writes-rings", 0, "a ring changed in stream_fill");
	t_len += n;
	return n;
}

struct t_seen {
	uint64_t records[4], lost[4], frames, bad;
	char err[320];
};

/* Decodes buf; every record checked against its position. 0, or -1 with the error. */
static int t_decode(const uint8_t *buf, size_t len, struct t_seen *s, struct vs_dec *d)
{
	struct vs_frame f;
	int k;

	memset(s, 0, sizeof(*s));
	memset(d, 0, sizeof(*d));
	vs_dec_push(d, buf, len);
	while ((k = vs_dec_next(d, &f, s->err, sizeof(s->err))) > 0) {
		s->frames++;
		if (f.type != VT_FRAME_RECORDS)
			continue;
		s->lost[f.cpu] += f.lost;
		for (uint32_t i = 0; i < f.count; i++)
			if (f.rec[i].event != VT_EV_LOST && f.rec[i].c != t_tag(f.cpu, f.first + i))
				s->bad++;
		s->records[f.cpu] += f.count;
	}
	if (k == 0 && vs_dec_end(d, s->err, sizeof(s->err)))
		k = -1;
	return k;
}

static void t_save(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		t_check("save", 0, path);
}

/* Offset of frame i in the collected stream. */
static size_t t_frame_at(unsigned i)
{
	size_t off = 0;

	while (i--)
		off += (size_t)t_out[off + 4] | (size_t)t_out[off + 5] << 8 |
		       (size_t)t_out[off + 6] << 16;
	return off;
}

/* A changed copy of the stream decodes to an error naming want. */
static void t_bad(const char *name, const uint8_t *p, size_t n, const char *want)
{
	struct t_seen s;
	struct vs_dec d;
	char why[400];
	int k = t_decode(p, n, &s, &d);

	vs_dec_free(&d);
	snprintf(why, sizeof(why), "decoded %d, error '%s', want '%s'", k, s.err, want);
	t_check(name, k < 0 && strstr(s.err, want), why);
}

int main(int argc, char **argv)
{
	static uint8_t copy[T_OUT];
	struct stream s;
	struct t_seen seen;
	struct vs_dec d;
	char why[400];
	size_t n, off;
	int ok = 1;

	if (argc != 2)
		return 2;
	t_setup();
	t_write(0, 32); /* half a ring: the stream starts at its oldest record */
	t_write(1, 5);
	t_write(3, 3);
	stream_start(&s);
	t_write(0, 200); /* wraps ring 0 three times: 169 records overwritten unread */
	t_check("fill-too-small-for-hello", t_fill(&s, 10) == 0, "wrote into 10 bytes");
	t_fill(&s, 100000);
	t_write(1, 30); /* ring 1: 15 overwritten */
	vt_ring_write(&t_rings[3].r, t_ts++, vt_word1(VT_EV_LOST, VT_NONE, VT_NONE, 5), 0, 0);
	t_write(3, 2);
	n = t_fill(&s, 100);
	/* One frame of one record, or of none when that record's slot may be rewritten already. */
	snprintf(why, sizeof(why), "%zu bytes, want one frame of 72 or 40 bytes", n);
	t_check("fill-whole-frames-only", n == 72 || n == 40, why);
	while (t_fill(&s, 100000))
		;
	for (int i = 0; i < 50; i++) { /* ring 0 wraps often, read in time: nothing lost */
		t_write(0, 7);
		ok &= t_fill(&s, 300) == 16 + 24 + 7 * 32;
	}
	t_check("fill-keeps-up-across-wraps", ok, "a frame other than the 7 records written");
	t_write(0, 64 * 40);
	n = t_fill(&s, 1 << 20);
	snprintf(why, sizeof(why), "%zu bytes in one call", n);
	t_check("fill-bounded-work", n > 0 && n <= 16 * (40 + 64 * 32), why);
	while (t_fill(&s, 100000))
		;

	ok = t_decode(t_out, t_len, &seen, &d) == 0;
	snprintf(why, sizeof(why), "%s", seen.err);
	t_check("decode-whole-stream", ok, why);
	/* Ring 0: 232 written, 63 readable at the first look; later 2560 at once, 63 readable. */
	snprintf(why, sizeof(why), "cpu 0 lost %llu, want %d; cpu 1 lost %llu, want 15",
	         (unsigned long long)seen.lost[0], 169 + 64 * 40 - 63,
	         (unsigned long long)seen.lost[1]);
	t_check("loss-counts-exact",
	        seen.lost[0] == 169 + 64 * 40 - 63 && seen.lost[1] == 15 && seen.lost[3] == 0, why);
	ok = 1;
	for (uint32_t c = 0; c < 4; c++) /* every stream started at position 0 */
		if (t_present[c])
			ok &= seen.records[c] + seen.lost[c] == t_rings[c].r.head;
	t_check("every-record-read-or-counted", ok && seen.bad == 0,
	        "records + lost != written, or a record out of place");
	snprintf(why, sizeof(why), "decoder lost %llu", (unsigned long long)d.lost);
	t_check("in-band-lost-counted", d.lost == seen.lost[0] + 15 + 5, why);
	t_check("hello-vm-table",
	        d.t.nr_vms == 2 && !strcmp(d.t.vms[1].name, "guest") && d.t.nr_rings == 3 &&
	            d.t.vcpus[2].pcpu == 3 && d.t.rings[2].cpu == 3 && d.t.timer_freq == 62500000,
	        "the hello's tables are not the system page's");
	vs_dec_free(&d);
	t_save(argv[1], "stream.bin", t_out, t_len);

	/* The same stream, broken. */
	off = t_frame_at(3);
	n = t_frame_at(4) - off;
	memcpy(copy, t_out, off);
	memcpy(copy + off, t_out + off + n, t_len - off - n);
	t_bad("gap-detected", copy, t_len - n, "frames are missing");
	t_save(argv[1], "gap.bin", copy, t_len - n);
	t_bad("truncated-detected", t_out, t_len - 5, "ends inside a frame");
	t_save(argv[1], "cut.bin", t_out, t_len - 5);
	memcpy(copy, t_out, t_len);
	copy[t_frame_at(2)] ^= 0xff;
	t_bad("garbage-detected", copy, t_len, "not a frame");
	t_save(argv[1], "garbage.bin", copy, t_len);
	memcpy(copy, t_out, t_len);
	off = t_frame_at(2);
	copy[off + 16 + 24 + 8] = 99; /* the first record's event */
	t_bad("bad-record-detected", copy, t_len, "event id 99");
	memcpy(copy, t_out, t_len);
	copy[off + 16 + 24 + 8] = VT_EV_EXIT; /* an exit whose folded ENTER would be before 0 */
	memset(copy + off + 16 + 24 + 20, 0xfe, 4);
	t_bad("bad-fold-detected", copy, t_len, "goes back past time 0");
	memcpy(copy, t_out, t_len);
	copy[off + 16 + 16]++; /* its lost count: positions no longer add up */
	t_bad("bad-position-detected", copy, t_len, "expected");
	memcpy(copy, t_out, t_len);
	copy[off + 4] = 8; /* its length: below a header */
	copy[off + 5] = copy[off + 6] = copy[off + 7] = 0;
	t_bad("bad-length-detected", copy, t_len, "length 8");
	t_bad("records-before-hello", t_out + t_frame_at(1), t_len - t_frame_at(1),
	      "sequence number 1, expected 0");

	/* Rings fuller than half: a stream starts half a flight ring back, a stream ring's tail. */
	t_write(1, 20);
	stream_start(&s);
	snprintf(why, sizeof(why), "starts at %llu, %llu, %llu; heads %llu, %llu, %llu",
	         (unsigned long long)s.pos[0], (unsigned long long)s.pos[1],
	         (unsigned long long)s.pos[3], (unsigned long long)t_rings[0].r.head,
	         (unsigned long long)t_rings[1].r.head, (unsigned long long)t_rings[3].r.head);
	t_check("start-half-a-flight-ring-back",
	        s.pos[0] == t_rings[0].r.head - t_rings[0].r.capacity / 2 &&
	            s.pos[1] == t_rings[1].r.head - t_rings[1].r.capacity / 2 &&
	            s.pos[3] == t_rings[3].r.tail,
	        why);

	/* No system page: one error frame, then nothing. */
	t_sys_ok = 0;
	t_len = 0;
	stream_start(&s);
	n = t_fill(&s, 4096);
	{
		struct vs_frame f;
		char err[200];

		memset(&d, 0, sizeof(d));
		vs_dec_push(&d, t_out, t_len);
		ok = n > 0 && vs_dec_next(&d, &f, err, sizeof(err)) == 1 &&
		     f.type == VT_FRAME_ERROR && !strcmp(f.message, "test: no system page") &&
		     t_fill(&s, 4096) == 0;
		vs_dec_free(&d);
	}
	t_check("error-frame-then-nothing", ok, "no error frame with the source's reason");
	t_save(argv[1], "error.bin", t_out, t_len);
	return t_failed;
}
