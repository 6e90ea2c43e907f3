/*
 * `vitrine record`: the trace stream, converted into a Perfetto trace as it
 * comes (trace/perfetto.c's incremental writer: a Trace is a sequence of
 * packets, so the file grows by whole packets). Records lost between two
 * frames of a ring become a VT_EV_LOST record before the next ones, so the
 * trace shows them where the dump would. Ctrl-C, the time limit, the
 * server closing or a bad frame all end it the same way: every ring's
 * open slices closed, the file complete.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vitrine/stream.h>

#include "vitrine.h"

static volatile sig_atomic_t vr_stop;

static void vr_sigint(int sig)
{
	(void)sig;
	vr_stop = 1;
}

static double vr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct vr {
	struct vs_dec d;
	struct pf_writer *pf;
	uint64_t *pending;    /* per ring: lost records not yet placed in the trace */
	struct vt_record *ev; /* a frame's records as events (include/vitrine/trace_fold.h) */
	size_t ev_cap;
	FILE *out;
	const char *path;
	int werr;
};

/* What the writer has made so far, to the file. */
static void vr_flush(struct vr *v)
{
	size_t len;
	const uint8_t *p = v->pf ? pf_bytes(v->pf, &len) : NULL;

	if (p && len && fwrite(p, 1, len, v->out) != len)
		v->werr = 1;
	if (v->pf)
		pf_clear(v->pf);
}

/* Ring ri's pending loss as VT_EV_LOST records at time ts (a record holds up to 2^32 - 1). */
static void vr_place_lost(struct vr *v, uint32_t ri, uint64_t ts)
{
	while (v->pending[ri]) {
		uint32_t a = v->pending[ri] > 0xffffffffu ? 0xffffffffu : (uint32_t)v->pending[ri];
		struct vt_record r = {
		    .ts = ts, .event = VT_EV_LOST, .vm = VT_NONE, .vcpu = VT_NONE, .a = a};

		pf_add(v->pf, ri, &r, 1);
		v->pending[ri] -= a;
	}
}

/*
 * Frame f's records to the writer as events, the ENTERs folded into exits
 * rebuilt (vt_unfold, as the dump parser does), a loss before them placed
 * at the first one's time. -1: out of memory.
 */
static int vr_add(struct vr *v, const struct vs_frame *f)
{
	size_t n = 0;

	if (2 * (size_t)f->count > v->ev_cap) {
		struct vt_record *e = realloc(v->ev, 2 * (size_t)f->count * sizeof(*e));

		if (!e)
			return -1;
		v->ev = e;
		v->ev_cap = 2 * (size_t)f->count;
	}
	for (uint32_t i = 0; i < f->count; i++)
		n += vt_unfold(&f->rec[i], v->d.t.version, &v->ev[n]);
	vr_place_lost(v, f->ri, v->ev[0].ts);
	return pf_add(v->pf, f->ri, v->ev, n);
}

/* 0, or 1 if the stream cannot go on (the message is printed). */
static int vr_frame(struct vr *v, const struct vs_frame *f)
{
	if (f->type == VT_FRAME_ERROR) {
		fprintf(stderr, "vitrine: record: the system says: %s\n", f->message);
		return 1;
	}
	if (f->type == VT_FRAME_HELLO) {
		/* The trace's lost counters count from here, not what was lost before we came. */
		for (uint32_t i = 0; i < v->d.t.nr_rings; i++)
			v->d.t.rings[i].lost = v->d.t.rings[i].skipped = 0;
		v->pf = pf_open(&v->d.t);
		v->pending = calloc(v->d.t.nr_rings + 1, sizeof(*v->pending));
		if (!v->pf || !v->pending) {
			fprintf(stderr, "vitrine: record: out of memory\n");
			return 1;
		}
	} else if (f->type == VT_FRAME_RECORDS) {
		v->pending[f->ri] += f->lost;
		if (f->count && vr_add(v, f)) {
			fprintf(stderr, "vitrine: record: out of memory\n");
			return 1;
		}
	} /* other types: a newer server's, skipped */
	if (v->pf && pf_failed(v->pf)) {
		fprintf(stderr, "vitrine: record: out of memory\n");
		return 1;
	}
	vr_flush(v);
	return 0;
}

static void vr_progress(const struct vr *v, double elapsed)
{
	fprintf(stderr, "\rvitrine: %llu events, %llu lost, %.2f MB/s, %.0f s  ",
	        (unsigned long long)v->d.events, (unsigned long long)v->d.lost,
	        elapsed > 0 ? (double)v->d.bytes / elapsed / 1e6 : 0.0, elapsed);
}

/* The end, whatever caused it: the trace closed and complete. */
static int vr_finish(struct vr *v, int rc)
{
	if (v->pf) {
		for (uint32_t i = 0; i < v->d.t.nr_rings; i++) {
			if (v->d.last_ts[i]) /* a loss after a ring's last records: at its end */
				vr_place_lost(v, i, v->d.last_ts[i]);
			pf_ring_end(v->pf, i);
		}
		vr_flush(v);
		pf_close(v->pf);
	}
	if (fclose(v->out) != 0 || v->werr) {
		fprintf(stderr, "vitrine: record: %s: write error\n", v->path);
		rc = VC_FAIL;
	}
	free(v->pending);
	free(v->ev);
	vs_dec_free(&v->d);
	return rc;
}

int vr_record(const char *host, const char *port, double seconds, const char *path)
{
	struct sigaction sa = {.sa_handler = vr_sigint}; /* no SA_RESTART: poll returns */
	struct vr v = {.path = path};
	int tty = isatty(2), rc = VC_OK, fd;
	double t0, last = 0;
	static uint8_t buf[1 << 16];
	char err[320];

	rc = vn_open(host, port, "stream", &fd);
	if (rc != VC_OK)
		return rc;
	v.out = fopen(path, "wb");
	if (!v.out) {
		fprintf(stderr, "vitrine: record: %s: %s\n", path, strerror(errno));
		close(fd);
		return VC_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	t0 = vr_now();
	while (!vr_stop) {
		double now = vr_now(), left = seconds > 0 ? t0 + seconds - now : 1;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct vs_frame f;
		ssize_t n;
		int k;

		if (left <= 0)
			break;
		if (tty && now - last >= 0.5) {
			vr_progress(&v, now - t0);
			last = now;
		}
		if (poll(&pfd, 1, left < 0.25 ? (int)(left * 1000) + 1 : 250) <= 0)
			continue; /* timeout, or a signal */
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vitrine: record: connection lost: %s\n", strerror(errno));
			rc = VC_NOCONN;
			break;
		}
		if (n == 0) { /* the server closed: a whole stream ends between frames */
			if (vs_dec_end(&v.d, err, sizeof(err))) {
				fprintf(stderr, "vitrine: record: %s\n", err);
				rc = VC_FAIL;
			}
			break;
		}
		if (vs_dec_push(&v.d, buf, (size_t)n)) {
			fprintf(stderr, "vitrine: record: out of memory\n");
			rc = VC_FAIL;
			break;
		}
		while ((k = vs_dec_next(&v.d, &f, err, sizeof(err))) > 0 && !vr_frame(&v, &f))
			;
		if (k != 0) {
			if (k < 0)
				fprintf(stderr, "vitrine: record: %s\n", err);
			rc = VC_FAIL;
			break;
		}
	}
	close(fd);
	if (tty)
		vr_progress(&v, vr_now() - t0), fputc('\n', stderr);
	printf("recorded %llu events, %llu lost, in %.1f s\n", (unsigned long long)v.d.events,
	       (unsigned long long)v.d.lost, vr_now() - t0);
	return vr_finish(&v, rc);
}
