/*
 * The Lua table `pmu`: the PMUv3 of the pCPU the monitor runs on. The
 * hypervisor leaves the monitor's PMU registers untrapped (every other VM
 * reads zeros), so counting is direct: program, run, read. Counts are of
 * EL0 and EL1 only (the filters leave EL2, the hypervisor, out), and of
 * this pCPU only. What QEMU counts: CPU_CYCLES always (from its virtual
 * clock), INST_RETIRED only under -icount (without it PMCEID does not
 * advertise it), and few other events.
 */
#include "pmu_view.h"

#include <string.h>

#include "field.h"
#include "lauxlib.h"
#include "rt.h"
#include "syspage.h"
#include "timer.h"

#define PV_READ(reg)                                                                               \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                      \
		v_;                                                                                \
	})
#define PV_WRITE(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" ::"r"((uint64_t)(v)) : "memory")

#define PV_PMCR_E (1u << 0)
#define PV_PMCR_C (1u << 2)
#define PV_PMCR_LC (1u << 6) /* the cycle counter overflows at 64 bits, not 32 */
#define PV_CYCLE_BIT (1u << 31)
#define PV_ALL 0xffffffffu
#define PV_CPU_CYCLES 0x11
#define PV_MARK_ID 0x504d5500u /* "PMU" and the event number: pmu.sample{mark=true} */

/* The common architectural and microarchitectural events 0x00-0x3F (Arm ARM, PMUv3). */
static const char *const pv_names[64] = {
    "sw_incr",
    "l1i_cache_refill",
    "l1i_tlb_refill",
    "l1d_cache_refill",
    "l1d_cache",
    "l1d_tlb_refill",
    "ld_retired",
    "st_retired",
    "inst_retired",
    "exc_taken",
    "exc_return",
    "cid_write_retired",
    "pc_write_retired",
    "br_immed_retired",
    "br_return_retired",
    "unaligned_ldst_retired",
    "br_mis_pred",
    "cpu_cycles",
    "br_pred",
    "mem_access",
    "l1i_cache",
    "l1d_cache_wb",
    "l2d_cache",
    "l2d_cache_refill",
    "l2d_cache_wb",
    "bus_access",
    "memory_error",
    "inst_spec",
    "ttbr_write_retired",
    "bus_cycles",
    "chain",
    "l1d_cache_allocate",
    "l2d_cache_allocate",
    "br_retired",
    "br_mis_pred_retired",
    "stall_frontend",
    "stall_backend",
    "l1d_tlb",
    "l1i_tlb",
    "l2i_cache",
    "l2i_cache_refill",
    "l3d_cache_allocate",
    "l3d_cache_refill",
    "l3d_cache",
    "l3d_cache_wb",
    "l2d_tlb_refill",
    "l2i_tlb_refill",
    "l2d_tlb",
    "l2i_tlb",
    "remote_access",
    "ll_cache",
    "ll_cache_miss",
    "dtlb_walk",
    "itlb_walk",
    "ll_cache_rd",
    "ll_cache_miss_rd",
    "remote_access_rd",
    "l1d_cache_lmiss_rd",
    "op_retired",
    "op_spec",
    "stall",
    "stall_slot_backend",
    "stall_slot_frontend",
    "stall_slot",
};

const char *pmu_view_event_name(uint32_t e)
{
	return e < 64 ? pv_names[e] : NULL;
}

/* Bit e: common event e is implemented (PMCEID0_EL0 for 0x00-0x1F, PMCEID1_EL0 for 0x20-0x3F). */
static uint64_t pv_implemented(void)
{
	return (PV_READ(pmceid1_el0) & PV_ALL) << 32 | (PV_READ(pmceid0_el0) & PV_ALL);
}

/*
 * Event counters besides the cycle counter: 0 if the PMU is trapped (read
 * as zero). The hypervisor keeps the top ones (MDCR_EL2.HPMN, for its LLC
 * counts): hardware then shows EL1 only the rest in PMCR_EL0.N, QEMU 7.2
 * shows them all, so the system page has the last word.
 */
static uint32_t pv_counters(void)
{
	uint32_t n = (uint32_t)(PV_READ(pmcr_el0) >> 11 & 0x1f);
	const char *why;
	const struct vt_sys *s = syspage_read(&why);

	return s && s->pmu_counters < n ? s->pmu_counters : n;
}

/* pmu.events(): the names of the common events this CPU implements, by number. */
static int pv_events(lua_State *L)
{
	uint64_t impl = pv_implemented();
	int n = 0;

	lua_newtable(L);
	for (uint32_t e = 0; e < 64; e++)
		if (impl >> e & 1) {
			lua_pushstring(L, pv_names[e]);
			lua_rawseti(L, -2, ++n);
		}
	return 1;
}

/* pmu.counters(): how many events can be counted at once besides cpu_cycles. */
static int pv_counters_fn(lua_State *L)
{
	lua_pushinteger(L, pv_counters());
	return 1;
}

/* The event numbers t.events names, checked (at most counters + cpu_cycles); returns how many. */
static uint32_t pv_parse(lua_State *L, uint8_t *ev, uint32_t counters)
{
	uint64_t impl = pv_implemented(), seen = 0;
	uint32_t n = 0;

	if (lua_getfield(L, 1, "events") != LUA_TTABLE)
		luaL_error(L, "pmu.sample: events={name, ...} wanted");
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++, lua_pop(L, 1)) {
		const char *name = lua_tostring(L, -1);
		uint32_t e = 0;

		while (e < 64 && (!name || strcmp(name, pv_names[e])))
			e++;
		if (e == 64)
			luaL_error(L, "pmu.sample: no event '%s' (see pmu.events())",
			           name ? name : "?");
		if (!(impl >> e & 1))
			luaL_error(L, "pmu.sample: this CPU does not implement '%s'", name);
		if (seen >> e & 1)
			luaL_error(L, "pmu.sample: '%s' given twice", name);
		seen |= 1ull << e;
		if (n - (seen >> PV_CPU_CYCLES & 1) == counters)
			luaL_error(L, "pmu.sample: more than %d events besides cpu_cycles",
			           (int)counters);
		ev[n++] = (uint8_t)e;
	}
	lua_pop(L, 2);
	if (!n)
		luaL_error(L, "pmu.sample: no events");
	return n;
}

/* What is counted: t.run() called, or t.ms milliseconds of busy-waiting (ms checked > 0). */
static int pv_run(lua_State *L)
{
	uint64_t end;

	if (lua_getfield(L, 1, "run") == LUA_TFUNCTION) {
		lua_call(L, 0, 0);
		return 0;
	}
	lua_getfield(L, 1, "ms");
	end = timer_now() + timer_freq() * (uint64_t)lua_tointeger(L, -1) / 1000;
	while (timer_now() < end)
		rt_relax();
	return 0;
}

/* Either run=function or ms=N > 0, checked before any counter starts. */
static void pv_check_what(lua_State *L)
{
	int fn = lua_getfield(L, 1, "run") == LUA_TFUNCTION;
	int ms = lua_getfield(L, 1, "ms") == LUA_TNUMBER && lua_isinteger(L, -1) &&
	         lua_tointeger(L, -1) > 0;

	lua_pop(L, 2);
	if (fn == ms)
		luaL_error(L, "pmu.sample: run=function or ms=N (N > 0) wanted");
}

/*
 * pmu.sample{events={...}, run=function | ms=N [, mark=true]}: {event=count,
 * ..., ticks=, overflow=}. cpu_cycles takes the (64-bit) cycle counter, the
 * others 32-bit event counters in order. mark=true also writes each count
 * to the trace as a guest marker (id PV_MARK_ID + event number).
 */
static int pv_sample(lua_State *L)
{
	uint32_t counters = pv_counters(), n, mask = 0, status;
	uint32_t mine = (uint32_t)((1ull << counters) - 1) | PV_CYCLE_BIT;
	uint8_t ev[32];
	uint64_t count[32], ticks, ovf;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (!counters)
		return luaL_error(L,
		                  "pmu.sample: no PMU counters here (only the monitor has them)");
	n = pv_parse(L, ev, counters);
	pv_check_what(L);
	PV_WRITE(pmcntenclr_el0, mine);
	PV_WRITE(pmovsclr_el0, mine);
	for (uint32_t i = 0, c = 0; i < n; i++) {
		if (ev[i] == PV_CPU_CYCLES) {
			mask |= PV_CYCLE_BIT;
			continue;
		}
		PV_WRITE(pmselr_el0, c);
		PV_WRITE(pmxevtyper_el0, ev[i]); /* filter bits 0: EL0 and EL1, not EL2 */
		PV_WRITE(pmxevcntr_el0, 0);      /* not PMCR.P: QEMU would zero the hypervisor's */
		mask |= 1u << c++;
	}
	PV_WRITE(pmccfiltr_el0, 0);
	PV_WRITE(pmcr_el0, PV_PMCR_E | PV_PMCR_C | PV_PMCR_LC);
	ticks = timer_now();
	PV_WRITE(pmcntenset_el0, mask);
	lua_pushcfunction(L, pv_run);
	lua_pushvalue(L, 1);
	status = (uint32_t)lua_pcall(L, 1, 0, 0);
	PV_WRITE(pmcntenclr_el0, mine);
	ticks = timer_now() - ticks;
	if (status != LUA_OK)
		return lua_error(L); /* after the counters are stopped */
	ovf = PV_READ(pmovsset_el0) & mask;
	for (uint32_t i = 0, c = 0; i < n; i++) {
		if (ev[i] == PV_CPU_CYCLES) {
			count[i] = PV_READ(pmccntr_el0);
			continue;
		}
		PV_WRITE(pmselr_el0, c++);
		count[i] = PV_READ(pmxevcntr_el0) & PV_ALL;
	}
	lua_newtable(L);
	for (uint32_t i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)count[i]);
		lua_setfield(L, -2, pv_names[ev[i]]);
	}
	field_int(L, "ticks", (lua_Integer)ticks);
	lua_pushboolean(L, ovf != 0); /* a 32-bit counter wrapped: its count is modulo 2^32 */
	lua_setfield(L, -2, "overflow");
	if (lua_getfield(L, 1, "mark"), lua_toboolean(L, -1))
		for (uint32_t i = 0; i < n; i++)
			rt_trace_mark(PV_MARK_ID + ev[i], count[i]);
	lua_pop(L, 1);
	return 1;
}

static const luaL_Reg pv_lib[] = {
    {"events", pv_events},
    {"counters", pv_counters_fn},
    {"sample", pv_sample},
    {NULL, NULL},
};

void pmu_view_open(lua_State *L)
{
	luaL_newlib(L, pv_lib);
	lua_setglobal(L, "pmu");
}
