/* The Lua table `trace`: the hypervisor's trace rings, read-only. */
#ifndef TRACE_VIEW_H
#define TRACE_VIEW_H

#include "lua.h"

void trace_view_open(lua_State *L);

#endif
