/*
 * cache.colors(): the last-level cache's geometry and colours as the system
 * page gives them, each VM's colours, the colours any two VMs share, and a
 * printable map. An uncoloured VM (no `colors` in the config) owns every
 * colour, so it overlaps every other VM everywhere, and the map says so.
 */
#include "cache_view.h"

#include <stdarg.h>
#include <stdio.h>

#include <vitrine/abi.h>
#include <vitrine/config.h>
#include <vitrine/llc.h>

#include "field.h"
#include "lauxlib.h"
#include "mon_arch.h"
#include "pmu_view.h"
#include "rt.h"
#include "syspage.h"

#define CV_BAND 64 /* colours per row of the map: rows stay well inside a console line */

/* {c, ...}: the colours both a and b own (b NULL: a's own). */
static int cv_colors(lua_State *L, const struct vt_sys *s, const struct vt_sys_vm *a,
                     const struct vt_sys_vm *b)
{
	int n = 0;

	lua_newtable(L);
	for (uint32_t c = 0; c < s->llc.colors; c++)
		if (syspage_has_color(a, c) && (!b || syspage_has_color(b, c))) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, ++n);
		}
	return n;
}

/* lua_pushfstring has no field widths. */
static void cv_addf(luaL_Buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cv_addf(luaL_Buffer *b, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	luaL_addstring(b, line);
}

static void cv_map(lua_State *L, const struct vt_sys *s)
{
	const struct vt_sys_llc *llc = &s->llc;
	int uncolored = 0;
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	if (!llc->level) {
		luaL_addstring(&b, "no data or unified cache described (CLIDR_EL1)\n");
		luaL_pushresult(&b);
		return;
	}
	cv_addf(&b, "LLC: L%u, %llu KiB, %u ways, %u-byte lines: %u colours of 4 KiB\n",
	        (unsigned)llc->level, (unsigned long long)(llc->size / 1024), (unsigned)llc->ways,
	        (unsigned)llc->line, (unsigned)llc->colors);
	for (uint32_t lo = 0; lo < llc->colors; lo += CV_BAND) {
		uint32_t hi = lo + CV_BAND < llc->colors ? lo + CV_BAND : llc->colors;

		cv_addf(&b, "%-16s ", llc->colors > CV_BAND ? "colour (hex)" : "colour");
		for (uint32_t c = lo; c < hi; c++)
			luaL_addchar(&b, "0123456789abcdef"[c % 16]);
		cv_addf(&b, "  %u-%u\n", (unsigned)lo, (unsigned)hi - 1);
		for (uint32_t i = 0; i < s->nr_vms; i++) {
			const struct vt_sys_vm *m = &s->vms[i];
			uint32_t owned = 0;

			cv_addf(&b, "%-16s ", m->name);
			for (uint32_t c = lo; c < hi; c++) {
				owned += syspage_has_color(m, c);
				luaL_addchar(&b, syspage_has_color(m, c) ? '#' : '.');
			}
			cv_addf(&b, "  %u%s\n", (unsigned)owned,
			        m->flags & VT_SYS_VM_UNCOLORED ? " (uncoloured)" : "");
			uncolored |= (m->flags & VT_SYS_VM_UNCOLORED) != 0;
		}
	}
	for (uint32_t i = 0; i < s->nr_vms; i++)
		for (uint32_t j = i + 1; j < s->nr_vms; j++) {
			uint32_t shared = 0;

			for (uint32_t c = 0; c < llc->colors; c++)
				shared += syspage_has_color(&s->vms[i], c) &&
				          syspage_has_color(&s->vms[j], c);
			if (shared)
				cv_addf(&b, "overlap %s/%s: %u colours\n", s->vms[i].name,
				        s->vms[j].name, (unsigned)shared);
		}
	if (uncolored)
		luaL_addstring(&b, "uncoloured: a VM without `colors` in its config may allocate\n"
		                   "in every colour and evict any other VM's lines");
	luaL_pushresult(&b);
}

/* cache.colors(): {llc={...}, vms={{name=, colors={...}}...}, overlaps={{a=, b=, colors=}...},
 * map=} */
static int cv_colors_fn(lua_State *L)
{
	const struct vt_sys *s = syspage_get(L);
	int n = 0;

	lua_newtable(L);
	lua_newtable(L);
	field_int(L, "level", s->llc.level);
	field_int(L, "size", (lua_Integer)s->llc.size);
	field_int(L, "ways", s->llc.ways);
	field_int(L, "line", s->llc.line);
	field_int(L, "sets", s->llc.sets);
	field_int(L, "colors", s->llc.colors);
	field_bool(L, "capped", (s->flags & VT_SYS_COLORS_CAPPED) != 0);
	lua_setfield(L, -2, "llc");
	lua_newtable(L);
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		lua_newtable(L);
		field_str(L, "name", s->vms[i].name);
		cv_colors(L, s, &s->vms[i], NULL);
		lua_setfield(L, -2, "colors");
		field_bool(L, "uncolored", (s->vms[i].flags & VT_SYS_VM_UNCOLORED) != 0);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "vms");
	lua_newtable(L);
	for (uint32_t i = 0; i < s->nr_vms; i++)
		for (uint32_t j = i + 1; j < s->nr_vms; j++) {
			lua_newtable(L);
			field_str(L, "a", s->vms[i].name);
			field_str(L, "b", s->vms[j].name);
			if (!cv_colors(L, s, &s->vms[i], &s->vms[j])) {
				lua_pop(L, 2);
				continue;
			}
			lua_setfield(L, -2, "colors");
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "overlaps");
	cv_map(L, s);
	lua_setfield(L, -2, "map");
	return 1;
}

/* A consistent copy of the emulated LLC's page (a seqlock: see vitrine/llc.h); 0 if none. */
static int cv_llc_copy(struct vt_llc_page *copy)
{
	const volatile struct vt_llc_page *p =
	    (const volatile struct vt_llc_page *)(uintptr_t)CFG_MONITOR_LLC_IPA;

	for (int tries = 0; tries < 1000; tries++) {
		uint64_t seq = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);

		if (seq & 1)
			continue;
		for (size_t i = 0; i < sizeof *copy; i++)
			((uint8_t *)copy)[i] = ((const volatile uint8_t *)p)[i];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&p->seq, __ATOMIC_RELAXED) == seq)
			return copy->magic == VT_LLC_MAGIC && copy->version == VT_LLC_VERSION &&
			       copy->cpus <= VT_LLC_CPUS;
	}
	return 0;
}

static void cv_counts(lua_State *L, uint64_t accesses, uint64_t misses, int have_accesses)
{
	if (have_accesses)
		field_int(L, "accesses", (lua_Integer)accesses);
	field_int(L, "misses", (lua_Integer)misses);
	if (have_accesses) {
		field_num(L, "miss_rate", accesses ? (lua_Number)misses / (lua_Number)accesses : 0);
	}
}

/* Per pCPU accesses and misses, from one source or the other; the timing model's figures. */
struct cv_llc_counts {
	uint32_t cpus;
	int have_accesses;
	uint32_t freq_mhz; /* 0: no timing model */
	uint64_t accesses[VT_SYS_PCPUS];
	uint64_t misses[VT_SYS_PCPUS];
	uint64_t cycles[VT_SYS_PCPUS];
	uint64_t bus_bytes[VT_SYS_PCPUS];
};

/*
 * The timing model's figures of a pCPU or a VM: modelled cycles, time (ns; a VM's is its
 * longest pCPU's), bus bytes and their mean rate over that time (MB/s).
 */
static void cv_time(lua_State *L, uint32_t freq_mhz, uint64_t cycles, uint64_t longest,
                    uint64_t bus_bytes)
{
	uint64_t ns = longest * 1000 / freq_mhz;

	field_int(L, "cycles", (lua_Integer)cycles);
	field_int(L, "time_ns", (lua_Integer)ns);
	field_int(L, "bus_bytes", (lua_Integer)bus_bytes);
	field_int(L, "bus_mbps", ns ? (lua_Integer)(bus_bytes * 1000 / ns) : 0);
}

/* The emulated LLC's page: its geometry and each vCPU's loads and stores. */
static void cv_llc_emulated(lua_State *L, const struct vt_llc_page *c, struct cv_llc_counts *n)
{
	lua_pushliteral(L, "emulated");
	lua_setfield(L, -2, "source");
	field_int(L, "size", (lua_Integer)c->size);
	field_int(L, "ways", c->ways);
	field_int(L, "line", c->line);
	field_int(L, "sets", c->sets);
	field_int(L, "publishes", (lua_Integer)c->publishes);
	n->freq_mhz = c->freq_mhz;
	if (n->freq_mhz) {
		lua_newtable(L);
		field_int(L, "freq_mhz", c->freq_mhz);
		field_int(L, "bus_mbps", c->bus_mbps);
		field_num(L, "bus_util", (lua_Number)c->bus_util / 1000);
		lua_setfield(L, -2, "timing");
	}
	lua_newtable(L);
	n->cpus = c->cpus < VT_SYS_PCPUS ? c->cpus : VT_SYS_PCPUS;
	n->have_accesses = 1;
	for (uint32_t i = 0; i < n->cpus; i++) {
		const struct vt_llc_cpu *k = &c->cpu[i];

		n->accesses[i] = k->loads + k->stores;
		n->misses[i] = k->load_misses + k->store_misses;
		n->cycles[i] = k->cycles;
		n->bus_bytes[i] = k->bus_bytes;
		lua_newtable(L);
		field_int(L, "cpu", i);
		field_int(L, "loads", (lua_Integer)k->loads);
		field_int(L, "load_misses", (lua_Integer)k->load_misses);
		field_int(L, "stores", (lua_Integer)k->stores);
		field_int(L, "store_misses", (lua_Integer)k->store_misses);
		cv_counts(L, n->accesses[i], n->misses[i], 1);
		if (n->freq_mhz) {
			field_int(L, "insns", (lua_Integer)k->insns);
			field_int(L, "prefetched", (lua_Integer)k->prefetched);
			cv_time(L, n->freq_mhz, k->cycles, k->cycles, k->bus_bytes);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "cpus");
}

/* The hypervisor's PMU counters, each pCPU's read just now (those that answered in time). */
static void cv_llc_pmu(lua_State *L, const struct vt_sys *s, struct cv_llc_counts *n, int answered)
{
	lua_pushliteral(L, "pmu");
	lua_setfield(L, -2, "source");
	n->freq_mhz = 0;
	field_int(L, "refill_event", s->llc.pmu_refill);
	field_str(L, "refill_name", pmu_view_event_name(s->llc.pmu_refill));
	n->have_accesses = s->llc.pmu_access != VT_SYS_PMU_NONE;
	if (n->have_accesses) {
		field_int(L, "access_event", s->llc.pmu_access);
		field_str(L, "access_name", pmu_view_event_name(s->llc.pmu_access));
	}
	field_int(L, "answered", answered);
	lua_newtable(L);
	n->cpus = s->nr_pcpus;
	for (uint32_t i = 0, row = 0; i < n->cpus; i++) {
		const struct vt_sys_pcpu *p = &s->pcpus[i];

		n->accesses[i] = p->llc_accesses;
		n->misses[i] = p->llc_refills;
		if (!p->sampled)
			continue; /* never read: a pCPU without a vCPU */
		lua_newtable(L);
		field_int(L, "cpu", i);
		cv_counts(L, n->accesses[i], n->misses[i], n->have_accesses);
		field_int(L, "sampled", (lua_Integer)p->sampled);
		lua_rawseti(L, -2, (lua_Integer)++row);
	}
	lua_setfield(L, -2, "cpus");
}

/*
 * cache.llc([{mark = true}]): LLC accesses and misses per pCPU and per VM
 * (over its pCPUs), from the emulated LLC when QEMU runs its plugin (`make
 * run LLC=1`, counts since QEMU started, guest and hypervisor alike), else
 * from the PMU events the hypervisor counts on every pCPU (since boot, its
 * guest's only); nil and why without either. With the plugin's timing
 * model, rows also have modelled cycles, time and memory-bus bytes. mark
 * also puts each VM's misses in the trace (and its modelled time and bus
 * bytes, with the timing model).
 */
static int cv_llc(lua_State *L)
{
	static struct vt_llc_page c;
	static struct cv_llc_counts n;
	const struct vt_sys *s = syspage_get(L);
	int mark = lua_istable(L, 1) && (lua_getfield(L, 1, "mark"), lua_toboolean(L, -1));
	int answered = 0, emulated;

	if (!MON_LLC_COUNTS)
		return luaL_error(L, "cache.llc: not built on " MON_ARCH " (no LLC counters)");
	emulated = cv_llc_copy(&c);
	if (!emulated) {
		if (s->llc.pmu_refill == VT_SYS_PMU_NONE) {
			lua_pushnil(L);
			lua_pushliteral(L,
			                "no LLC counts: no emulated LLC (QEMU: make run LLC=1) and "
			                "no LLC refill event in this PMU (PMCEID; see llc-events)");
			return 2;
		}
		answered = (int)(int64_t)rt_hvc(VT_HC_LLC_SAMPLE, 0, 0, 0).x0;
		if (answered < 0)
			return luaL_error(L, "cache.llc: the hypervisor refused to sample (%d)",
			                  answered);
		s = syspage_get(L); /* with the rows just written */
	}
	lua_newtable(L);
	if (emulated)
		cv_llc_emulated(L, &c, &n);
	else
		cv_llc_pmu(L, s, &n, answered);
	lua_newtable(L);
	for (uint32_t v = 0; v < s->nr_vms; v++) {
		uint64_t acc = 0, miss = 0, cycles = 0, longest = 0, bus = 0;

		for (uint32_t i = 0; i < n.cpus; i++)
			if (s->vms[v].cpus >> i & 1) {
				acc += n.accesses[i];
				miss += n.misses[i];
				cycles += n.cycles[i];
				longest = n.cycles[i] > longest ? n.cycles[i] : longest;
				bus += n.bus_bytes[i];
			}
		lua_newtable(L);
		field_str(L, "name", s->vms[v].name);
		cv_counts(L, acc, miss, n.have_accesses);
		if (n.freq_mhz)
			cv_time(L, n.freq_mhz, cycles, longest, bus);
		lua_rawseti(L, -2, (lua_Integer)v + 1);
		if (mark)
			rt_hvc(VT_HC_TRACE_MARK, VT_MARK_LLC_MISSES + v, miss, 0);
		if (mark && n.freq_mhz) {
			rt_hvc(VT_HC_TRACE_MARK, VT_MARK_LLC_TIME_NS + v,
			       longest * 1000 / n.freq_mhz, 0);
			rt_hvc(VT_HC_TRACE_MARK, VT_MARK_LLC_BUS_BYTES + v, bus, 0);
		}
	}
	lua_setfield(L, -2, "vms");
	return 1;
}

static const luaL_Reg cv_lib[] = {
    {"colors", cv_colors_fn},
    {"llc", cv_llc},
    {NULL, NULL},
};

void cache_view_open(lua_State *L)
{
	luaL_newlib(L, cv_lib);
	lua_setglobal(L, "cache");
}
