/*
 * Unit tests of the timing model (tools/llc/llc_time.c) against cases
 * computed by hand. The platform here is round: 1 GHz, a 4 GB/s bus
 * (4 bytes a cycle, so a 64-byte line holds it 16 cycles), 100-cycle
 * misses, 1-cycle hits and instructions. A CPU doing 1 instruction and one
 * access per step takes T cycles a step; its bus demand is 64 / T bytes a
 * cycle, rho = 16 / T for one such CPU, and the M/M/1 wait is
 * 16 rho / (1 - rho). The steady states below solve those equations.
 */
#include "llc_time.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

static void lltt_result(const char *name, int ok, const char *what, double got, double want)
{
	if (ok) {
		printf("PASS llc_time/%s\n", name);
		return;
	}
	printf("FAIL llc_time/%s: %s %.4f, want %.4f\n", name, what, got, want);
	failures++;
}

/* Within `tol` (a fraction) of the hand-computed value. */
static int lltt_near(double got, double want, double tol)
{
	return fabs(got - want) <= tol * want;
}

static void lltt_setup(struct llct_model *t, unsigned cpus)
{
	struct llct_params p;
	const char *err;

	llct_defaults(&p);
	p.freq_mhz = 1000;
	p.bus_mbps = 4000;
	p.miss_cycles = 100;
	p.hit_cycles = 1;
	p.cpi_milli = 1000;
	p.window = 1000;
	err = llct_init(t, &p, cpus, 64);
	if (err) {
		printf("FAIL llc_time/setup: %s\n", err);
		exit(1);
	}
}

/* The positive root of T^2 - b T + c = 0. */
static double lltt_root(double b, double c)
{
	return (b + sqrt(b * b - 4 * c)) / 2;
}

/* A loop of 4 instructions and 4 hits, 1000 times: 8 cycles a turn, no bus, rho stays 0. */
static void lltt_pure_hit(void)
{
	struct llct_model t;

	lltt_setup(&t, 1);
	for (int i = 0; i < 1000; i++) {
		llct_insns(&t, 0, 4);
		for (int k = 0; k < 4; k++)
			llct_access(&t, 0, 100, 1);
	}
	lltt_result("pure-hit-loop-8000-cycles", llct_cycles(&t, 0) == 8000, "cycles",
	            (double)llct_cycles(&t, 0), 8000);
	lltt_result("pure-hit-loop-no-bus", t.cpu[0].bus_bytes == 0 && t.rho == 0, "bus bytes",
	            (double)t.cpu[0].bus_bytes, 0);
	lltt_result("pure-hit-loop-ns", llct_ns(&t, llct_cycles(&t, 0)) == 8000, "ns",
	            (double)llct_ns(&t, llct_cycles(&t, 0)), 8000);
	llct_free(&t);
}

/*
 * `cpus` CPUs (at most 2) take turns, `chunk` steps each, for `steps` steps apiece; a step
 * is an instruction and a miss (sequential lines when seq, else lines far apart). Returns
 * the cycles a step of CPU `who` took over the second half, once the utilisation settled.
 */
static double lltt_stream(struct llct_model *t, unsigned cpus, int seq, int steps, int chunk,
                          unsigned who)
{
	uint64_t half[2] = {0, 0};

	for (int s = 0; s < steps; s += chunk) {
		for (unsigned c = 0; c < cpus && s == steps / 2 / chunk * chunk; c++)
			half[c] = t->cpu[c].cycles;
		for (unsigned c = 0; c < cpus; c++)
			for (int k = s; k < s + chunk; k++) {
				uint64_t ln = 0x100000 * (c + 1) + (uint64_t)k * (seq ? 1 : 7);

				llct_insns(t, c, 1);
				llct_access(t, c, ln, 0);
			}
	}
	return (double)(t->cpu[who].cycles - half[who]) / LLCT_FP /
	       (steps - steps / 2 / chunk * chunk);
}

/*
 * One CPU alone. Latency-bound misses (lines far apart): T = 101 + 256 / (T - 16), i.e.
 * T^2 - 117 T + 1360 = 0. Prefetched ones (sequential lines): T = 1 + 16 / (1 - 16 / T),
 * i.e. T^2 - 33 T + 16 = 0. Either way rho = 16 / T and every miss moves a line.
 */
static void lltt_one_stream(void)
{
	static const struct {
		const char *name;
		int seq;
		double b, c;
	} cases[] = {{"pure-miss-stream", 0, 117, 1360}, {"sequential-stream", 1, 33, 16}};
	char name[64];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct llct_model t;
		double want = lltt_root(cases[i].b, cases[i].c), got;
		uint64_t prefetched = cases[i].seq ? 200000 - 1 : 0;

		lltt_setup(&t, 1);
		got = lltt_stream(&t, 1, cases[i].seq, 200000, 100, 0);
		snprintf(name, sizeof name, "%s-cycles-per-miss", cases[i].name);
		lltt_result(name, lltt_near(got, want, 0.005), "cycles", got, want);
		snprintf(name, sizeof name, "%s-rho", cases[i].name);
		lltt_result(name, lltt_near(t.rho, 16 / want, 0.01), "rho", t.rho, 16 / want);
		snprintf(name, sizeof name, "%s-bus-bytes", cases[i].name);
		lltt_result(name, t.cpu[0].bus_bytes == 200000ull * 64, "bytes",
		            (double)t.cpu[0].bus_bytes, 200000.0 * 64);
		snprintf(name, sizeof name, "%s-prefetched", cases[i].name);
		lltt_result(name, t.cpu[0].misses_seq == prefetched, "prefetched",
		            (double)t.cpu[0].misses_seq, (double)prefetched);
		llct_free(&t);
	}
}

/*
 * Two such streams would want 2 x 64 / 17 = 7.5 bytes a cycle of a 4-byte bus. Each waits
 * behind both: T = 1 + 16 / (1 - 32 / T), i.e. T^2 - 49 T + 32 = 0: 48.3 cycles a line,
 * the pair 2.65 bytes a cycle, rho 0.66.
 */
static void lltt_two_streams(void)
{
	struct llct_model t;
	double want = lltt_root(49, 32), got, got1, both;

	lltt_setup(&t, 2);
	got = lltt_stream(&t, 2, 1, 200000, 64, 0);
	llct_free(&t);
	lltt_setup(&t, 2);
	got1 = lltt_stream(&t, 2, 1, 200000, 64, 1);
	both = 64 / got + 64 / got1;
	lltt_result("two-streams-cycles-per-line", lltt_near(got, want, 0.01), "cycles", got, want);
	lltt_result("two-streams-share-alike", lltt_near(got1, got, 0.02), "cpu 1 cycles", got1,
	            got);
	lltt_result("two-streams-within-the-bus",
	            both < t.peak && lltt_near(both, 128 / want, 0.02), "bytes a cycle", both,
	            128 / want);
	llct_free(&t);
}

/*
 * The two streams settle, then CPU 1 waits for an interrupt (a vCPU in WFI, or one held by
 * bandwidth regulation) while CPU 0 streams on alone for fewer instructions than `stale`.
 * CPU 0 must take the one-stream figure at once, T^2 - 33 T + 16 = 0 (32.5 cycles a line),
 * not wait behind CPU 1's last demand as if it still streamed (48.3). Once it runs again,
 * both are back at T^2 - 49 T + 32 = 0.
 */
static void lltt_one_idles(void)
{
	struct llct_model t;
	double alone = lltt_root(33, 16), both = lltt_root(49, 32), got;

	lltt_setup(&t, 2);
	lltt_stream(&t, 2, 1, 200000, 64, 0);
	llct_idle(&t, 1);
	got = lltt_stream(&t, 1, 1, 100000, 64, 0);
	lltt_result("idle-cpu-demands-nothing", lltt_near(got, alone, 0.005), "cycles", got, alone);
	lltt_result("idle-cpu-rho", lltt_near(t.rho, 16 / alone, 0.01), "rho", t.rho, 16 / alone);
	got = lltt_stream(&t, 2, 1, 200000, 64, 0);
	lltt_result("idle-cpu-back-in-its-window", lltt_near(got, both, 0.01), "cycles", got, both);
	llct_free(&t);
}

/* Bad parameters are refused, each with its reason. */
static void lltt_refused(void)
{
	struct llct_model t;
	struct llct_params p;

	llct_defaults(&p);
	p.rho_max_milli = 1000;
	lltt_result("rho-max-1-refused", llct_init(&t, &p, 1, 64) != NULL, "accepted", 1, 0);
	llct_defaults(&p);
	p.bus_mbps = 0;
	lltt_result("no-bandwidth-refused", llct_init(&t, &p, 1, 64) != NULL, "accepted", 1, 0);
}

int main(void)
{
	lltt_pure_hit();
	lltt_one_stream();
	lltt_two_streams();
	lltt_one_idles();
	lltt_refused();
	return failures ? 1 : 0;
}
