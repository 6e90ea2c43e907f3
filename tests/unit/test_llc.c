/*
 * Unit tests of the emulated LLC's model (tools/llc/llc_model.c), driven by
 * known access patterns whose hits and misses LRU fixes exactly, and checked
 * against a plain timestamp LRU on a random pattern. One PASS/FAIL line per
 * test; exits 1 if any failed.
 */
#include "llc_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define MIB (1024u * 1024u)

static int failures;

/* One result line; a failure says what was got and what was wanted. */
static void llct_result(const char *name, bool ok, const char *what, uint64_t got, uint64_t want)
{
	if (ok) {
		printf("PASS llc/%s\n", name);
		return;
	}
	printf("FAIL llc/%s: %s %" PRIu64 ", want %" PRIu64 "\n", name, what, got, want);
	failures++;
}

static void llct_setup(struct llc_model *m, uint64_t size, unsigned ways, unsigned line,
                       unsigned cpus)
{
	const char *err = llc_init(m, size, ways, line, cpus);

	if (err) {
		printf("FAIL llc/setup: %s\n", err);
		exit(1);
	}
}

/* Accesses by CPU 0 to pa and returns the misses they made. */
static uint64_t llct_misses(struct llc_model *m, const uint64_t *pa, size_t n, bool store)
{
	uint64_t misses = 0;

	for (size_t i = 0; i < n; i++)
		misses += !llc_access(m, 0, pa[i], store);
	return misses;
}

/* ways + 1 lines that share a set, cycled: LRU evicts each just before its reuse. */
static void llct_thrash(void)
{
	struct llc_model m;
	enum { ways = 16, rounds = 50 };
	uint64_t pa[ways + 1], misses = 0;

	llct_setup(&m, MIB, ways, 64, 1);
	for (unsigned k = 0; k <= ways; k++)
		pa[k] = 0x40000000 + (uint64_t)k * llc_sets(&m) * 64; /* same set */
	for (unsigned r = 0; r < rounds; r++)
		misses += llct_misses(&m, pa, ways + 1, false);
	llct_result("lru-thrash-ways-plus-one-lines-miss-always", misses == rounds * (ways + 1),
	            "misses:", misses, rounds * (ways + 1));
	llc_free(&m);
}

/* ways lines in one set: the first pass fills the set, every later access hits. */
static void llct_fit(void)
{
	struct llc_model m;
	enum { ways = 16, rounds = 50 };
	uint64_t pa[ways], first, later = 0;

	llct_setup(&m, MIB, ways, 64, 1);
	for (unsigned k = 0; k < ways; k++)
		pa[k] = 0x40000040 + (uint64_t)k * llc_sets(&m) * 64;
	first = llct_misses(&m, pa, ways, false);
	for (unsigned r = 1; r < rounds; r++)
		later += llct_misses(&m, pa, ways, false);
	llct_result("lru-ways-lines-first-pass-misses", first == ways, "misses:", first, ways);
	llct_result("lru-ways-lines-then-hit", later == 0, "misses:", later, 0);
	llc_free(&m);
}

/* Reads [base, base + bytes) every `stride` bytes; returns the misses. */
static uint64_t llct_sweep(struct llc_model *m, uint64_t base, uint64_t bytes, unsigned stride)
{
	uint64_t misses = 0;

	for (uint64_t a = base; a < base + bytes; a += stride)
		misses += !llc_access(m, 0, a, false);
	return misses;
}

/* A working set of exactly the cache: the second sequential pass hits throughout. */
static void llct_sweep_fit(void)
{
	struct llc_model m;
	uint64_t first, second;

	llct_setup(&m, MIB, 16, 64, 1);
	first = llct_sweep(&m, 0x48000000, MIB, 8);
	second = llct_sweep(&m, 0x48000000, MIB, 8);
	llct_result("cache-size-first-pass-one-miss-per-line", first == MIB / 64, "misses:", first,
	            MIB / 64);
	llct_result("cache-size-second-pass-all-hits", second == 0, "misses:", second, 0);
	llc_free(&m);
}

/* Twice the cache, swept twice: LRU has evicted every line before it comes back. */
static void llct_sweep_twice_size(void)
{
	struct llc_model m;
	uint64_t first, second;

	llct_setup(&m, MIB, 16, 64, 1);
	first = llct_sweep(&m, 0x48000000, 2 * MIB, 64);
	second = llct_sweep(&m, 0x48000000, 2 * MIB, 64);
	llct_result("twice-cache-size-misses-always", first + second == 2 * (2 * MIB / 64),
	            "misses:", first + second, 2 * (2 * MIB / 64));
	llc_free(&m);
}

/* Reuse protects a line: after touching line 0 again, the next fill evicts line 1. */
static void llct_lru_order(void)
{
	struct llc_model m;
	uint64_t stride, pa[5];

	llct_setup(&m, 4 * 4 * 64, 4, 64, 1);
	stride = llc_sets(&m) * 64;
	for (unsigned k = 0; k < 5; k++)
		pa[k] = k * stride;
	llct_misses(&m, pa, 4, false);
	llc_access(&m, 0, pa[0], false);
	llc_access(&m, 0, pa[4], false); /* evicts the least recent: pa[1] */
	bool kept0 = llc_access(&m, 0, pa[0], false);
	bool kept2 = llc_access(&m, 0, pa[2], false);
	bool lost1 = !llc_access(&m, 0, pa[1], false);
	llct_result("lru-evicts-least-recently-used", kept0 && kept2 && lost1,
	            "of line 0 kept, line 2 kept, line 1 evicted, true:", kept0 + kept2 + lost1, 3);
	llc_free(&m);
}

/* Stores allocate; one cache for all CPUs: a line one CPU brought in hits for another. */
static void llct_shared_and_stores(void)
{
	struct llc_model m;

	llct_setup(&m, MIB, 16, 64, 2);
	bool miss = !llc_access(&m, 0, 0x41000008, true);
	bool hit = llc_access(&m, 1, 0x41000030, false);
	llct_result("store-allocates-and-cache-is-shared", miss && hit,
	            "of the store's miss and the other CPU's hit, seen:", miss + hit, 2);
	int right = (m.count[0].stores == 1) + (m.count[0].store_misses == 1) +
	            (m.count[0].loads == 0) + (m.count[1].loads == 1) +
	            (m.count[1].load_misses == 0);
	llct_result("store-and-load-counted-apart", right == 5, "counts right:", right, 5);
	llc_free(&m);
}

static uint64_t llct_rand_state = 88172645463325252ull;

static uint64_t llct_rand(void)
{
	llct_rand_state ^= llct_rand_state << 13;
	llct_rand_state ^= llct_rand_state >> 7;
	llct_rand_state ^= llct_rand_state << 17;
	return llct_rand_state;
}

/*
 * Random accesses from 4 CPUs against a reference LRU (a last-use time per
 * way, the oldest evicted): every hit/miss must agree, and the per-CPU
 * counts must add up to what was issued.
 */
static void llct_reference(void)
{
	enum { ways = 4, sets = 16, line = 64, cpus = 4, n = 200000 };
	struct llc_model m;
	uint64_t ref_line[sets][ways], ref_used[sets][ways], disagree = 0;
	uint64_t issued[2] = {0, 0}, missed = 0;
	int right;

	llct_setup(&m, ways * sets * line, ways, line, cpus);
	for (unsigned s = 0; s < sets; s++)
		for (unsigned w = 0; w < ways; w++)
			ref_line[s][w] = LLC_EMPTY, ref_used[s][w] = 0;
	for (uint64_t t = 1; t <= n; t++) {
		uint64_t r = llct_rand();
		uint64_t pa = 0x40000000 + (r % (3 * ways * sets)) * line + (r >> 40) % line;
		unsigned cpu = (r >> 32) % cpus;
		bool store = (r >> 36) & 1;
		uint64_t ln = pa / line, s = ln % sets;
		unsigned w, old = 0;

		for (w = 0; w < ways && ref_line[s][w] != ln; w++)
			if (ref_used[s][w] < ref_used[s][old])
				old = w;
		bool ref_hit = w < ways;
		if (!ref_hit)
			w = old, ref_line[s][w] = ln;
		ref_used[s][w] = t;
		disagree += llc_access(&m, cpu, pa, store) != ref_hit;
		issued[store]++;
		missed += !ref_hit;
	}
	llct_result("matches-reference-lru", disagree == 0, "accesses disagreeing:", disagree, 0);

	struct llc_count t;
	llc_total(&m, &t);
	right = (t.loads == issued[0]) + (t.stores == issued[1]) +
	        (t.load_misses + t.store_misses == missed);
	llct_result("per-cpu-counts-add-up-to-totals", right == 3,
	            "of loads, stores, misses, sums right:", right, 3);
	unsigned counted = 0;
	for (unsigned c = 0; c < cpus; c++)
		counted += m.count[c].loads > 0 && m.count[c].store_misses > 0;
	llct_result("every-cpu-counted", counted == cpus,
	            "CPUs with loads and store misses:", counted, cpus);
	llc_free(&m);
}

/* The default geometry (cortex-a53's L2 as QEMU reports it) and refused ones. */
static void llct_geometry(void)
{
	struct llc_model m;
	const char *err = llc_init(&m, MIB, 16, 64, 4);

	llct_result("default-geometry-1024-sets", !err && llc_sets(&m) == 1024 && m.line_shift == 6,
	            "sets", err ? 0 : llc_sets(&m), 1024);
	llc_free(&m);
	int refused = !!llc_init(&m, MIB, 16, 48, 4) + !!llc_init(&m, MIB, 0, 64, 4) +
	              !!llc_init(&m, 3 * MIB, 16, 64, 4) + !!llc_init(&m, MIB + 64, 16, 64, 4) +
	              !!llc_init(&m, MIB, 16, 64, 0);
	llct_result("bad-geometry-refused", refused == 5, "refused:", refused, 5);
}

int main(void)
{
	llct_thrash();
	llct_fit();
	llct_sweep_fit();
	llct_sweep_twice_size();
	llct_lru_order();
	llct_shared_and_stores();
	llct_reference();
	llct_geometry();
	return failures != 0;
}
