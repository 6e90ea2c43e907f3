/* The system page (vitrine/sysview.h), refreshed, copied and checked before any use. */
#ifndef SYSPAGE_H
#define SYSPAGE_H

#include <vitrine/sysview.h>

#include "lua.h"

/*
 * Ask the hypervisor to refresh the page, take a private copy and check
 * every count, index and name in it: a Lua error if anything is out of
 * range. The copy stays valid until the next call.
 */
const struct vt_sys *syspage_get(lua_State *L);
/* The same without Lua: NULL and *why set if the page cannot be had or is bad. */
const struct vt_sys *syspage_read(const char **why);
/* The same into copy, without Lua: NULL, or what is wrong (refused, or a check failed). */
const char *syspage_load(struct vt_sys *copy);
/* The index of the VM that Lua value idx names (an id or a name), or a Lua error. */
uint32_t syspage_find_vm(lua_State *L, const struct vt_sys *s, int idx);
/* Whether VM m owns LLC colour c. */
int syspage_has_color(const struct vt_sys_vm *m, uint32_t c);

#endif
