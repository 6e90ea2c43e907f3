/* The monitor's C stack (monitor/stack.c): guarded below, painted to measure its use. */
#ifndef MONITOR_STACK_H
#define MONITOR_STACK_H

#include <stddef.h>

#include "lua.h"

/*
 * rt's 16 KiB boot stack is too small for Lua's parser and C calls. The
 * deepest C recursion found in the libraries the monitor opens, string.gsub
 * calling itself from its replacement function, takes 2.1 KiB a level, so
 * 417 KiB at Lua's C-call limit (MON_LUA_CCALLS in monitor.mk, 200): this
 * size leaves more than half of the stack to what was not foreseen (the
 * count hooks' network polling among it). vitrine.stack() shows the use.
 */
#define STACK_SIZE (1024 * 1024)

/* Guard and paint the stack, then run fn on it (fn never returns). */
void stack_run(void (*fn)(void)) __attribute__((noreturn));
/* The most of the stack ever used, in bytes. */
size_t stack_deepest(void);
/* vitrine.stack() */
int stack_lua(lua_State *L);

#endif
