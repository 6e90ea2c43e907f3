/*
 * irq.latency{vm=ID, intid=N}: how long an interrupt takes, over what the
 * trace rings hold now, in stages: from its arrival (the exit it causes)
 * to its injection into the VM, and on to the guest's handler, when the
 * guest marks its entry (VT_MARK_IRQ_ENTRY, value = INTID). Samples are in ns.
 *
 * Arrival and injection are recorded by the pCPU that took the interrupt,
 * so they are paired on one ring. The marker is recorded on the ring of
 * the pCPU the vCPU runs on: the same one for a PPI such as the virtual
 * timer, another one for an SPI taken elsewhere. So the events of every
 * ring are merged by timestamp (one counter for all pCPUs) and a marker
 * is paired with its vCPU's last injection, whichever ring holds it.
 */
#include "irq_view.h"

#include <stdio.h>
#include <stdlib.h>

#include <vitrine/abi.h>
#include <vitrine/trace.h>
#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

#include "field.h"
#include "lauxlib.h"
#include "platform.h"
#include "trace_view.h"

enum iv_kind { IV_ARRIVAL, IV_INJECT, IV_MARK, IV_LOST };

struct iv_event {
	uint64_t ts, pos;
	uint8_t cpu, kind, vcpu;
};

/* One stage's samples (ticks, then ns). */
struct iv_samples {
	uint64_t *s;
	size_t n;
};

static int iv_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Time order; within a ring, ring order (two records may share a timestamp). */
static int iv_cmp_event(const void *a, const void *b)
{
	const struct iv_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The events of one ring that matter for intid into vm, appended to ev[*n..cap). */
static void iv_collect(const struct vt_ring *r, uint32_t cpu, uint32_t vm, uint32_t intid,
                       struct iv_event *ev, size_t *n, size_t cap)
{
	struct vt_record buf[64], unfolded[2];
	uint64_t pos = 0, skipped = 0;
	uint32_t got;

	while (*n < cap && (got = vt_ring_peek(r, &pos, buf, 64, &skipped)) != 0)
		for (uint32_t k = 0; k < got && *n < cap; k++) {
			/* The EXIT as it was before folding (b cut to the INTID); its ENTER is not
			 * a stage. */
			const struct vt_record *e =
			    &unfolded[vt_unfold(&buf[k], VT_VERSION, unfolded) - 1];
			int kind = -1;

			if (e->event == VT_EV_EXIT && e->a == VT_EXIT_IRQ && e->b == intid)
				kind = IV_ARRIVAL;
			else if (e->event == VT_EV_INJECT && e->a == intid && e->vm == vm)
				kind = IV_INJECT;
			else if (e->event == VT_EV_MARK && e->a == VT_MARK_IRQ_ENTRY &&
			         e->b == intid && e->vm == vm)
				kind = IV_MARK;
			else if (e->event == VT_EV_LOST)
				kind = IV_LOST;
			if (kind >= 0)
				ev[(*n)++] = (struct iv_event){e->ts, pos - got + k, (uint8_t)cpu,
				                               (uint8_t)kind, e->vcpu};
		}
}

/*
 * Pairs the merged events into the three stages. A loss anywhere forgets
 * every half-made pair: its other end may be among the lost.
 */
static void iv_pair(const struct iv_event *ev, size_t n, struct iv_samples *a2i,
                    struct iv_samples *i2m, struct iv_samples *a2m)
{
	static uint64_t arrival[PLAT_CPU_NUM], inj[256], inj_arrival[256];

	for (size_t i = 0; i < PLAT_CPU_NUM; i++)
		arrival[i] = 0;
	for (size_t i = 0; i < 256; i++)
		inj[i] = inj_arrival[i] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct iv_event *e = &ev[i];

		switch (e->kind) {
		case IV_ARRIVAL:
			arrival[e->cpu] = e->ts;
			break;
		case IV_INJECT:
			if (arrival[e->cpu])
				a2i->s[a2i->n++] = e->ts - arrival[e->cpu];
			inj[e->vcpu] = e->ts;
			inj_arrival[e->vcpu] = arrival[e->cpu];
			arrival[e->cpu] = 0;
			break;
		case IV_MARK:
			if (inj[e->vcpu]) {
				i2m->s[i2m->n++] = e->ts - inj[e->vcpu];
				if (inj_arrival[e->vcpu])
					a2m->s[a2m->n++] = e->ts - inj_arrival[e->vcpu];
			}
			inj[e->vcpu] = inj_arrival[e->vcpu] = 0;
			break;
		default: /* IV_LOST */
			for (size_t k = 0; k < PLAT_CPU_NUM; k++)
				arrival[k] = 0;
			for (size_t k = 0; k < 256; k++)
				inj[k] = inj_arrival[k] = 0;
		}
	}
}

/* count, min, avg, p50, p99, max and a histogram of one stage, into the table on top. */
static void iv_summary(lua_State *L, struct iv_samples *st, uint64_t freq)
{
	uint64_t *s = st->s, sum = 0;
	size_t n = st->n;
	luaL_Buffer hist;

	field_int(L, "count", (lua_Integer)n);
	if (!n || !freq)
		return;
	qsort(s, n, sizeof *s, iv_cmp_u64);
	for (size_t i = 0; i < n; i++) {
		s[i] = s[i] * 1000000000ull / freq; /* ticks to ns */
		sum += s[i];
	}
	field_int(L, "min", (lua_Integer)s[0]);
	field_int(L, "avg", (lua_Integer)(sum / n));
	field_int(L, "p50", (lua_Integer)s[n / 2]);
	field_int(L, "p99", (lua_Integer)s[n * 99 / 100]);
	field_int(L, "max", (lua_Integer)s[n - 1]);
	/* A text histogram, a line per power-of-two bucket of ns. */
	luaL_buffinit(L, &hist);
	for (size_t i = 0; i < n;) {
		uint64_t lo = 1;
		size_t k = i;
		char line[96];

		while (lo * 2 <= s[i])
			lo *= 2;
		while (k < n && s[k] < lo * 2)
			k++;
		snprintf(line, sizeof line, "%8llu-%-8llu ns %6zu ", (unsigned long long)lo,
		         (unsigned long long)(lo * 2 - 1), k - i);
		luaL_addstring(&hist, line);
		for (size_t b = 0; b < (k - i) * 40 / n + 1; b++)
			luaL_addchar(&hist, '#');
		luaL_addchar(&hist, '\n');
		i = k;
	}
	luaL_pushresult(&hist);
	lua_setfield(L, -2, "histogram");
}

static int iv_latency(lua_State *L)
{
	struct iv_event *ev;
	struct iv_samples st[3];
	uint64_t freq = 0;
	lua_Integer vm, intid;
	size_t n = 0, cap = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "vm");
	lua_getfield(L, 1, "intid");
	if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
		return luaL_error(L, "usage: irq.latency{vm=ID, intid=N}");
	vm = lua_tointeger(L, -2);
	intid = lua_tointeger(L, -1);
	lua_pop(L, 2);
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) /* every record of every ring, at most */
		cap += trace_view_ring(cpu) ? trace_view_ring(cpu)->capacity : 0;
	/* Userdata, not malloc: the collector frees them even if a Lua error cuts us short. */
	ev = lua_newuserdatauv(L, cap * sizeof *ev, 0);
	for (int i = 0; i < 3; i++)
		st[i] = (struct iv_samples){lua_newuserdatauv(L, cap * sizeof(uint64_t), 0), 0};
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const struct vt_ring *r = trace_view_ring(cpu);

		if (!r)
			continue;
		freq = r->timer_freq;
		iv_collect(r, cpu, (uint32_t)vm, (uint32_t)intid, ev, &n, cap);
	}
	qsort(ev, n, sizeof *ev, iv_cmp_event);
	iv_pair(ev, n, &st[0], &st[1], &st[2]);
	/* Arrival to injection at the top level, as before there were stages. */
	lua_createtable(L, 0, 8);
	iv_summary(L, &st[0], freq);
	lua_createtable(L, 0, 2);
	lua_createtable(L, 0, 7);
	iv_summary(L, &st[1], freq);
	lua_setfield(L, -2, "injection_to_marker");
	lua_createtable(L, 0, 7);
	iv_summary(L, &st[2], freq);
	lua_setfield(L, -2, "arrival_to_marker");
	lua_setfield(L, -2, "stages");
	return 1;
}

static const luaL_Reg iv_lib[] = {
    {"latency", iv_latency},
    {NULL, NULL},
};

void irq_view_open(lua_State *L)
{
	luaL_newlib(L, iv_lib);
	lua_setglobal(L, "irq");
}
