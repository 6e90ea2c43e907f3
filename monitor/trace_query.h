/*
 * Queries over one trace ring done in C, for scripts that want a figure,
 * not the records: events counted by a key, and the time between paired
 * events as a histogram. No Lua here (trace_view.c binds them), so the host
 * unit tests run them over rings they write.
 */
#ifndef TRACE_QUERY_H
#define TRACE_QUERY_H

#include <stdint.h>

#include <vitrine/trace.h>

/* What events are counted or paired by: X(NAME, name). */
#define TQ_KEYS(X)                                                                                 \
	X(EVENT, event)   /* the event */                                                          \
	X(CPU, cpu)       /* the pCPU whose ring holds it */                                       \
	X(VM, vm)         /* its VM (VT_NONE: none) */                                             \
	X(VCPU, vcpu)     /* its vCPU: VM << 8 | vCPU */                                           \
	X(INTID, intid)   /* irq, inject, lr_full, and exits of class VT_EXIT_IRQ only */          \
	X(REASON, reason) /* an exit's class; exits only */

enum tq_key {
#define TQ_KEY_ENUM(NAME, name) TQ_KEY_##NAME,
	TQ_KEYS(TQ_KEY_ENUM)
#undef TQ_KEY_ENUM
	    TQ_KEY_COUNT
};

#define TQ_SLOTS 1024 /* distinct keys a map holds; a power of two */

/* A small hash map from key to a 64-bit value. */
struct tq_map {
	uint32_t used;
	uint8_t full[TQ_SLOTS];
	uint32_t key[TQ_SLOTS];
	uint64_t val[TQ_SLOTS];
};

/* The value of key in m, 0 and added if new; NULL if m is full. */
uint64_t *tq_map_slot(struct tq_map *m, uint32_t key);

struct tq_count {
	struct tq_map by;  /* key -> events */
	uint64_t total;    /* events counted */
	uint64_t scanned;  /* ring records looked at */
	uint64_t unkeyed;  /* wanted events without the key (an IPC has no INTID) */
	uint64_t overflow; /* events whose key found the map full */
	uint64_t skipped;  /* records overwritten before they could be looked at */
};

#define TQ_BUCKETS 48 /* powers of two of ns: up to 2^48 ns, 3 days */

struct tq_gaps {
	struct tq_map open;        /* key -> ts + 1 of its last unpaired `from` event */
	uint64_t n, min, max, sum; /* gaps, in ns */
	uint64_t hist[TQ_BUCKETS]; /* hist[i]: gaps of [2^i, 2^(i+1)) ns; hist[0] also 0 */
	uint64_t unpaired;         /* `to` events with no `from` before them */
	uint64_t scanned, skipped;
};

/* Which events a query looks at, and what it keys them by. */
struct tq_query {
	uint32_t events; /* a mask of enum vt_event bits; 0: all */
	uint32_t vm;     /* only this VM's events; VT_NONE: any */
	enum tq_key by;
};

/*
 * Count the events q asks for in ring r by q's key. Reads without
 * consuming, from the oldest record to the head found on entry: a ring
 * written faster than it is read does not keep a query going.
 */
void tq_count(const struct vt_ring *r, const struct tq_query *q, struct tq_count *c);

/*
 * The gaps between a `from` event and the next `to` event with the same key
 * on ring r: an exit and the entry after it (by vcpu), an interrupt's
 * arrival and its injection (by intid). A later `from` replaces an unpaired
 * one. q's events are ignored: from and to are the events.
 */
void tq_gaps(const struct vt_ring *r, uint32_t from, uint32_t to, const struct tq_query *q,
             struct tq_gaps *g);

#endif
