/*
 * Host unit tests of the monitor's trace queries (monitor/trace_query.c):
 * counts by every key and exit-to-entry gaps over a ring written here, with
 * the answers worked out by hand; a map that fills up counts what it drops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/trace_ring.h>

#include "trace_query.h"

#define RUN(run, low) ((uint64_t)(run) << VT_RUN_SHIFT | (low))

static int failures;

static void check(const char *what, int ok)
{
	printf("%s unit/trace_query: %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static struct vt_ring *ring_new(uint32_t cap)
{
	size_t size = sizeof(struct vt_ring) + (size_t)cap * sizeof(struct vt_record);
	struct vt_ring *r = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (!r)
		exit(2);
	memset(r, 0, size);
	vt_ring_init(r, 2, cap, VT_MODE_FLIGHT, 62500000); /* pCPU 2, 16 ns a tick */
	return r;
}

static void put(struct vt_ring *r, uint64_t ts, uint16_t ev, uint8_t vm, uint8_t vcpu, uint32_t a,
                uint64_t b)
{
	vt_ring_write(r, ts, vt_word1(ev, vm, vcpu, a), b, 0);
}

/*
 * Six records, eight events: VM 0 exits by HVC (nothing folded), then by a
 * data abort with 50 ticks of run folded in (its ENTER at 150); an IRQ 27
 * for no VM; VM 1 exits for INTID 33 (ENTER at 390 folded), gets 33
 * injected, marks.
 */
static struct vt_ring *ring_sample(void)
{
	struct vt_ring *r = ring_new(16);

	put(r, 100, VT_EV_EXIT, 0, 0, 0x16, RUN(VT_RUN_NONE, 0x5a000000));
	put(r, 200, VT_EV_EXIT, 0, 0, 0x24, RUN(50, 0x93c08045));
	put(r, 300, VT_EV_IRQ, VT_NONE, VT_NONE, 27, 0);
	put(r, 400, VT_EV_EXIT, 1, 0, VT_EXIT_IRQ, RUN(10, 33));
	put(r, 410, VT_EV_INJECT, 1, 0, 33, 33);
	put(r, 420, VT_EV_MARK, 1, 0, 7, 1);
	return r;
}

static uint64_t count_of(const struct tq_count *c, uint32_t key)
{
	for (uint32_t i = 0; i < TQ_SLOTS; i++)
		if (c->by.full[i] && c->by.key[i] == key)
			return c->by.val[i];
	return 0;
}

static struct tq_count *count(const struct vt_ring *r, uint32_t events, enum tq_key by)
{
	static struct tq_count c;

	memset(&c, 0, sizeof(c));
	tq_count(r, &(struct tq_query){events, VT_NONE, by}, &c);
	return &c;
}

static void test_counts(void)
{
	struct vt_ring *r = ring_sample();
	const uint32_t irqs = 1u << VT_EV_IRQ | 1u << VT_EV_INJECT | 1u << VT_EV_EXIT;
	struct tq_count *c = count(r, 0, TQ_KEY_EVENT);

	check("by event: every event, the ENTERs folded into exits rebuilt",
	      c->total == 8 && c->scanned == 6 && count_of(c, VT_EV_EXIT) == 3 &&
	          count_of(c, VT_EV_ENTER) == 2 && count_of(c, VT_EV_IRQ) == 1 &&
	          count_of(c, VT_EV_MARK) == 1 && c->by.used == 5);
	c = count(r, 1u << VT_EV_EXIT, TQ_KEY_REASON);
	check("exits by reason: one HVC, one data abort, one IRQ",
	      c->total == 3 && count_of(c, 0x16) == 1 && count_of(c, 0x24) == 1 &&
	          count_of(c, VT_EXIT_IRQ) == 1 && c->by.used == 3);
	c = count(r, irqs, TQ_KEY_INTID);
	check("by intid: an IRQ exit's INTID is its ESR field, below the run time",
	      count_of(c, 27) == 1 && count_of(c, 33) == 2 && c->unkeyed == 2 && c->total == 3);
	c = count(r, 1u << VT_EV_EXIT | 1u << VT_EV_MARK, TQ_KEY_VCPU);
	check("by vcpu: VM << 8 | vCPU", count_of(c, 0x000) == 2 && count_of(c, 0x100) == 2);
	c = count(r, 0, TQ_KEY_VM);
	check("by vm: events for no VM under VT_NONE",
	      count_of(c, 0) == 3 && count_of(c, 1) == 4 && count_of(c, VT_NONE) == 1);
	memset(c, 0, sizeof(*c));
	tq_count(r, &(struct tq_query){0, 1, TQ_KEY_EVENT}, c);
	check("vm = 1: that VM's events only",
	      c->total == 4 && count_of(c, VT_EV_ENTER) == 1 && count_of(c, VT_EV_IRQ) == 0);
	c = count(r, 1u << VT_EV_MARK, TQ_KEY_CPU);
	check("by cpu: the ring's pCPU", count_of(c, 2) == 1 && c->total == 1);
	free(r);
}

static void test_gaps(void)
{
	struct vt_ring *r = ring_sample();
	static struct tq_gaps g;

	tq_gaps(r, VT_EV_EXIT, VT_EV_ENTER, &(struct tq_query){0, VT_NONE, TQ_KEY_VCPU}, &g);
	/* VM 0: exit 100 -> enter 150, 50 ticks = 800 ns; VM 1's enter has no exit before it. */
	check("exit to entry by vcpu: one gap of 800 ns, one entry unpaired",
	      g.n == 1 && g.min == 800 && g.max == 800 && g.sum == 800 && g.unpaired == 1 &&
	          g.hist[9] == 1);
	memset(&g, 0, sizeof(g));
	tq_gaps(r, VT_EV_IRQ, VT_EV_INJECT, &(struct tq_query){0, VT_NONE, TQ_KEY_INTID}, &g);
	check("an IRQ is not paired with another INTID's injection", g.n == 0 && g.unpaired == 1);
	free(r);
}

static void test_full_map(void)
{
	struct vt_ring *r = ring_new(2048);
	struct tq_count *c;

	for (uint32_t i = 0; i < TQ_SLOTS + 76; i++)
		put(r, i, VT_EV_IRQ, VT_NONE, VT_NONE, i, 0);
	c = count(r, 1u << VT_EV_IRQ, TQ_KEY_INTID);
	check("a full map counts what it cannot hold",
	      c->by.used == TQ_SLOTS && c->total == TQ_SLOTS && c->overflow == 76 &&
	          count_of(c, 5) == 1);
	free(r);
}

int main(void)
{
	test_counts();
	test_gaps();
	test_full_map();
	return failures != 0;
}
