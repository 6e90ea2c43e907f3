/* The Lua table `dbg`: the monitor's debugger for the VMs the config grants (debug_view.c). */
#ifndef DEBUG_VIEW_H
#define DEBUG_VIEW_H

#include "lua.h"

void debug_view_open(lua_State *L);

#endif
