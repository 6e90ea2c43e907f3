/*
 * The system page as the monitor reads it. The hypervisor writes it and the
 * monitor only reads, but the monitor must not trust what it reads: a
 * count out of range or a name without its NUL would send Lua through
 * memory that is not the page. So each look works on a private copy that
 * has been checked whole (nothing can change under the checks).
 */
#include "syspage.h"

#include <string.h>

#include <vitrine/config.h>

#include "lauxlib.h"
#include "rt.h"

_Static_assert(sizeof(struct vt_sys) <= CFG_MONITOR_SYS_SIZE, "the page fits its window");

static struct vt_sys sp_copy;

static int sp_name_ok(const char *name)
{
	return memchr(name, 0, VT_SYS_NAME) != NULL;
}

/* What is wrong with the copy, or NULL. */
static const char *sp_check(const struct vt_sys *s)
{
	if (s->magic != VT_SYS_MAGIC || s->version != VT_SYS_VERSION)
		return "no system page of this version (is this VM the config's monitor?)";
	if (s->nr_vms > VT_SYS_VMS || s->nr_vcpus > VT_SYS_VCPUS ||
	    s->nr_regions > VT_SYS_REGIONS || s->nr_intids > VT_SYS_INTIDS ||
	    s->nr_channels > VT_SYS_CHANNELS || s->nr_pcpus > VT_SYS_PCPUS)
		return "a table count out of range";
	if (s->llc.colors > VT_SYS_COLORS || s->llc.level > 7)
		return "cache geometry out of range";
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		const struct vt_sys_vm *m = &s->vms[i];

		if (!sp_name_ok(m->name))
			return "a VM name without its NUL";
		if ((uint32_t)m->first_region + m->nr_regions > s->nr_regions ||
		    (uint32_t)m->first_intid + m->nr_intids > s->nr_intids)
			return "a VM's regions or INTIDs out of range";
	}
	for (uint32_t i = 0; i < s->nr_regions; i++) {
		const struct vt_sys_region *r = &s->regions[i];

		if (r->kind > VT_SYS_DEVICE ||
		    (r->kind == VT_SYS_SHM && r->channel >= s->nr_channels))
			return "a region of no known kind or channel";
	}
	for (uint32_t i = 0; i < s->nr_channels; i++)
		if (!sp_name_ok(s->channels[i].name))
			return "a channel name without its NUL";
	for (uint32_t i = 0; i < s->nr_vcpus; i++)
		if (s->vcpus[i].vm >= s->nr_vms)
			return "a vCPU of no VM";
	return NULL;
}

const char *syspage_load(struct vt_sys *copy)
{
	const struct vt_sys *page = (const struct vt_sys *)(uintptr_t)CFG_MONITOR_SYS_IPA;

	if ((int64_t)rt_hvc(VT_HC_SYS_REFRESH, 0, 0, 0).x0)
		return "the hypervisor refused to refresh the system page";
	memcpy(copy, page, sizeof(*copy));
	return sp_check(copy);
}

const struct vt_sys *syspage_read(const char **why)
{
	*why = syspage_load(&sp_copy);
	return *why ? NULL : &sp_copy;
}

const struct vt_sys *syspage_get(lua_State *L)
{
	const char *why;
	const struct vt_sys *s = syspage_read(&why);

	if (!s)
		luaL_error(L, "system page: %s", why);
	return s;
}

uint32_t syspage_find_vm(lua_State *L, const struct vt_sys *s, int idx)
{
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		int hit = lua_type(L, idx) == LUA_TNUMBER
		              ? lua_tointeger(L, idx) == (lua_Integer)i
		              : strcmp(luaL_checkstring(L, idx), s->vms[i].name) == 0;

		if (hit)
			return i;
	}
	return (uint32_t)luaL_error(L, "no VM %s", luaL_tolstring(L, idx, NULL));
}

int syspage_has_color(const struct vt_sys_vm *m, uint32_t c)
{
	return c < VT_SYS_COLORS && (m->colors[c / 64] >> (c % 64) & 1);
}
