/*
 * The trace rings as the monitor sees them: read-only, at the IPAs the
 * hypervisor maps them to (include/vitrine/config.h), one per pCPU. The Lua table
 * `trace` reads their headers and records; writing is the hypervisor's
 * alone, which trace.poke() lets a test prove (the write is a stage-2 fault).
 */
#include "trace_view.h"

#include <string.h>

#include <vitrine/config.h>
#include <vitrine/trace.h>
#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

#include "field.h"
#include "lauxlib.h"
#include "platform.h"
#include "rt.h"

const struct vt_ring *trace_view_ring(uint32_t cpu)
{
	const volatile struct vt_ring *r =
	    (const volatile struct vt_ring *)(uintptr_t)(CFG_MONITOR_RINGS_IPA +
	                                                 cpu * CFG_MONITOR_RING_STRIDE);

	if (cpu >= PLAT_CPU_NUM || r->magic != VT_RING_MAGIC || r->version != VT_VERSION)
		return 0;
	return (const struct vt_ring *)r; /* fields that change are read atomically */
}

/* trace.rings(): {{cpu=, mode="flight"|"stream", capacity=, written=, lost=}, ...} */
static int tv_rings(lua_State *L)
{
	int n = 0;

	lua_newtable(L);
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const struct vt_ring *r = trace_view_ring(cpu);

		if (!r)
			continue;
		lua_newtable(L);
		field_int(L, "cpu", r->cpu);
		field_str(L, "mode", r->mode == VT_MODE_FLIGHT ? "flight" : "stream");
		field_int(L, "capacity", r->capacity);
		field_int(L, "written", (lua_Integer)__atomic_load_n(&r->head, __ATOMIC_ACQUIRE));
		field_int(L, "lost", (lua_Integer)r->lost);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

static const char *const tv_event_names[VT_EV_COUNT] = VT_EVENT_NAMES;

static void tv_record(lua_State *L, const struct vt_record *rec, uint64_t pos)
{
	lua_createtable(L, 0, 9);
	field_int(L, "pos", (lua_Integer)pos);
	field_int(L, "ts", (lua_Integer)rec->ts);
	field_str(L, "event",
	          rec->event < VT_EV_COUNT && tv_event_names[rec->event]
	              ? tv_event_names[rec->event]
	              : "?");
	if (rec->vm != VT_NONE)
		field_int(L, "vm", rec->vm);
	if (rec->vcpu != VT_NONE)
		field_int(L, "vcpu", rec->vcpu);
	field_int(L, "a", rec->a);
	field_int(L, "b", (lua_Integer)rec->b);
	field_int(L, "c", (lua_Integer)rec->c);
}

/* The events argument: a name or a list of names, as a mask of enum vt_event bits; 0 if nil. */
static uint32_t tv_event_mask(lua_State *L, int idx)
{
	uint32_t mask = 0;
	int list = lua_istable(L, idx);

	if (lua_isnil(L, idx))
		return 0;
	if (!list && lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "events must be an event name or a list of them");
	for (lua_Integer i = 1; list ? lua_rawgeti(L, idx, i) != LUA_TNIL : i == 1; i++) {
		const char *name = list ? lua_tostring(L, -1) : lua_tostring(L, idx);
		unsigned e = 1;

		while (name && e < VT_EV_COUNT && strcmp(name, tv_event_names[e]))
			e++;
		if (!name || e == VT_EV_COUNT)
			luaL_error(L, "no trace event '%s'", name ? name : luaL_typename(L, -1));
		mask |= 1u << e;
		if (list)
			lua_pop(L, 1);
	}
	return mask;
}

/*
 * trace.read{cpu=N, since=POS, max=M, events=NAMES}: {records = {...}, next = POS, skipped = K}.
 * With events, only those records count towards max; next is past the last one returned
 * (or past all there is), so a reader can go on from it. An exit and the entry folded into
 * it (include/vitrine/trace_fold.h) are one ring record at one position: they come together, entry
 * first, so the table may hold max + 1 records.
 */
static int tv_read(lua_State *L)
{
	const struct vt_ring *r;
	struct vt_record buf[64], ev[2];
	uint64_t pos, next, skipped = 0;
	lua_Integer cpu, max;
	uint32_t got, events;
	int i = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	cpu = (lua_getfield(L, 1, "cpu"), luaL_optinteger(L, -1, 0));
	pos = (uint64_t)(lua_getfield(L, 1, "since"), luaL_optinteger(L, -1, 0));
	max = (lua_getfield(L, 1, "max"), luaL_optinteger(L, -1, 1000));
	events = (lua_getfield(L, 1, "events"), tv_event_mask(L, -1));
	lua_pop(L, 4);
	luaL_argcheck(L, cpu >= 0 && cpu < PLAT_CPU_NUM, 1, "no such pCPU");
	luaL_argcheck(L, max > 0 && max <= 100000, 1, "max must be 1..100000");
	r = trace_view_ring((uint32_t)cpu);
	if (!r)
		return luaL_error(L, "pCPU %d has no trace ring", (int)cpu);
	lua_createtable(L, 0, 3);
	lua_newtable(L);
	next = pos;
	/* The ring is read-only here: read it without consuming (include/vitrine/trace_ring.h). */
	while (i < max &&
	       (got = vt_ring_peek(r, &pos, buf, events || max - i > 64 ? 64 : (uint32_t)(max - i),
	                           &skipped)) != 0) {
		next = pos;
		for (uint32_t k = 0; k < got && i < max; k++) {
			uint32_t n = vt_unfold(&buf[k], VT_VERSION, ev), kept = 0;

			for (uint32_t e = 0; e < n; e++) {
				if (events && !(ev[e].event < 32 && events >> ev[e].event & 1))
					continue;
				tv_record(L, &ev[e], pos - got + k);
				lua_rawseti(L, -2, ++i);
				kept = 1;
			}
			if (kept)
				next = pos - got + k + 1;
		}
	}
	if (i < max) /* everything there was has been looked at */
		next = pos;
	lua_setfield(L, -2, "records");
	field_int(L, "next", (lua_Integer)next);
	field_int(L, "skipped", (lua_Integer)skipped);
	return 1;
}

/*
 * One ring's loss accounting, from a single look at its head. Stream mode:
 * records the producer dropped because the ring was full (the ring's own
 * `lost`). Flight mode: records written but no longer readable, overwritten
 * by newer ones (a reader also leaves out the oldest slot of a full ring:
 * it may be half rewritten). fill: records a reader can get now.
 */
struct tv_ring_stats {
	uint64_t written, lost, fill;
};

static struct tv_ring_stats tv_ring_stats(const struct vt_ring *r)
{
	struct tv_ring_stats st;

	st.written = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (r->mode == VT_MODE_FLIGHT) {
		st.fill = st.written < r->capacity - 1 ? st.written : r->capacity - 1;
		st.lost = st.written - st.fill;
	} else {
		uint64_t held = st.written - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

		st.fill = held < r->capacity ? held : r->capacity;
		st.lost = __atomic_load_n(&r->lost, __ATOMIC_RELAXED);
	}
	return st;
}

/*
 * trace.stats(): {{cpu=, mode=, capacity=, written=, lost=, fill=}, ...,
 * total = {capacity=, written=, lost=, fill=}}, a row per ring as in trace.rings().
 */
static int tv_stats(lua_State *L)
{
	uint64_t cap = 0, written = 0, lost = 0, fill = 0;
	int n = 0;

	lua_newtable(L);
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const struct vt_ring *r = trace_view_ring(cpu);
		struct tv_ring_stats st;

		if (!r)
			continue;
		st = tv_ring_stats(r);
		lua_createtable(L, 0, 6);
		field_int(L, "cpu", r->cpu);
		field_str(L, "mode", r->mode == VT_MODE_FLIGHT ? "flight" : "stream");
		field_int(L, "capacity", r->capacity);
		field_int(L, "written", (lua_Integer)st.written);
		field_int(L, "lost", (lua_Integer)st.lost);
		field_int(L, "fill", (lua_Integer)st.fill);
		lua_rawseti(L, -2, ++n);
		cap += r->capacity;
		written += st.written;
		lost += st.lost;
		fill += st.fill;
	}
	lua_createtable(L, 0, 4);
	field_int(L, "capacity", (lua_Integer)cap);
	field_int(L, "written", (lua_Integer)written);
	field_int(L, "lost", (lua_Integer)lost);
	field_int(L, "fill", (lua_Integer)fill);
	lua_setfield(L, -2, "total");
	return 1;
}

/* trace.lost(): {[cpu] = lost, ..., total = N}, keyed by pCPU number; lost as in trace.stats(). */
static int tv_lost(lua_State *L)
{
	uint64_t total = 0;

	lua_newtable(L);
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const struct vt_ring *r = trace_view_ring(cpu);
		uint64_t lost;

		if (!r)
			continue;
		lost = tv_ring_stats(r).lost;
		lua_pushinteger(L, (lua_Integer)lost);
		lua_rawseti(L, -2, cpu);
		total += lost;
	}
	field_int(L, "total", (lua_Integer)total);
	return 1;
}

/* trace.enable{"exit", "irq", ...}: the event classes recorded from now on. */
static int tv_enable(lua_State *L)
{
#define TV_CLASS_NAME(CLASS, name, bit) #name,
	static const char *const names[] = {VT_CLASSES(TV_CLASS_NAME)};
#undef TV_CLASS_NAME
	uint64_t mask = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		const char *c = luaL_checkstring(L, -1);
		unsigned k = 1; /* "ring" is always recorded: not a class to ask for */

		while (k < sizeof names / sizeof names[0] && strcmp(c, names[k]))
			k++;
		if (k == sizeof names / sizeof names[0])
			return luaL_error(L, "no trace class '%s'", c);
		mask |= 1u << k;
		lua_pop(L, 1);
	}
	if (rt_hvc(VT_HC_TRACE_ENABLE, mask, 0, 0).x0)
		return luaL_error(L, "the hypervisor refused to change the trace classes");
	return 0;
}

/* trace.poke(cpu): write into a ring the monitor may only read. */
static int tv_poke(lua_State *L)
{
	lua_Integer cpu = luaL_checkinteger(L, 1);
	volatile uint64_t *head =
	    (volatile uint64_t *)(uintptr_t)(CFG_MONITOR_RINGS_IPA +
	                                     (uint64_t)cpu * CFG_MONITOR_RING_STRIDE);

	luaL_argcheck(L, cpu >= 0 && cpu < PLAT_CPU_NUM, 1, "no such pCPU");
	*head = 0;
	return 0;
}

static const luaL_Reg tv_lib[] = {
    {"rings", tv_rings},   {"read", tv_read}, {"stats", tv_stats}, {"lost", tv_lost},
    {"enable", tv_enable}, {"poke", tv_poke}, {NULL, NULL},
};

void trace_view_open(lua_State *L)
{
	luaL_newlib(L, tv_lib);
	lua_setglobal(L, "trace");
}
