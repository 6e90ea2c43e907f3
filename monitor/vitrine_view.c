/* The Lua table `vitrine`: the partition itself (its clock, its stack, its end). */
#include "vitrine_view.h"

#include <stdint.h>
#include <stdio.h>

#include "lauxlib.h"
#include "net.h"
#include "rt.h"
#include "stack.h"
#include "sys.h"
#include "timer.h"

/* Defined by monitor/monitor.ld. */
extern char __image_start[], __image_end[];

/* vitrine.poweroff(): the partition's last words (its sizes), then PSCI SYSTEM_OFF. */
static int vitrine_poweroff(lua_State *L)
{
	size_t bytes;

	lua_gc(L, LUA_GCCOLLECT);
	bytes = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
	printf("monitor: image %u KiB, Lua state uses %u KiB after a full collection, "
	       "heap top %u KiB\n",
	       (unsigned)(((uintptr_t)__image_end - (uintptr_t)__image_start + 1023) / 1024),
	       (unsigned)((bytes + 1023) / 1024), (unsigned)((sys_heap_used() + 1023) / 1024));
	fflush(stdout);
	net_flush(); /* a TCP client that asked sees the answer */
	rt_system_off();
	return 0;
}

/* vitrine.now(): the virtual counter; vitrine.freq(): its ticks per second (rt's timer.h). */
static int vitrine_now(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)timer_now());
	return 1;
}

static int vitrine_freq(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)timer_freq());
	return 1;
}

void vitrine_view_open(lua_State *L)
{
	static const luaL_Reg lib[] = {
	    {"poweroff", vitrine_poweroff}, {"now", vitrine_now}, {"freq", vitrine_freq},
	    {"stack", stack_lua},           {NULL, NULL},
	};

	luaL_newlib(L, lib);
	lua_setglobal(L, "vitrine");
}
