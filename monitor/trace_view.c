/*
 * The trace rings as the monitor sees them: read-only, at the IPAs the
 * hypervisor maps them to (include/vitrine/config.h), one per pCPU. The Lua table
 * `trace` reads their headers and records; writing is the hypervisor's
 * alone, which trace.poke() lets a test prove (the write is a stage-2 fault).
 */
#include "trace_view.h"

#include <stdio.h>
#include <string.h>

#include <vitrine/config.h>
#include <vitrine/trace.h>
#include <vitrine/trace_fold.h>
#include <vitrine/trace_ring.h>

#include "field.h"
#include "lauxlib.h"
#include "platform.h"
#include "rt.h"
#include "syspage.h"
#include "trace_query.h"

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

/* A columnar read's fields: the arrays asked for sit on the stack in this order. */
static const char *const tv_columns[] = {"pos", "ts", "event", "vm", "vcpu", "a", "b", "c"};
#define TV_COLUMNS (int)(sizeof tv_columns / sizeof tv_columns[0])
#define TV_COLUMN_EVENT 2

/* The columns argument at idx as a mask of tv_columns: true for all, a list of names; 0: rows. */
static unsigned tv_column_mask(lua_State *L, int idx)
{
	unsigned mask = 0;

	if (lua_isnil(L, idx) || lua_isboolean(L, idx))
		return lua_toboolean(L, idx) ? (1u << TV_COLUMNS) - 1 : 0;
	if (!lua_istable(L, idx))
		luaL_error(L, "columns must be true or a list of fields");
	for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {
		const char *c = lua_tostring(L, -1);
		int k = 0;

		while (c && k < TV_COLUMNS && strcmp(c, tv_columns[k]))
			k++;
		if (!c || k == TV_COLUMNS)
			luaL_error(L, "no trace field '%s' (pos, ts, event, vm, vcpu, a, b or c)",
			           c ? c : luaL_typename(L, -1));
		mask |= 1u << k;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (!mask)
		luaL_error(L, "columns names no field");
	return mask;
}

/*
 * Record i into the arrays of the columns in mask, from stack slot base on;
 * the event's name comes from the array at names, made once per read:
 * pushing a C string would hash it every time.
 */
static void tv_column_put(lua_State *L, int base, int names, unsigned mask, int i,
                          const struct vt_record *rec, uint64_t pos)
{
	const lua_Integer v[TV_COLUMNS] = {
	    (lua_Integer)pos,
	    (lua_Integer)rec->ts,
	    rec->event,
	    rec->vm == VT_NONE ? -1 : rec->vm,
	    rec->vcpu == VT_NONE ? -1 : rec->vcpu,
	    rec->a,
	    (lua_Integer)rec->b,
	    (lua_Integer)rec->c,
	};

	for (int k = 0; k < TV_COLUMNS; k++) {
		if (!(mask >> k & 1))
			continue;
		if (k == TV_COLUMN_EVENT)
			lua_rawgeti(L, names, v[k]);
		else
			lua_pushinteger(L, v[k]);
		lua_rawseti(L, base++, i);
	}
}

/* The event names as a Lua array, pushed: "?" for ids without one. */
static void tv_push_event_names(lua_State *L)
{
	lua_createtable(L, 256, 0);
	for (int e = 0; e < 256; e++) {
		lua_pushstring(L, e < VT_EV_COUNT && tv_event_names[e] ? tv_event_names[e] : "?");
		lua_rawseti(L, -2, e);
	}
}

/* How many records ring r holds from position pos on: what a read from there can return. */
static uint64_t tv_held(const struct vt_ring *r, uint64_t pos)
{
	uint64_t h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	if (pos >= h)
		return 0;
	return h - pos < r->capacity ? h - pos : r->capacity;
}

/*
 * trace.read{cpu=N, since=POS, max=M, events=NAMES, columns=true|FIELDS}: {records = {...},
 * next = POS, skipped = K}. With columns, no table per record: an array per field instead (all,
 * or those listed of pos, ts, event, vm, vcpu, a, b, c; vm and vcpu -1 for none) and n, the
 * records in them.
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
	lua_Integer cpu, max, presize;
	uint32_t got, events;
	int i = 0, base, names;
	unsigned columns;

	luaL_checktype(L, 1, LUA_TTABLE);
	cpu = (lua_getfield(L, 1, "cpu"), luaL_optinteger(L, -1, 0));
	pos = (uint64_t)(lua_getfield(L, 1, "since"), luaL_optinteger(L, -1, 0));
	max = (lua_getfield(L, 1, "max"), luaL_optinteger(L, -1, 1000));
	events = (lua_getfield(L, 1, "events"), tv_event_mask(L, -1));
	columns = (lua_getfield(L, 1, "columns"), tv_column_mask(L, -1));
	lua_pop(L, 5);
	luaL_argcheck(L, cpu >= 0 && cpu < PLAT_CPU_NUM, 1, "no such pCPU");
	luaL_argcheck(L, max > 0 && max <= 100000, 1, "max must be 1..100000");
	r = trace_view_ring((uint32_t)cpu);
	if (!r)
		return luaL_error(L, "pCPU %d has no trace ring", (int)cpu);
	if (columns) /* below the result: popped once the columns are in it */
		tv_push_event_names(L);
	names = lua_gettop(L);
	lua_createtable(L, 0, columns ? TV_COLUMNS + 3 : 3);
	base = lua_gettop(L) + 1;
	/*
	 * A read returns at most max + 1 events, two per record at most of those
	 * the ring holds from pos: the arrays are sized for that and no more, as
	 * the allocator clears and Lua initialises every slot of them.
	 */
	presize = events ? 0 : 2 * (lua_Integer)tv_held(r, pos); /* a filter's share is unknown */
	if (presize > max + 1)
		presize = max + 1;
	for (int k = 0; k < (columns ? __builtin_popcount(columns) : 1); k++)
		lua_createtable(L, (int)presize, 0);
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
				if (columns) {
					tv_column_put(L, base, names, columns, ++i, &ev[e],
					              pos - got + k);
				} else {
					tv_record(L, &ev[e], pos - got + k);
					lua_rawseti(L, -2, ++i);
				}
				kept = 1;
			}
			if (kept)
				next = pos - got + k + 1;
		}
	}
	if (i < max) /* everything there was has been looked at */
		next = pos;
	if (columns) {
		for (int k = TV_COLUMNS - 1; k >= 0; k--)
			if (columns >> k & 1)
				lua_setfield(L, base - 1, tv_columns[k]);
		field_int(L, "n", i);
	} else {
		lua_setfield(L, -2, "records");
	}
	field_int(L, "next", (lua_Integer)next);
	field_int(L, "skipped", (lua_Integer)skipped);
	if (columns)
		lua_remove(L, names);
	return 1;
}

/* The `by` argument at idx: a key name, or dflt if nil. */
static enum tq_key tv_key(lua_State *L, int idx, enum tq_key dflt)
{
#define TV_KEY_NAME(NAME, name) #name,
	static const char *const names[TQ_KEY_COUNT] = {TQ_KEYS(TV_KEY_NAME)};
#undef TV_KEY_NAME
	const char *want = lua_tostring(L, idx);

	if (lua_isnil(L, idx))
		return dflt;
	for (int k = 0; want && k < TQ_KEY_COUNT; k++)
		if (!strcmp(want, names[k]))
			return (enum tq_key)k;
	return (enum tq_key)luaL_error(L, "by must be event, cpu, vm, vcpu, intid or reason");
}

/* The event at idx, by name. */
static uint32_t tv_event(lua_State *L, int idx, const char *what)
{
	uint32_t mask;

	if (lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "%s must be an event name", what);
	mask = tv_event_mask(L, idx);
	return (uint32_t)__builtin_ctz(mask);
}

/* Push key as Lua sees it: a name where there is one (VM, event, exit class), else a number. */
static void tv_push_key(lua_State *L, enum tq_key by, uint32_t key, const struct vt_sys *s)
{
#define TV_EXIT_CASE(class, key_name, label, b, c)                                                 \
	case class:                                                                                \
		lua_pushstring(L, #key_name);                                                      \
		return;

	if (by == TQ_KEY_EVENT && key < VT_EV_COUNT && tv_event_names[key])
		lua_pushstring(L, tv_event_names[key]);
	else if (by == TQ_KEY_VM && key < s->nr_vms)
		lua_pushstring(L, s->vms[key].name);
	else if (by == TQ_KEY_VM)
		lua_pushstring(L, "none");
	else if (by == TQ_KEY_VCPU && (key >> 8) < s->nr_vms)
		lua_pushfstring(L, "%s/%d", s->vms[key >> 8].name, (int)(key & 0xff));
	else if (by == TQ_KEY_REASON)
		switch (key) {
			VT_EXIT_CLASSES(TV_EXIT_CASE)
		default: {
			char name[16];

			snprintf(name, sizeof name, "ec_0x%02x", (unsigned)key & 0xff);
			lua_pushstring(L, name);
		}
		}
	else
		lua_pushinteger(L, key);
#undef TV_EXIT_CASE
}

/* The rings argument cpu (nil: all) asks for, in turn: NULL when done. */
static const struct vt_ring *tv_next_ring(lua_State *L, int idx, uint32_t *cpu)
{
	lua_Integer want = (lua_getfield(L, idx, "cpu"), luaL_optinteger(L, -1, -1));

	lua_pop(L, 1);
	luaL_argcheck(L, want >= -1 && want < PLAT_CPU_NUM, idx, "no such pCPU");
	for (; *cpu < PLAT_CPU_NUM; ++*cpu)
		if ((want < 0 || *cpu == (uint32_t)want) && trace_view_ring(*cpu))
			return trace_view_ring((*cpu)++);
	return NULL;
}

/* A query's table argument (1): events, vm (an id or a name) and by (default dflt). */
static struct tq_query tv_query(lua_State *L, const struct vt_sys *s, enum tq_key dflt)
{
	struct tq_query q = {0, VT_NONE, dflt};

	luaL_checktype(L, 1, LUA_TTABLE);
	q.events = (lua_getfield(L, 1, "events"), tv_event_mask(L, -1));
	q.by = (lua_getfield(L, 1, "by"), tv_key(L, -1, dflt));
	if (lua_getfield(L, 1, "vm") != LUA_TNIL)
		q.vm = syspage_find_vm(L, s, -1);
	lua_pop(L, 3);
	return q;
}

/*
 * trace.count{events=NAMES, by=KEY, vm=VM, cpu=N}: {[key] = events, ...}, then
 * the events counted and the ring records looked at. KEY: event (default),
 * cpu, vm, vcpu ("name/N"), intid, reason (an exit's class). Every ring
 * (or pCPU N's), oldest record first, without consuming.
 */
static int tv_count(lua_State *L)
{
	const struct vt_sys *s = syspage_get(L);
	struct tq_query q = tv_query(L, s, TQ_KEY_EVENT);
	struct tq_count *c;
	const struct vt_ring *r;
	uint32_t cpu = 0;

	c = lua_newuserdatauv(L, sizeof(*c), 0);
	memset(c, 0, sizeof(*c));
	while ((r = tv_next_ring(L, 1, &cpu)) != NULL)
		tq_count(r, &q, c);
	lua_createtable(L, 0, (int)c->by.used);
	for (uint32_t i = 0; i < TQ_SLOTS; i++)
		if (c->by.full[i]) {
			tv_push_key(L, q.by, c->by.key[i], s);
			lua_pushinteger(L, (lua_Integer)c->by.val[i]);
			lua_rawset(L, -3);
		}
	lua_pushinteger(L, (lua_Integer)c->total);
	lua_pushinteger(L, (lua_Integer)c->scanned);
	return 3;
}

/*
 * trace.gaps{from=EVENT, to=EVENT, by=KEY, vm=VM, cpu=N}: the time from each
 * `from` to the next `to` with the same key (default vcpu) on the same
 * ring: {n=, min=, max=, mean= (ns), unpaired=, hist = {{ns = 2^i, n = gaps
 * of [2^i, 2^(i+1)) ns}, ...}}, nil if none.
 */
static int tv_gaps(lua_State *L)
{
	struct tq_query q = tv_query(L, syspage_get(L), TQ_KEY_VCPU);
	struct tq_gaps *g;
	const struct vt_ring *r;
	uint32_t from, to, cpu = 0;
	int n = 0;

	from = (lua_getfield(L, 1, "from"), tv_event(L, -1, "from"));
	to = (lua_getfield(L, 1, "to"), tv_event(L, -1, "to"));
	lua_pop(L, 2);
	g = lua_newuserdatauv(L, sizeof(*g), 0);
	memset(g, 0, sizeof(*g));
	while ((r = tv_next_ring(L, 1, &cpu)) != NULL)
		tq_gaps(r, from, to, &q, g);
	if (!g->n) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 6);
	field_int(L, "n", (lua_Integer)g->n);
	field_int(L, "min", (lua_Integer)g->min);
	field_int(L, "max", (lua_Integer)g->max);
	field_int(L, "mean", (lua_Integer)(g->sum / g->n));
	field_int(L, "unpaired", (lua_Integer)g->unpaired);
	lua_newtable(L);
	for (unsigned b = 0; b < TQ_BUCKETS; b++)
		if (g->hist[b]) {
			lua_createtable(L, 0, 2);
			field_int(L, "ns", (lua_Integer)1 << b);
			field_int(L, "n", (lua_Integer)g->hist[b]);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "hist");
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
    {"rings", tv_rings},   {"read", tv_read},   {"count", tv_count},
    {"gaps", tv_gaps},     {"stats", tv_stats}, {"lost", tv_lost},
    {"enable", tv_enable}, {"poke", tv_poke},   {NULL, NULL},
};

void trace_view_open(lua_State *L)
{
	luaL_newlib(L, tv_lib);
	lua_setglobal(L, "trace");
}
