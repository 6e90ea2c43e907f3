/*
 * A model of one shared, physically indexed, set-associative cache with
 * LRU replacement, counting per CPU. No QEMU here: the plugin (llc.c) is a
 * thin adapter and the unit test (tests/llc/) drives this directly.
 *
 * Each set keeps its lines' numbers (PA >> line shift) most recently used
 * first, so the common case, a hit on the set's newest line, is one compare,
 * and a miss evicts the last entry. Stores allocate like loads (write-back,
 * write-allocate, as the Cortex-A53's L2); the model keeps no dirty bits, as
 * it counts no write-backs.
 */
#ifndef LLC_MODEL_H
#define LLC_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LLC_EMPTY UINT64_MAX /* a way never filled: no line number is this */

struct llc_count {
	uint64_t loads;
	uint64_t load_misses;
	uint64_t stores;
	uint64_t store_misses;
};

struct llc_model {
	unsigned line_shift;
	unsigned ways;
	uint64_t set_mask; /* sets - 1: sets are a power of two */
	uint64_t size;
	uint64_t *lines; /* sets * ways line numbers, each set MRU first */
	unsigned cpus;
	struct llc_count *count; /* [cpus] */
};

/*
 * Sets the model up, empty; returns NULL or why the geometry is refused
 * (line and sets must be powers of two, size a multiple of ways * line).
 */
const char *llc_init(struct llc_model *m, uint64_t size, unsigned ways, unsigned line,
                     unsigned cpus);
void llc_free(struct llc_model *m);

/* One line of counts, named (e.g. "vcpu 0", "total"), as the summary prints it. */
void llc_print(FILE *f, const char *name, const struct llc_count *c);

/* The sum of every CPU's counts. */
void llc_total(const struct llc_model *m, struct llc_count *t);

static inline uint64_t llc_sets(const struct llc_model *m)
{
	return m->set_mask + 1;
}

/*
 * One access by CPU `cpu` (< m->cpus, unchecked: this is the hot path) to
 * physical address pa; returns whether it hit. Inline because the plugin
 * calls it on every guest load and store.
 */
static inline bool llc_access(struct llc_model *m, unsigned cpu, uint64_t pa, bool store)
{
	uint64_t ln = pa >> m->line_shift;
	uint64_t *set = m->lines + (ln & m->set_mask) * m->ways;
	struct llc_count *c = &m->count[cpu];
	unsigned w;

	if (store)
		c->stores++;
	else
		c->loads++;
	if (set[0] == ln)
		return true;
	for (w = 1; w < m->ways && set[w] != ln; w++)
		;
	bool hit = w < m->ways;
	if (!hit) {
		w = m->ways - 1; /* the least recently used goes */
		if (store)
			c->store_misses++;
		else
			c->load_misses++;
	}
	memmove(set + 1, set, w * sizeof(*set));
	set[0] = ln;
	return hit;
}

#endif
