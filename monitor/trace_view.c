/*
 * The trace rings as the monitor sees them: read-only, at the IPAs the
 * hypervisor maps them to (hyp/core/config.h), one per pCPU. The Lua table
 * `trace` reads their headers; writing is the hypervisor's alone, which
 * trace.poke() lets a test prove (the write is a stage-2 fault).
 */
#include "trace_view.h"

#include "config.h"
#include "format.h"
#include "lauxlib.h"
#include "platform.h"

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
    {"rings", tv_rings},
    {"poke", tv_poke},
    {NULL, NULL},
};

void trace_view_open(lua_State *L)
{
	luaL_newlib(L, tv_lib);
	lua_setglobal(L, "trace");
}
