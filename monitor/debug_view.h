/* The Lua table `dbg`: the monitor's debugger for the VMs the config grants (debug_view.c). */
#ifndef DEBUG_VIEW_H
#define DEBUG_VIEW_H

#include <stdint.h>

#include "lua.h"
#include <vitrine/debug.h>

void debug_view_open(lua_State *L);

/* The EL1 system registers' names (vitrine/debug.h's list): dbg.regs' and gdb's. */
extern const char *const debug_sys_names[VT_DBG_SYS_COUNT];
/* What a debug call's negative answer means. */
const char *debug_why(int64_t r);
/*
 * If held vcpu stands on a breakpoint: one step with it taken out (x: the
 * step's answer), then back in. 1 if it stepped, 0 if not, < 0 a call failed.
 */
int64_t debug_step_off(uint32_t vm, uint64_t vcpu, uint64_t *x);
/*
 * Every vCPU off the breakpoint it stands on, and off a hardware stop; then
 * the VM runs on. *stops: the stop count just before it ran on, so that a
 * stop that comes at once is still news to whoever waits for the next.
 */
int64_t debug_cont(uint32_t vm, uint32_t nr_vcpus, uint64_t *stops);

#endif
