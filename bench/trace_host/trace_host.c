/*
 * trace_host: what one trace event costs on the host, Vitrine's trace ring
 * (include/vitrine/trace_ring.h) beside LTTng-UST. bench/trace-host.sh runs it natively for
 * the time and under callgrind for the instructions.
 *
 *   usage: trace_host VARIANT EVENTS RUNS WARMUP
 *          trace_host -s VARIANT EVENTS WARMUP    (single-step mode: see th_step)
 *
 *   ring-tsc        vt_ring_write, flight mode, 16384 records, TSC / CNTVCT timestamp
 *   ring-mono       the same, timestamped with clock_gettime(CLOCK_MONOTONIC)
 *   ring-masked     the ring-tsc call site with its class masked at run time
 *   lttng-enabled   an LTTng-UST tracepoint (two uint64 fields) a session records;
 *                   waits for the session daemon to enable it, fails if it never does
 *   lttng-disabled  the same tracepoint, no session enabling it (fails if one does)
 *
 * WARMUP events are written first and not timed; then RUNS runs of EVENTS
 * events each print "run I NS" (ns/event), and a last line "median NS".
 * Each variant's events are written by one noinline function, th_loop_*,
 * that callgrind --toggle-collect can count on its own. With -s, prints
 * "insns N" and "vdso_insns N" per event instead.
 */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/*
 * As the hypervisor builds it (Makefile HYP_FLAGS): plain stores for the
 * record's words, which the compiler may pair or merge; head is still
 * published with a release store.
 */
#define VT_RING_PLAIN_STORES
#include <vitrine/trace_ring.h>

#include "th_tp.h"

#define TH_RECORDS 16384 /* hyp/core/trace.c TRACE_RECORDS */

/* hyp/core/trace.c: a pCPU's ring header and its records, in one block. */
struct th_cpu_ring {
	struct vt_ring ring;
	struct vt_record records[TH_RECORDS];
};

static struct th_cpu_ring th_rings __attribute__((aligned(64)));
/*
 * What arch_cpu_this()->trace and trace_mask are in the hypervisor. th_ring
 * is set at run time so that, as there, every event loads the ring pointer.
 */
static struct vt_ring *th_ring;
static uint32_t th_trace_mask = VT_CLASS_ALL;

/* arch_counter(): the cycle counter on x86_64, the generic timer's virtual count on arm64. */
static inline uint64_t th_counter(void)
{
#if defined(__x86_64__)
	return __rdtsc();
#elif defined(__aarch64__)
	uint64_t v;

	/* CNTVCT_EL0: EL0 may read it; the hypervisor reads CNTPCT_EL0 at EL2. */
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
#error "trace_host: no cycle counter for this architecture"
#endif
}

static inline uint64_t th_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* hyp/core/trace.h trace_put(), with VT_TRACE_CLASSES = VT_CLASS_ALL. */
static inline void th_put_counter(uint32_t cls, uint64_t w1, uint64_t b, uint64_t c)
{
	if (__atomic_load_n(&th_trace_mask, __ATOMIC_RELAXED) & cls)
		vt_ring_write(th_ring, th_counter(), w1, b, c);
}

static inline void th_put_monotonic(uint32_t cls, uint64_t w1, uint64_t b, uint64_t c)
{
	if (__atomic_load_n(&th_trace_mask, __ATOMIC_RELAXED) & cls)
		vt_ring_write(th_ring, th_monotonic(), w1, b, c);
}

/*
 * The measured loops. The payload changes with i so that no store can be
 * hoisted out; a mark event carries it as the trace_mark hypercall would.
 */
static __attribute__((noinline)) void th_loop_ring_counter(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		th_put_counter(VT_CLASS_MARK, vt_word1(VT_EV_MARK, 0, 0, (uint32_t)i), i, ~i);
}

static __attribute__((noinline)) void th_loop_ring_monotonic(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		th_put_monotonic(VT_CLASS_MARK, vt_word1(VT_EV_MARK, 0, 0, (uint32_t)i), i, ~i);
}

static __attribute__((noinline)) void th_loop_lttng(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		lttng_ust_tracepoint(vitrine_bench, pair, i, ~i);
}

/*
 * LTTng-UST registers with the session daemon from a constructor that
 * waits at most LTTNG_UST_REGISTER_TIMEOUT (3 s); the session's enabling
 * may land later, above all under valgrind. Waiting for the tracepoint's
 * state makes sure every timed event is an enabled one.
 */
static int th_lttng_wait(int want_enabled)
{
	struct timespec pause = {0, 10000000}; /* 10 ms, up to 20 s */

	for (int i = 0; i < 2000; i++) {
		if (!!lttng_ust_tracepoint_enabled(vitrine_bench, pair) == want_enabled)
			return 0;
		if (!want_enabled)
			break; /* a tracepoint nobody enables does not become so */
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "trace_host: the tracepoint vitrine_bench:pair is %s\n",
	        want_enabled ? "still disabled: is the session started?"
	                     : "enabled: a session is recording it");
	return -1;
}

struct th_variant {
	const char *name;
	void (*loop)(uint64_t n);
	uint32_t mask;     /* th_trace_mask during the runs */
	uint64_t freq;     /* vt_ring.timer_freq; 0 where the TSC rate is unknown */
	int lttng_enabled; /* -1: not LTTng; 0, 1: the state the tracepoint must have */
};

static const struct th_variant th_variants[] = {
    {"ring-tsc", th_loop_ring_counter, VT_CLASS_ALL, 0, -1},
    {"ring-mono", th_loop_ring_monotonic, VT_CLASS_ALL, 1000000000u, -1},
    {"ring-masked", th_loop_ring_counter, VT_CLASS_ALL & ~VT_CLASS_MARK, 0, -1},
    {"lttng-enabled", th_loop_lttng, 0, 0, 1},
    {"lttng-disabled", th_loop_lttng, 0, 0, 0},
};

/*
 * Single-step mode. callgrind runs a program without the vDSO, so there
 * clock_gettime and getcpu fall back to system calls whose kernel side it
 * does not count: it misses the instructions the vDSO executes natively.
 * Here a forked child writes `events` events between two SIGSTOPs while we,
 * its tracer, single-step it: every step is one instruction retired, and we
 * note those whose address is in the vDSO. The caller runs it again with no
 * events and subtracts, which removes the cost of the stops themselves.
 */
struct th_steps {
	uint64_t all, vdso;
};

static int th_vdso_range(unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = -1;

	if (!f)
		return -1;
	while (found != 0 && fgets(line, sizeof line, f))
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", lo, hi) == 2)
			found = 0;
	fclose(f);
	return found;
}

static unsigned long th_pc(pid_t pid)
{
	struct user_regs_struct regs;
	struct iovec iov = {&regs, sizeof regs};

	if (ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) != 0)
		return 0;
#if defined(__x86_64__)
	return regs.rip;
#else
	return regs.pc;
#endif
}

static int th_step(const struct th_variant *v, uint64_t events, uint64_t warmup,
                   struct th_steps *out)
{
	unsigned long lo = 0, hi = 0; /* no vDSO: nothing counts as in it */
	int status;
	pid_t pid;

	th_vdso_range(&lo, &hi);
	out->all = out->vdso = 0;
	fflush(NULL); /* or the child's exit would print our buffered lines again */
	pid = fork();
	if (pid < 0) {
		perror("trace_host: fork");
		return -1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
			_exit(1);
		if (warmup)
			v->loop(warmup);
		raise(SIGSTOP);
		v->loop(events);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		goto fail;
	for (;;) {
		unsigned long pc;

		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) != 0 ||
		    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			goto fail;
		if (WSTOPSIG(status) == SIGSTOP)
			break;
		pc = th_pc(pid);
		out->all++;
		out->vdso += pc >= lo && pc < hi;
	}
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	return 0;
fail:
	fprintf(stderr, "trace_host: single-stepping the child failed (is ptrace allowed?)\n");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int th_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int th_usage(void)
{
	fprintf(stderr, "usage: trace_host VARIANT EVENTS RUNS WARMUP\n"
	                "       trace_host -s VARIANT EVENTS WARMUP\n       VARIANT:");
	for (size_t i = 0; i < sizeof th_variants / sizeof th_variants[0]; i++)
		fprintf(stderr, " %s", th_variants[i].name);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const struct th_variant *v = NULL;
	uint64_t events, warmup;
	double ns[101];
	int runs, step = argc == 5 && strcmp(argv[1], "-s") == 0;

	if (argc != 5)
		return th_usage();
	for (size_t i = 0; i < sizeof th_variants / sizeof th_variants[0]; i++)
		if (strcmp(argv[1 + step], th_variants[i].name) == 0)
			v = &th_variants[i];
	events = strtoull(argv[2 + step], NULL, 0);
	runs = step ? 1 : atoi(argv[3]);
	warmup = strtoull(argv[4], NULL, 0);
	if (!v || events == 0 || runs < 1 || runs > (int)(sizeof ns / sizeof ns[0]))
		return th_usage();

	th_ring = &th_rings.ring;
	vt_ring_init(th_ring, 0, TH_RECORDS, VT_MODE_FLIGHT, v->freq);
	/* The ring is static: touch it all now, not in the first timed run. */
	memset(vt_ring_records(th_ring), 0, TH_RECORDS * sizeof(struct vt_record));
	__atomic_store_n(&th_trace_mask, v->mask, __ATOMIC_RELAXED);
	if (v->lttng_enabled >= 0 && th_lttng_wait(v->lttng_enabled) != 0)
		return 1;

	if (step) {
		struct th_steps none, some;

		if (th_step(v, 0, warmup, &none) != 0 || th_step(v, events, warmup, &some) != 0)
			return 1;
		printf("insns %.2f\nvdso_insns %.2f\n",
		       (double)(some.all - none.all) / (double)events,
		       (double)(some.vdso - none.vdso) / (double)events);
		return 0;
	}
	if (warmup)
		v->loop(warmup);
	for (int r = 0; r < runs; r++) {
		uint64_t t0 = th_monotonic();

		v->loop(events);
		ns[r] = (double)(th_monotonic() - t0) / (double)events;
		printf("run %d %.3f\n", r, ns[r]);
	}
	qsort(ns, (size_t)runs, sizeof ns[0], th_cmp_double);
	/* The middle one; with an even count, the mean of the two middle ones. */
	printf("median %.3f\n", (ns[(runs - 1) / 2] + ns[runs / 2]) / 2);
	/* Proof the ring was written, and that the ring-masked run wrote nothing. */
	printf("ring_head %llu\n", (unsigned long long)th_ring->head);
	return 0;
}
