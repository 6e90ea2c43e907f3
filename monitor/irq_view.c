/*
 * irq.latency{vm=ID, intid=N}: how long the hypervisor takes from an
 * interrupt's arrival (the exit it causes) to its injection into the VM,
 * measured over what the trace rings hold now. Samples are in ns.
 */
#include "irq_view.h"

#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "lauxlib.h"
#include "platform.h"
#include "ring.h"
#include "trace_view.h"

static int iv_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Arrival-to-injection delays of intid into vm on one ring, appended to s[*n..cap). */
static void iv_ring(const struct vt_ring *r, uint32_t vm, uint32_t intid, uint64_t *s, size_t *n,
                    size_t cap)
{
	struct vt_record buf[64];
	uint64_t pos = 0, skipped = 0, arrival = 0;
	uint32_t got;

	while (*n < cap && (got = vt_ring_peek(r, &pos, buf, 64, &skipped)) != 0)
		for (uint32_t k = 0; k < got && *n < cap; k++) {
			const struct vt_record *e = &buf[k];

			if (e->event == VT_EV_EXIT && e->a == VT_EXIT_IRQ && e->b == intid)
				arrival = e->ts;
			else if (e->event == VT_EV_INJECT && e->a == intid && e->vm == vm &&
			         arrival) {
				s[(*n)++] = e->ts - arrival;
				arrival = 0;
			} else if (e->event == VT_EV_LOST)
				arrival = 0;
		}
}

static void iv_num(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

static int iv_latency(lua_State *L)
{
	const size_t cap = 65536;
	uint64_t *s, freq = 0, sum = 0;
	lua_Integer vm, intid;
	size_t n = 0;
	luaL_Buffer hist;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "vm");
	lua_getfield(L, 1, "intid");
	if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
		return luaL_error(L, "usage: irq.latency{vm=ID, intid=N}");
	vm = lua_tointeger(L, -2);
	intid = lua_tointeger(L, -1);
	lua_pop(L, 2);
	s = malloc(cap * sizeof *s);
	if (!s)
		return luaL_error(L, "not enough memory");
	for (uint32_t cpu = 0; cpu < PLAT_CPU_NUM; cpu++) {
		const struct vt_ring *r = trace_view_ring(cpu);

		if (!r)
			continue;
		freq = r->timer_freq;
		iv_ring(r, (uint32_t)vm, (uint32_t)intid, s, &n, cap);
	}
	qsort(s, n, sizeof *s, iv_cmp);
	lua_createtable(L, 0, 8);
	iv_num(L, "count", (lua_Integer)n);
	if (n && freq) {
		for (size_t i = 0; i < n; i++) {
			s[i] = s[i] * 1000000000ull / freq; /* ticks to ns */
			sum += s[i];
		}
		iv_num(L, "min", (lua_Integer)s[0]);
		iv_num(L, "avg", (lua_Integer)(sum / n));
		iv_num(L, "p50", (lua_Integer)s[n / 2]);
		iv_num(L, "p99", (lua_Integer)s[n * 99 / 100]);
		iv_num(L, "max", (lua_Integer)s[n - 1]);
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
	free(s);
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
