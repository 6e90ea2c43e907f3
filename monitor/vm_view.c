/*
 * The Lua table `vm`: the VM table and live counters from the system page
 * the hypervisor shows the monitor (vitrine/sysview.h), refreshed by a
 * monitor-only hypercall before each look.
 */
#include "vm_view.h"

#include <string.h>

#include "config.h"
#include "lauxlib.h"
#include "rt.h"
#include "vitrine/sysview.h"

static const char *const vv_vm_states[] = {"running", "leaving", "resetting", "off", "stopped"};
static const char *const vv_vcpu_states[] = {"off", "pending", "running"};

static struct vt_sys *vv_page(lua_State *L)
{
	struct vt_sys *s = (struct vt_sys *)(uintptr_t)CFG_MONITOR_SYS_IPA;
	int64_t r = (int64_t)rt_hvc(VT_HC_SYS_REFRESH, 0, 0, 0).x0;

	if (r)
		luaL_error(L, "the hypervisor refused to refresh the system page (%d)", (int)r);
	if (s->magic != VT_SYS_MAGIC || s->version != VT_SYS_VERSION || s->nr_vms > VT_SYS_VMS ||
	    s->nr_vcpus > VT_SYS_VCPUS)
		luaL_error(L, "no system page (is this VM the config's monitor?)");
	return s;
}

static void vv_int(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

static void vv_str(lua_State *L, const char *name, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, name);
}

/* One VM as a table; with_vcpus adds its vCPUs and their counters. */
static void vv_vm(lua_State *L, const struct vt_sys *s, uint32_t i, int with_vcpus)
{
	const struct vt_sys_vm *m = &s->vms[i];
	char name[sizeof m->name + 1];
	uint64_t exits = 0;
	int n = 0;

	memcpy(name, m->name, sizeof m->name);
	name[sizeof m->name] = 0;
	lua_newtable(L);
	vv_int(L, "id", m->id);
	vv_str(L, "name", name);
	vv_str(L, "state", m->state < 5 ? vv_vm_states[m->state] : "?");
	vv_int(L, "resets", m->resets);
	vv_int(L, "ram", (lua_Integer)m->ram_bytes);
	vv_int(L, "foreign_irq_accesses", (lua_Integer)m->foreign);
	lua_newtable(L);
	for (uint32_t c = 0; c < 64; c++)
		if (m->cpus >> c & 1) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "pcpus");
	if (with_vcpus)
		lua_newtable(L);
	n = 0;
	for (uint32_t k = 0; k < s->nr_vcpus; k++) {
		const struct vt_sys_vcpu *v = &s->vcpus[k];

		if (v->vm != i)
			continue;
		exits += v->exits;
		if (!with_vcpus)
			continue;
		lua_newtable(L);
		vv_int(L, "vcpu", v->vcpu);
		vv_int(L, "pcpu", v->pcpu);
		vv_str(L, "state", v->state < 3 ? vv_vcpu_states[v->state] : "?");
		vv_int(L, "exits", (lua_Integer)v->exits);
		vv_int(L, "sysreg_traps", (lua_Integer)v->sysreg_traps);
		lua_rawseti(L, -2, ++n);
	}
	if (with_vcpus)
		lua_setfield(L, -2, "vcpus");
	vv_int(L, "exits", (lua_Integer)exits);
}

/* vm.list(): every VM, without per-vCPU detail. */
static int vv_list(lua_State *L)
{
	const struct vt_sys *s = vv_page(L);

	lua_newtable(L);
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		vv_vm(L, s, i, 0);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* The VM argument 1 names (an id or a name), or a Lua error. */
static uint32_t vv_find(lua_State *L, const struct vt_sys *s)
{
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		int hit = lua_type(L, 1) == LUA_TNUMBER
		              ? lua_tointeger(L, 1) == (lua_Integer)i
		              : strncmp(luaL_checkstring(L, 1), s->vms[i].name,
		                        sizeof s->vms[i].name) == 0;

		if (hit)
			return i;
	}
	return (uint32_t)luaL_error(L, "no VM %s", luaL_tolstring(L, 1, NULL));
}

/* vm.info(id or name): one VM, with its vCPUs. */
static int vv_info(lua_State *L)
{
	const struct vt_sys *s = vv_page(L);

	vv_vm(L, s, vv_find(L, s), 1);
	return 1;
}

/* vm.reset(id or name): restart another VM from its image. */
static int vv_reset(lua_State *L)
{
	uint32_t id = vv_find(L, vv_page(L));
	int64_t r = (int64_t)rt_hvc(VT_HC_VM_RESET, id, 0, 0).x0;

	if (r)
		return luaL_error(L, "the hypervisor refused to reset VM %d (%d)", (int)id, (int)r);
	return 0;
}

static const luaL_Reg vv_lib[] = {
    {"list", vv_list},
    {"info", vv_info},
    {"reset", vv_reset},
    {NULL, NULL},
};

void vm_view_open(lua_State *L)
{
	luaL_newlib(L, vv_lib);
	lua_setglobal(L, "vm");
}
