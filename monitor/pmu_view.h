/* The Lua table `pmu`: this pCPU's PMUv3 counters, which the monitor owns. */
#ifndef PMU_VIEW_H
#define PMU_VIEW_H

#include <stdint.h>

#include "lua.h"

void pmu_view_open(lua_State *L);
/* The name of common event e ("l2d_cache_refill"), or NULL. */
const char *pmu_view_event_name(uint32_t e);

#endif
