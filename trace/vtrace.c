/*
 * vtrace: reads the trace dumps Vitrine saves (include/vitrine/trace.h).
 *
 *   vtrace dump FILE                         one line per record, in time order
 *   vtrace stats FILE                        counts per VM and pCPU, exit cross-check
 *   vtrace perfetto FILE -o OUT [--guest VM=TEXT]
 *                                            a Perfetto trace (ui.perfetto.dev), with VM's
 *                                            own ftrace text on the same timeline
 *   vtrace check-perfetto OUT                checks a Perfetto trace's structure
 *   vtrace events                            the event vocabulary, as a Markdown table
 *   vtrace svg FILE -o OUT.svg [FROM TO]     a timeline picture, one lane per pCPU
 *                                            (FROM, TO: a window, in us from the start)
 *
 * Exit status: 0, 1 for a bad input (the message names the byte offset) or a
 * failed check, 2 for a usage error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtrace.h"

static int vtrace_usage(void)
{
	fprintf(stderr, "usage: vtrace dump FILE\n"
	                "       vtrace stats FILE\n"
	                "       vtrace perfetto FILE -o OUT.perfetto-trace [--guest VM=TEXT]\n"
	                "       vtrace check-perfetto OUT.perfetto-trace\n"
	                "       vtrace svg FILE -o OUT.svg [FROM_US TO_US]\n"
	                "       vtrace events\n");
	return 2;
}

static int vtrace_load(const char *path, struct vtrace *t)
{
	char err[256];

	if (dump_load(path, t, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "vtrace: %s: %s\n", path, err);
	return -1;
}

/* guest ("VM=TEXT") or NULL: that VM's own ftrace text merged in (perfetto_guest.c). */
static int vtrace_perfetto(const char *in, const char *outpath, const char *guest)
{
	struct vtrace t;
	uint8_t *buf, *gbuf = NULL, *text = NULL;
	size_t len, glen = 0, tlen;
	char vm[64], err[256];
	FILE *f;
	int rc = 0;

	if (guest && (!strchr(guest, '=') || (size_t)(strchr(guest, '=') - guest) >= sizeof(vm))) {
		fprintf(stderr, "vtrace: --guest %s: not VM=TEXT-FILE\n", guest);
		return 2;
	}
	if (vtrace_load(in, &t))
		return 1;
	if (guest) {
		snprintf(vm, sizeof(vm), "%.*s", (int)(strchr(guest, '=') - guest), guest);
		if (dump_read_file(strchr(guest, '=') + 1, &text, &tlen, err, sizeof(err)) ||
		    pfg_write(&t, vm, (const char *)text, tlen, &gbuf, &glen, err, sizeof(err))) {
			fprintf(stderr, "vtrace: %s: %s\n", strchr(guest, '=') + 1, err);
			free(text);
			dump_free(&t);
			return 1;
		}
		free(text);
	}
	if (pf_write(&t, &buf, &len)) {
		fprintf(stderr, "vtrace: %s: out of memory\n", in);
		free(gbuf);
		dump_free(&t);
		return 1;
	}
	f = fopen(outpath, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fwrite(gbuf, 1, glen, f) != glen) {
		perror(outpath);
		rc = 1;
	}
	if (f && fclose(f) != 0 && rc == 0) {
		perror(outpath);
		rc = 1;
	}
	free(buf);
	free(gbuf);
	dump_free(&t);
	return rc;
}

static int vtrace_check(const char *path)
{
	struct pbc_summary s;
	char err[256];
	uint8_t *buf;
	size_t len;
	int rc;

	if (dump_read_file(path, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "vtrace: %s: %s\n", path, err);
		return 1;
	}
	rc = pbc_check(buf, len, &s, err, sizeof(err));
	free(buf);
	if (rc) {
		fprintf(stderr, "vtrace: %s: %s\n", path, err);
		return 1;
	}
	printf("%s: ok: %" PRIu64 " packets, %" PRIu64 " sequences, %" PRIu64 " tracks, %" PRIu64
	       " slices, %" PRIu64 " instants, %" PRIu64 " counter values, %" PRIu64
	       " flows, %" PRIu64 " ftrace events (%" PRIu64 " sched_switch)\n",
	       path, s.packets, s.sequences, s.tracks, s.slices, s.instants, s.counters, s.flows,
	       s.ftrace, s.switches);
	return 0;
}

static int vtrace_svg(const char *in, const char *outpath, const char *from, const char *to)
{
	struct vtrace t;
	FILE *f;
	int rc;

	if (vtrace_load(in, &t))
		return 1;
	if (from) { /* a window: the picture's time axis is all svg.c looks at */
		uint64_t t0 = t.t0;

		t.t0 = t0 + (uint64_t)(strtod(from, NULL) * 1e-6 * (double)t.timer_freq);
		t.t1 = t0 + (uint64_t)(strtod(to, NULL) * 1e-6 * (double)t.timer_freq);
		if (t.t1 <= t.t0) {
			fprintf(stderr, "vtrace: svg: the window ends before it starts\n");
			dump_free(&t);
			return 2;
		}
	}
	f = fopen(outpath, "w");
	rc = !f || svg_write(&t, f) != 0;
	if ((f && fclose(f) != 0) || rc) {
		perror(outpath);
		rc = 1;
	}
	dump_free(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct vtrace t;
	int rc;

	if (argc == 3 && strcmp(argv[1], "dump") == 0) {
		if (vtrace_load(argv[2], &t))
			return 1;
		dec_list(&t, stdout);
		dump_free(&t);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "stats") == 0) {
		if (vtrace_load(argv[2], &t))
			return 1;
		rc = stats_print(&t, stdout);
		dump_free(&t);
		if (rc < 0)
			fprintf(stderr, "vtrace: %s: out of memory\n", argv[2]);
		else if (rc)
			fprintf(stderr,
			        "vtrace: %s: trace and hypervisor disagree on exit counts\n",
			        argv[2]);
		return rc != 0;
	}
	if ((argc == 5 || (argc == 7 && strcmp(argv[5], "--guest") == 0)) &&
	    strcmp(argv[1], "perfetto") == 0 && strcmp(argv[3], "-o") == 0)
		return vtrace_perfetto(argv[2], argv[4], argc == 7 ? argv[6] : NULL);
	if ((argc == 5 || argc == 7) && strcmp(argv[1], "svg") == 0 && strcmp(argv[3], "-o") == 0)
		return vtrace_svg(argv[2], argv[4], argc == 7 ? argv[5] : NULL,
		                  argc == 7 ? argv[6] : NULL);
	if (argc == 2 && strcmp(argv[1], "events") == 0) {
		dec_events_table(stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "check-perfetto") == 0)
		return vtrace_check(argv[2]);
	return vtrace_usage();
}
