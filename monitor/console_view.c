/*
 * The Lua table `console`: attach to one VM's console, the ring's
 * counters, and a poke for the test of the hypervisor's checks.
 */
#include "console.h"

#include <stdio.h>
#include <string.h>

#include <vitrine/abi.h>
#include <vitrine/conring.h>

#include "field.h"
#include "lauxlib.h"
#include "net.h"
#include "rt.h"
#include "syspage.h"

#define CON_DETACH 0x1d /* Ctrl-], as in telnet */

/* console.attach(vm): its lines alone, keys typed into its UART, until Ctrl-]. */
static int con_attach(lua_State *L)
{
	static struct con_rec r;
	const struct vt_sys *s = syspage_get(L);
	uint32_t id = syspage_find_vm(L, s, 1);
	uint64_t others = 0;
	char name[sizeof s->vms[id].name];
	int key = -1;

	memcpy(name, s->vms[id].name, sizeof name); /* checked: NUL-terminated */
	con_pump();
	printf("console: attached to %s; Ctrl-] leaves\n", name);
	fflush(stdout);
	for (;;) {
		if (key < 0)
			key = con_key();
		if (key == CON_DETACH)
			break;
		if (key >= 0) {
			int64_t took =
			    (int64_t)rt_hvc(VT_HC_CONSOLE_INPUT, (uint64_t)id, 1, (uint64_t)key).x0;

			if (took < 0)
				return luaL_error(L, "%s has no UART to type to (%d)", name,
				                  (int)took);
			if (took)
				key = -1; /* else its FIFO is full: the key waits */
		}
		while (con_next(&r)) {
			if (r.src == (uint32_t)id || r.src == VT_CON_HYP)
				con_show(&r, 0);
			else
				others++;
			con_done();
		}
		net_poll(); /* TCP clients' input is buffered, streams flow; their chunks wait */
		rt_relax();
	}
	printf("console: left %s", name);
	if (others)
		printf(" (%llu lines of other VMs were not shown)", (unsigned long long)others);
	printf("\n");
	return 0;
}

/* console.stats(): the ring as the hypervisor keeps it. */
static int con_stats(lua_State *L)
{
	struct con_ring_stats st;

	con_ring_stats(&st);
	lua_newtable(L);
	field_int(L, "written", (lua_Integer)st.written);
	field_int(L, "read", (lua_Integer)st.read);
	field_int(L, "lost", (lua_Integer)st.lost);
	field_int(L, "bad_positions", (lua_Integer)st.bad_positions);
	return 1;
}

/* console.poke(n): write a position no reader could have, for the test of the hypervisor's check.
 */
static int con_poke(lua_State *L)
{
	con_poke_tail((uint64_t)luaL_checkinteger(L, 1));
	return 0;
}

static const luaL_Reg con_lib[] = {
    {"attach", con_attach},
    {"stats", con_stats},
    {"poke", con_poke},
    {NULL, NULL},
};

void con_open(lua_State *L)
{
	luaL_newlib(L, con_lib);
	lua_setglobal(L, "console");
}
