/* The Lua table `trace`: the hypervisor's trace rings, read-only. */
#ifndef TRACE_VIEW_H
#define TRACE_VIEW_H

#include <stdint.h>

#include <vitrine/trace.h>

#include "lua.h"

void trace_view_open(lua_State *L);
/* pCPU cpu's trace ring as the monitor is shown it, or 0. */
const struct vt_ring *trace_view_ring(uint32_t cpu);

#endif
