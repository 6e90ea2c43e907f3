/*
 * The Lua table `vm`: the VM table and live counters from the system page
 * the hypervisor shows the monitor (vitrine/sysview.h), refreshed by a
 * monitor-only hypercall and checked (syspage.c) before each look.
 */
#include "vm_view.h"

#include <vitrine/trace.h>

#include "field.h"
#include "lauxlib.h"
#include "rt.h"
#include "syspage.h"

static const char *const vv_vm_states[VT_VM_STATE_COUNT] = VT_VM_STATE_NAMES;
static const char *const vv_vcpu_states[VT_VCPU_STATE_COUNT] = VT_VCPU_STATE_NAMES;
static const char *const vv_kinds[] = {"ram", "shm", "device"};

/* The VM's memory map, its pass-through devices and the channels it belongs to. */
static void vv_regions(lua_State *L, const struct vt_sys *s, const struct vt_sys_vm *m)
{
	int nm = 0, nd = 0, nc = 0;

	lua_newtable(L); /* memory */
	lua_newtable(L); /* devices */
	lua_newtable(L); /* channels */
	for (uint32_t k = 0; k < m->nr_regions; k++) {
		const struct vt_sys_region *r = &s->regions[m->first_region + k];
		const struct vt_sys_channel *c = &s->channels[r->channel];

		lua_newtable(L);
		field_str(L, "kind", vv_kinds[r->kind]);
		field_int(L, "ipa", (lua_Integer)r->ipa);
		field_int(L, "pa", (lua_Integer)r->pa);
		field_int(L, "size", (lua_Integer)r->size);
		field_bool(L, "writable", r->flags & VT_SYS_REGION_WRITE);
		if (r->kind == VT_SYS_SHM) {
			field_str(L, "channel", c->name);
			if (r->intid)
				field_int(L, "doorbell", r->intid);
		}
		if (r->kind == VT_SYS_DEVICE) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, -4, ++nd);
		}
		lua_rawseti(L, -4, ++nm);
		if (r->kind != VT_SYS_SHM)
			continue;
		lua_newtable(L);
		field_str(L, "name", c->name);
		field_str(L, "rights", r->flags & VT_SYS_REGION_WRITE ? "rw" : "ro");
		if (r->intid)
			field_int(L, "doorbell", r->intid);
		field_int(L, "ipa", (lua_Integer)r->ipa);
		field_int(L, "size", (lua_Integer)r->size);
		field_int(L, "notifies", (lua_Integer)c->notifies);
		field_int(L, "delivered", (lua_Integer)c->delivered);
		field_int(L, "denied", (lua_Integer)c->denied);
		lua_rawseti(L, -2, ++nc);
	}
	lua_setfield(L, -4, "channels");
	lua_setfield(L, -3, "devices");
	lua_setfield(L, -2, "memory");
}

/* Pass-through INTIDs and LLC colours, as lists. */
static void vv_lists(lua_State *L, const struct vt_sys *s, const struct vt_sys_vm *m)
{
	int n = 0;

	lua_newtable(L);
	for (uint32_t k = 0; k < m->nr_intids; k++) {
		lua_pushinteger(L, s->intids[m->first_intid + k]);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -2, "intids");
	lua_newtable(L);
	for (uint32_t c = 0; c < s->llc.colors; c++)
		if (syspage_has_color(m, c)) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "colors");
	field_bool(L, "uncolored", m->flags & VT_SYS_VM_UNCOLORED);
}

/*
 * membw = {bytes, period_ns, periods, throttles, used} when the VM has a bandwidth budget:
 * each pCPU's budget a period, then the periods its pCPUs finished, how many of them a vCPU
 * waited out of budget, and the bus bytes they moved.
 */
static void vv_membw(lua_State *L, const struct vt_sys_vm *m)
{
	if (!m->membw_bytes)
		return;
	lua_newtable(L);
	field_int(L, "bytes", (lua_Integer)m->membw_bytes);
	field_int(L, "period_ns", (lua_Integer)m->membw_period_ns);
	field_int(L, "periods", (lua_Integer)m->membw_periods);
	field_int(L, "throttles", (lua_Integer)m->membw_throttles);
	field_int(L, "used", (lua_Integer)m->membw_used);
	lua_setfield(L, -2, "membw");
}

/* One VM as a table; detail adds its vCPUs, memory map, interrupts, channels and colours. */
static void vv_vm(lua_State *L, const struct vt_sys *s, uint32_t i, int detail)
{
	const struct vt_sys_vm *m = &s->vms[i];
	uint64_t exits = 0, traps = 0;
	int n = 0;

	lua_newtable(L);
	field_int(L, "id", m->id);
	field_str(L, "name", m->name);
	field_str(L, "state", m->state < VT_VM_STATE_COUNT ? vv_vm_states[m->state] : "?");
	field_int(L, "resets", m->resets);
	field_int(L, "ram", (lua_Integer)m->ram_bytes);
	field_int(L, "foreign_irq_accesses", (lua_Integer)m->foreign);
	field_int(L, "dma_faults", m->dma_faults);
	lua_newtable(L);
	for (uint32_t c = 0; c < 64; c++)
		if (m->cpus >> c & 1) {
			lua_pushinteger(L, c);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "pcpus");
	if (detail) {
		field_int(L, "uart", (lua_Integer)m->uart_ipa);
		field_bool(L, "input", m->flags & VT_SYS_VM_INPUT);
		field_bool(L, "monitor", m->flags & VT_SYS_VM_MONITOR);
		field_bool(L, "pmu", m->flags & VT_SYS_VM_PMU);
		field_bool(L, "dma_unconfined", m->flags & VT_SYS_VM_DMA_UNCONFINED);
		vv_regions(L, s, m);
		vv_lists(L, s, m);
		vv_membw(L, m);
		lua_newtable(L);
	}
	n = 0;
	for (uint32_t k = 0; k < s->nr_vcpus; k++) {
		const struct vt_sys_vcpu *v = &s->vcpus[k];

		if (v->vm != i)
			continue;
		exits += v->exits;
		traps += v->sysreg_traps;
		if (!detail)
			continue;
		lua_newtable(L);
		field_int(L, "vcpu", v->vcpu);
		field_int(L, "pcpu", v->pcpu);
		field_str(L, "state",
		          v->state < VT_VCPU_STATE_COUNT ? vv_vcpu_states[v->state] : "?");
		field_int(L, "exits", (lua_Integer)v->exits);
		field_int(L, "sysreg_traps", (lua_Integer)v->sysreg_traps);
		lua_rawseti(L, -2, ++n);
	}
	if (detail)
		lua_setfield(L, -2, "vcpus");
	field_int(L, "exits", (lua_Integer)exits);
	field_int(L, "sysreg_traps", (lua_Integer)traps);
}

/* vm.list(): every VM, without the detail. */
static int vv_list(lua_State *L)
{
	const struct vt_sys *s = syspage_get(L);

	lua_newtable(L);
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		vv_vm(L, s, i, 0);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* vm.info(id or name): one VM, in detail. */
static int vv_info(lua_State *L)
{
	const struct vt_sys *s = syspage_get(L);

	vv_vm(L, s, syspage_find_vm(L, s, 1), 1);
	return 1;
}

/* vm.reset(id or name): restart another VM from its image. */
/* A monitor-only control on the VM argument 1 names; `what` is for the error. */
static int vv_control(lua_State *L, uint32_t fid, const char *what)
{
	const struct vt_sys *s = syspage_get(L);
	uint32_t id = syspage_find_vm(L, s, 1);
	int64_t r = (int64_t)rt_hvc(fid, id, 0, 0).x0;

	if (r)
		return luaL_error(L, "the hypervisor refused to %s VM %d (%d)", what, (int)id,
		                  (int)r);
	return 0;
}

/* vm.reset(id or name): restart another VM from its image. */
static int vv_reset(lua_State *L)
{
	return vv_control(L, VT_HC_VM_RESET, "reset");
}

/* vm.pause(id or name): hold another VM's vCPUs where they are; returns once they are held. */
static int vv_pause(lua_State *L)
{
	return vv_control(L, VT_HC_VM_PAUSE, "pause");
}

/* vm.resume(id or name): let a paused VM run on. */
static int vv_resume(lua_State *L)
{
	return vv_control(L, VT_HC_VM_RESUME, "resume");
}

static const luaL_Reg vv_lib[] = {
    {"list", vv_list},   {"info", vv_info},     {"reset", vv_reset},
    {"pause", vv_pause}, {"resume", vv_resume}, {NULL, NULL},
};

void vm_view_open(lua_State *L)
{
	luaL_newlib(L, vv_lib);
	lua_setglobal(L, "vm");
}
