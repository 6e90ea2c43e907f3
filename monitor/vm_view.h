/* The Lua table `vm`: the VM table and counters, as the hypervisor shows them. */
#ifndef VM_VIEW_H
#define VM_VIEW_H

#include "lua.h"

void vm_view_open(lua_State *L);

#endif
