/*
 * Queries over one trace ring: each event is copied out of the ring in
 * batches and goes through one tally, so a query costs tens of
 * instructions per event where trace.read's Lua table costs thousands.
 */
#include "trace_query.h"

#include <string.h>

#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

uint64_t *tq_map_slot(struct tq_map *m, uint32_t key)
{
	uint32_t i = (key * 2654435761u) >> 22; /* Fibonacci hashing into 1024 slots */

	_Static_assert(TQ_SLOTS == 1u << 10, "the shift above takes 10 bits");
	for (uint32_t probe = 0; probe < TQ_SLOTS; probe++, i = (i + 1) & (TQ_SLOTS - 1)) {
		if (m->full[i] && m->key[i] == key)
			return &m->val[i];
		if (!m->full[i]) {
			m->full[i] = 1;
			m->key[i] = key;
			m->val[i] = 0;
			m->used++;
			return &m->val[i];
		}
	}
	return NULL;
}

/* Event e's key, if it has one. */
static int tq_key_of(enum tq_key by, const struct vt_ring *r, const struct vt_record *e,
                     uint32_t *key)
{
	switch (by) {
	case TQ_KEY_EVENT:
		*key = e->event;
		return 1;
	case TQ_KEY_CPU:
		*key = r->cpu;
		return 1;
	case TQ_KEY_VM:
		*key = e->vm;
		return 1;
	case TQ_KEY_VCPU:
		*key = (uint32_t)e->vm << 8 | e->vcpu;
		return e->vcpu != VT_NONE;
	case TQ_KEY_INTID:
		if (e->event == VT_EV_EXIT) {
			*key = (uint32_t)e->b; /* the INTID, below the folded run time */
			return e->a == VT_EXIT_IRQ;
		}
		*key = e->a;
		return e->event == VT_EV_IRQ || e->event == VT_EV_INJECT ||
		       e->event == VT_EV_LR_FULL;
	case TQ_KEY_REASON:
		*key = e->a;
		return e->event == VT_EV_EXIT;
	case TQ_KEY_COUNT:
		break;
	}
	return 0;
}

static inline int tq_wanted(uint32_t events, uint32_t vm, const struct vt_record *e)
{
	return e->event < 32 && events >> e->event & 1 && (vm == VT_NONE || e->vm == vm);
}

/*
 * Every wanted event of r, from its oldest record to the head found on
 * entry, into visit. Inline, so that each query's visit is a direct call.
 */
static inline void tq_scan(const struct vt_ring *r, uint32_t events, uint32_t vm,
                           void (*visit)(void *ctx, const struct vt_ring *r,
                                         const struct vt_record *e),
                           void *ctx, uint64_t *scanned, uint64_t *skipped)
{
	struct vt_record buf[64], enter;
	uint64_t pos = 0, end = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint32_t got;

	if (!events)
		events = ((1u << VT_EV_COUNT) - 1) & ~1u;
	while (pos < end && (got = vt_ring_peek(r, &pos, buf, 64, skipped)) != 0) {
		*scanned += got;
		for (uint32_t k = 0; k < got; k++) {
			if (vt_unfold_in_place(&buf[k], VT_VERSION, &enter) &&
			    tq_wanted(events, vm, &enter))
				visit(ctx, r, &enter);
			if (tq_wanted(events, vm, &buf[k]))
				visit(ctx, r, &buf[k]);
		}
	}
}

struct tq_count_ctx {
	struct tq_count *c;
	enum tq_key by;
};

static void tq_count_one(void *ctx, const struct vt_ring *r, const struct vt_record *e)
{
	struct tq_count_ctx *x = ctx;
	uint32_t key;
	uint64_t *n;

	if (!tq_key_of(x->by, r, e, &key)) {
		x->c->unkeyed++;
		return;
	}
	n = tq_map_slot(&x->c->by, key);
	if (!n) {
		x->c->overflow++;
		return;
	}
	++*n;
	x->c->total++;
}

void tq_count(const struct vt_ring *r, const struct tq_query *q, struct tq_count *c)
{
	struct tq_count_ctx x = {c, q->by};

	tq_scan(r, q->events, q->vm, tq_count_one, &x, &c->scanned, &c->skipped);
}

struct tq_gaps_ctx {
	struct tq_gaps *g;
	uint32_t from, to;
	enum tq_key by;
};

static void tq_gap_add(struct tq_gaps *g, uint64_t ns)
{
	unsigned b = 0;

	while (b + 1 < TQ_BUCKETS && ns >> (b + 1))
		b++;
	g->hist[b]++;
	if (!g->n || ns < g->min)
		g->min = ns;
	if (ns > g->max)
		g->max = ns;
	g->sum += ns;
	g->n++;
}

static void tq_gaps_one(void *ctx, const struct vt_ring *r, const struct vt_record *e)
{
	struct tq_gaps_ctx *x = ctx;
	uint64_t *open;
	uint32_t key;

	if (!tq_key_of(x->by, r, e, &key) || !(open = tq_map_slot(&x->g->open, key)))
		return;
	if (e->event == x->to && *open) {
		uint64_t ticks = e->ts - (*open - 1);

		/* 128-bit product: ticks at up to GHz for days would pass 2^64 */
		tq_gap_add(x->g,
		           (uint64_t)((unsigned __int128)ticks * 1000000000u / r->timer_freq));
		*open = 0;
	} else if (e->event == x->to) {
		x->g->unpaired++;
	}
	if (e->event == x->from)
		*open = e->ts + 1;
}

void tq_gaps(const struct vt_ring *r, uint32_t from, uint32_t to, const struct tq_query *q,
             struct tq_gaps *g)
{
	struct tq_gaps_ctx x = {g, from, to, q->by};

	memset(&g->open, 0, sizeof(g->open)); /* pairs never span rings */
	if (!r->timer_freq)
		return;
	tq_scan(r, 1u << from | 1u << to, q->vm, tq_gaps_one, &x, &g->scanned, &g->skipped);
}
