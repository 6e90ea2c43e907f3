/* The cache model's set-up and sums; the per-access path is in llc_model.h. */
#include "llc_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static bool llc_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

const char *llc_init(struct llc_model *m, uint64_t size, unsigned ways, unsigned line,
                     unsigned cpus)
{
	memset(m, 0, sizeof(*m));
	if (!llc_pow2(line) || line < 4)
		return "line must be a power of two, at least 4";
	if (ways == 0 || ways > 1024)
		return "ways must be 1 to 1024";
	if (cpus == 0)
		return "no CPUs";
	if (size == 0 || size % ((uint64_t)ways * line))
		return "size must be a non-zero multiple of ways * line";
	uint64_t sets = size / ((uint64_t)ways * line);
	if (!llc_pow2(sets))
		return "size / (ways * line), the number of sets, must be a power of two";

	m->lines = malloc(sets * ways * sizeof(*m->lines));
	m->count = calloc(cpus, sizeof(*m->count));
	if (!m->lines || !m->count) {
		llc_free(m);
		return "out of memory";
	}
	for (uint64_t i = 0; i < sets * ways; i++)
		m->lines[i] = LLC_EMPTY;
	while ((1u << m->line_shift) < line)
		m->line_shift++;
	m->ways = ways;
	m->set_mask = sets - 1;
	m->size = size;
	m->cpus = cpus;
	return NULL;
}

void llc_free(struct llc_model *m)
{
	free(m->lines);
	free(m->count);
	m->lines = NULL;
	m->count = NULL;
}

void llc_total(const struct llc_model *m, struct llc_count *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < m->cpus; i++) {
		t->loads += m->count[i].loads;
		t->load_misses += m->count[i].load_misses;
		t->stores += m->count[i].stores;
		t->store_misses += m->count[i].store_misses;
	}
}

static void llc_rate(char *buf, size_t len, uint64_t misses, uint64_t accesses)
{
	if (accesses)
		snprintf(buf, len, "%.2f%%", 100.0 * (double)misses / (double)accesses);
	else
		snprintf(buf, len, "-");
}

/* "llc: NAME: accesses A hits H misses M miss_rate R% loads ...": the summary's lines */
void llc_print(FILE *f, const char *name, const struct llc_count *c)
{
	uint64_t acc = c->loads + c->stores, miss = c->load_misses + c->store_misses;
	char rate[32];

	llc_rate(rate, sizeof(rate), miss, acc);
	fprintf(f,
	        "llc: %s: accesses %" PRIu64 " hits %" PRIu64 " misses %" PRIu64
	        " miss_rate %s loads %" PRIu64 " load_misses %" PRIu64 " stores %" PRIu64
	        " store_misses %" PRIu64 "\n",
	        name, acc, acc - miss, miss, rate, c->loads, c->load_misses, c->stores,
	        c->store_misses);
}
