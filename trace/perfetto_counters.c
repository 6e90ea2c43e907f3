/*
 * Counters per VM, as counter tracks under its process: exits and injected
 * IRQs per second, and the LLC misses the monitor marks.
 *
 * A rate is counted over fixed PFC_WINDOW_NS windows of the trace's clock:
 * the value at a window's start is its count times the windows per second,
 * and a window without any is 0 again, so the sum of a track's values over
 * its windows, divided by the windows per second, is the count `vtrace
 * stats` gives the VM (a record that names no VM counts for its pCPU's
 * owner, as there). A VM's vCPUs are on several rings, written one after
 * the other (or interleaved, as `vitrine record` receives them): each ring
 * counts its current window, hands it over when the next starts, and the
 * rates are written, summed and in order, once every ring has ended.
 *
 * The LLC misses are the monitor's cache.llc{mark = true} markers
 * (VT_MARK_LLC_MISSES + VM id, value the VM's misses so far): each is a
 * value of that VM's track at once.
 *
 * Two clock snapshots, at the first and the last record, relate the trace's
 * clock (ns, Perfetto's default BOOTTIME) to the generic counter: clock
 * PF_CLOCK_COUNTER counts its ticks, each unit_multiplier_ns ns (the
 * counter's period, rounded to a whole ns; the pair gives the exact ratio).
 */
#include <stdlib.h>
#include <string.h>

#include <vitrine/abi.h>

#include "perfetto.h"

static const char *const pfc_names[PFC_KINDS] = {
    [PFC_EXITS] = "exits/s", [PFC_INJECTS] = "injected IRQs/s", [PFC_LLC] = "LLC misses"};

int pfc_init(struct pfc *c, const struct vtrace *t)
{
	*c = (struct pfc){.t = t};
	c->rings = calloc((size_t)t->nr_rings + 1, sizeof(*c->rings));
	if (!c->rings)
		return -1;
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		c->rings[i].n = calloc((size_t)t->nr_vms * 2 + 1, sizeof(*c->rings[i].n));
		if (!c->rings[i].n)
			return -1;
		c->rings[i].owner = dec_owner(t, t->rings[i].cpu);
	}
	return 0;
}

void pfc_free(struct pfc *c)
{
	for (uint32_t i = 0; c->rings && i < c->t->nr_rings; i++)
		free(c->rings[i].n);
	free(c->rings);
	free(c->done);
}

void pfc_descriptors(const struct pfc *c, struct pb_buf *out)
{
	char name[64];

	for (uint32_t vm = 0; vm < c->t->nr_vms; vm++)
		for (uint32_t k = 0; k < PFC_KINDS; k++) {
			snprintf(name, sizeof(name), "%s %s", c->t->vms[vm].name, pfc_names[k]);
			pf_track(out, pf_uuid_vm_counter(vm, k), pf_uuid_vm(vm), name, 'c', 0, 0);
		}
}

/* Ring ri's window, its non-zero counts, to c->done. */
static void pfc_hand_over(struct pfc *c, struct pfc_ring *r)
{
	for (uint32_t i = 0; i < c->t->nr_vms * 2; i++) {
		if (!r->n[i])
			continue;
		if (c->len == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 256;
			struct pfc_count *d = realloc(c->done, cap * sizeof(*d));

			if (!d) {
				c->oom = 1;
				return;
			}
			c->done = d;
			c->cap = cap;
		}
		c->done[c->len++] = (struct pfc_count){r->window, r->n[i], i / 2, i % 2};
		r->n[i] = 0;
	}
}

void pfc_record(struct pfc *c, uint32_t ri, uint64_t ns, const struct vt_record *r,
                struct pb_buf *out, uint32_t seq)
{
	struct pfc_ring *ring = &c->rings[ri];
	int vm = r->vm != VT_NONE ? r->vm : ring->owner;
	uint32_t kind = r->event == VT_EV_EXIT ? PFC_EXITS : PFC_INJECTS;

	if (!c->seen || r->ts < c->first)
		c->first = r->ts;
	if (!c->seen || r->ts > c->last)
		c->last = r->ts;
	c->seen = 1;
	if (r->event == VT_EV_MARK && r->a >= VT_MARK_LLC_MISSES &&
	    r->a - VT_MARK_LLC_MISSES < c->t->nr_vms)
		pf_counter(out, seq, ns, pf_uuid_vm_counter(r->a - VT_MARK_LLC_MISSES, PFC_LLC),
		           r->b);
	if ((r->event != VT_EV_EXIT && r->event != VT_EV_INJECT) || vm < 0 ||
	    (uint32_t)vm >= c->t->nr_vms)
		return;
	if (ns / PFC_WINDOW_NS != ring->window) {
		pfc_hand_over(c, ring);
		ring->window = ns / PFC_WINDOW_NS;
	}
	ring->n[vm * 2 + kind]++;
}

void pfc_ring_end(struct pfc *c, uint32_t ri)
{
	pfc_hand_over(c, &c->rings[ri]);
}

/* By track, then window. */
static int pfc_cmp_track(const void *a, const void *b)
{
	const struct pfc_count *x = a, *y = b;

	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->window < y->window ? -1 : x->window > y->window;
}

/* By window, then track: the order they are written in (a sequence's time order). */
static int pfc_cmp_time(const void *a, const void *b)
{
	const struct pfc_count *x = a, *y = b;

	if (x->window != y->window)
		return x->window < y->window ? -1 : 1;
	return pfc_cmp_track(a, b);
}

/* A snapshot of the trace's clock and the counter at counter value ts. */
static void pfc_snapshot(const struct pfc *c, struct pb_buf *out, uint32_t seq, uint64_t ts)
{
	struct pb_buf snap = {0}, clk = {0};
	uint64_t f = c->t->timer_freq;

	pb_uint(&clk, PF_CLOCK_ID, PF_CLOCK_BOOTTIME);
	pb_uint(&clk, PF_CLOCK_TIMESTAMP, dec_ns(c->t, ts));
	pb_msg(&snap, PF_SNAPSHOT_CLOCKS, &clk);
	clk.len = 0;
	pb_uint(&clk, PF_CLOCK_ID, PF_CLOCK_COUNTER);
	pb_uint(&clk, PF_CLOCK_TIMESTAMP, ts);
	pb_uint(&clk, PF_CLOCK_UNIT_MULTIPLIER_NS,
	        f >= 1000000000ull ? 1 : (1000000000ull + f / 2) / f);
	pb_msg(&snap, PF_SNAPSHOT_CLOCKS, &clk);
	pb_uint(&snap, PF_SNAPSHOT_PRIMARY_CLOCK, PF_CLOCK_BOOTTIME);
	pf_packet(out, seq, 0, 0, PF_PACKET_CLOCK_SNAPSHOT, &snap);
	pb_free(&snap);
	pb_free(&clk);
}

/* Whether done[i], of n, is its track's last window before a gap (or the end). */
static int pfc_gap_after(const struct pfc_count *done, size_t i, size_t n)
{
	const struct pfc_count *d = &done[i];

	return i + 1 == n || d[1].vm != d->vm || d[1].kind != d->kind ||
	       d[1].window != d->window + 1;
}

/*
 * c->done summed per track and window, each followed by a 0 in the next
 * window where that has no count of its own, in time order. -1: out of memory.
 */
static int pfc_values(struct pfc *c)
{
	size_t n = 0, zeros = 0;

	qsort(c->done, c->len, sizeof(*c->done), pfc_cmp_track);
	for (size_t i = 0; i < c->len; i++) {
		if (n && !pfc_cmp_track(&c->done[n - 1], &c->done[i]))
			c->done[n - 1].n += c->done[i].n;
		else
			c->done[n++] = c->done[i];
	}
	for (size_t i = 0; i < n; i++)
		zeros += (size_t)pfc_gap_after(c->done, i, n);
	if (n + zeros > c->cap) {
		struct pfc_count *d = realloc(c->done, (n + zeros) * sizeof(*d));

		if (!d)
			return -1;
		c->done = d;
		c->cap = n + zeros;
	}
	c->len = n;
	for (size_t i = 0; i < n; i++)
		if (pfc_gap_after(c->done, i, n))
			c->done[c->len++] = (struct pfc_count){c->done[i].window + 1, 0,
			                                       c->done[i].vm, c->done[i].kind};
	qsort(c->done, c->len, sizeof(*c->done), pfc_cmp_time);
	return 0;
}

void pfc_write(struct pfc *c, struct pb_buf *out, uint32_t seq)
{
	const uint64_t per_s = 1000000000ull / PFC_WINDOW_NS;

	if (c->oom || pfc_values(c))
		out->oom = 1;
	if (c->seen) {
		pfc_snapshot(c, out, seq, c->first);
		pfc_snapshot(c, out, seq, c->last);
	}
	for (size_t i = 0; !out->oom && i < c->len; i++) {
		const struct pfc_count *d = &c->done[i];

		/* A window past 2^64 ns (a 0 after the largest timestamps): at the end. */
		uint64_t ts = d->window <= UINT64_MAX / PFC_WINDOW_NS ? d->window * PFC_WINDOW_NS
		                                                      : UINT64_MAX;

		pf_counter(out, seq, ts, pf_uuid_vm_counter(d->vm, d->kind), d->n * per_s);
	}
	c->len = 0;
}
