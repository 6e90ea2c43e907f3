/* The Lua table `cache`: the last-level cache's colours and which VMs own them. */
#ifndef CACHE_VIEW_H
#define CACHE_VIEW_H

#include "lua.h"

void cache_view_open(lua_State *L);

#endif
