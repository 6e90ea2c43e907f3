/* The Lua table `irq`: interrupt latency from the trace rings. */
#ifndef IRQ_VIEW_H
#define IRQ_VIEW_H

#include "lua.h"

void irq_view_open(lua_State *L);

#endif
