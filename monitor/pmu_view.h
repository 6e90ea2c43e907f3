/* The Lua table `pmu`: this pCPU's PMUv3 counters, which the monitor owns. */
#ifndef PMU_VIEW_H
#define PMU_VIEW_H

#include "lua.h"

void pmu_view_open(lua_State *L);

#endif
