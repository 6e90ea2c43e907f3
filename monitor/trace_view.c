/*
 * The trace rings as the monitor sees them: read-only, at the IPAs the
 * hypervisor maps them to (hyp/core/config.h), one per pCPU. The Lua table
 * `trace` reads their headers and records; writing is the hypervisor's
 * alone, which trace.poke() lets a test prove (the write is a stage-2 fault).
 */
#include "trace_view.h"

#include <string.h>

#include "config.h"
#include "format.h"
#include "lauxlib.h"
#include "platform.h"
#include "rt.h"

static const volatile struct vt_ring *tv_ring(uint32_t cpu)
{
	const volatile struct vt_ring *r =
	    (const volatile struct vt_ring *)(uintptr_t)(CFG_MONITOR_RINGS_IPA +
	                                                 cpu * CFG_MONITOR_RING_STRIDE);

	return r->magic == VT_RING_MAGIC && r->version == VT_VERSION ? r : 0;
}

static void tv_field(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

/* trace.rings(): {{cpu=, mode="flight"|"stream", capacity=, written=, lost=}, ...} */
static int tv_rings(lua_State *L)
{
	int n = 0;

	lua_newtable(L);
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const volatile struct vt_ring *r = tv_ring(cpu);

		if (!r)
			continue;
		lua_newtable(L);
		tv_field(L, "cpu", r->cpu);
		lua_pushstring(L, r->mode == VT_MODE_FLIGHT ? "flight" : "stream");
		lua_setfield(L, -2, "mode");
		tv_field(L, "capacity", r->capacity);
		tv_field(L, "written", (lua_Integer)__atomic_load_n(&r->head, __ATOMIC_ACQUIRE));
		tv_field(L, "lost", (lua_Integer)r->lost);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

static const char *const tv_event_names[VT_EV_COUNT] = {
    [VT_EV_LOST] = "lost",
    [VT_EV_EXIT] = "exit",
    [VT_EV_ENTER] = "enter",
    [VT_EV_IRQ] = "irq",
    [VT_EV_INJECT] = "inject",
    [VT_EV_LR_FULL] = "lr_full",
    [VT_EV_IPI] = "ipi",
    [VT_EV_HVC] = "hvc",
    [VT_EV_PSCI] = "psci",
    [VT_EV_IPC] = "ipc",
    [VT_EV_FAULT] = "fault",
    [VT_EV_VM_STATE] = "vm_state",
    [VT_EV_VCPU_STATE] = "vcpu_state",
    [VT_EV_MARK] = "mark",
};

static void tv_record(lua_State *L, const struct vt_record *rec, uint64_t pos)
{
	lua_createtable(L, 0, 9);
	tv_field(L, "pos", (lua_Integer)pos);
	tv_field(L, "ts", (lua_Integer)rec->ts);
	lua_pushstring(L, rec->event < VT_EV_COUNT && tv_event_names[rec->event]
	                      ? tv_event_names[rec->event]
	                      : "?");
	lua_setfield(L, -2, "event");
	if (rec->vm != VT_NONE)
		tv_field(L, "vm", rec->vm);
	if (rec->vcpu != VT_NONE)
		tv_field(L, "vcpu", rec->vcpu);
	tv_field(L, "a", rec->a);
	tv_field(L, "b", (lua_Integer)rec->b);
	tv_field(L, "c", (lua_Integer)rec->c);
}

/*
 * trace.read{cpu=N, since=POS, max=M}: {records = {...}, next = POS, skipped = K}. The
 * monitor may not move a ring's tail (it is read-only here), so every ring is read the way a
 * flight-recorder reader does: copy, read head again, throw away what may have been
 * overwritten meanwhile (trace/ring.h argues why that is exact).
 */
static int tv_read(lua_State *L)
{
	const volatile struct vt_ring *r;
	uint64_t since, head, first, cap, n, bad = 0;
	lua_Integer cpu, max;
	int i = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	cpu = (lua_getfield(L, 1, "cpu"), luaL_optinteger(L, -1, 0));
	since = (uint64_t)(lua_getfield(L, 1, "since"), luaL_optinteger(L, -1, 0));
	max = (lua_getfield(L, 1, "max"), luaL_optinteger(L, -1, 1000));
	lua_pop(L, 3);
	luaL_argcheck(L, cpu >= 0 && cpu < PLAT_CPU_NUM, 1, "no such pCPU");
	luaL_argcheck(L, max > 0 && max <= 100000, 1, "max must be 1..100000");
	r = tv_ring((uint32_t)cpu);
	if (!r)
		return luaL_error(L, "pCPU %d has no trace ring", (int)cpu);
	cap = r->capacity;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	first = head - since > cap ? head - cap : since;
	n = head - first < (uint64_t)max ? head - first : (uint64_t)max;
	lua_createtable(L, 0, 3);
	lua_createtable(L, (int)n, 0);
	for (uint64_t p = first; p < first + n; p++) {
		struct vt_record rec;
		const volatile uint64_t *w =
		    (const volatile uint64_t *)((const volatile uint8_t *)(r + 1) +
		                                (p & (cap - 1)) * sizeof(struct vt_record));
		uint64_t words[4];

		for (int k = 0; k < 4; k++)
			words[k] = w[k];
		memcpy(&rec, words, sizeof rec);
		tv_record(L, &rec, p);
		lua_rawseti(L, -2, ++i);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	if (head + 1 > cap + first) /* records below head - cap + 1 may be half rewritten */
		bad = head + 1 - cap - first < n ? head + 1 - cap - first : n;
	for (uint64_t k = 0; k < bad; k++) { /* drop them from the front */
		lua_getglobal(L, "table");
		lua_getfield(L, -1, "remove");
		lua_remove(L, -2);
		lua_pushvalue(L, -2);
		lua_pushinteger(L, 1);
		lua_call(L, 2, 0);
	}
	lua_setfield(L, -2, "records");
	tv_field(L, "next", (lua_Integer)(first + n));
	tv_field(L, "skipped", (lua_Integer)(first - since + bad));
	return 1;
}

/* trace.enable{"exit", "irq", ...}: the event classes recorded from now on. */
static int tv_enable(lua_State *L)
{
	static const char *const names[] = {"exit", "irq", "call", "ipc", "fault", "state", "mark"};
	uint64_t mask = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		const char *c = luaL_checkstring(L, -1);
		unsigned k = 0;

		while (k < sizeof names / sizeof names[0] && strcmp(c, names[k]))
			k++;
		if (k == sizeof names / sizeof names[0])
			return luaL_error(L, "no trace class '%s'", c);
		mask |= VT_CLASS_EXIT << k;
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
    {"rings", tv_rings}, {"read", tv_read}, {"enable", tv_enable}, {"poke", tv_poke}, {NULL, NULL},
};

void trace_view_open(lua_State *L)
{
	luaL_newlib(L, tv_lib);
	lua_setglobal(L, "trace");
}
