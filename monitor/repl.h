/*
 * What the UART console (main.c) and the TCP console (net_console.c)
 * share: one function makes a Lua state with the monitor's API, one runs
 * a chunk the REPL's way.
 */
#ifndef REPL_H
#define REPL_H

#include <stddef.h>

#include "lua.h"

/*
 * A Lua state with the base, string, table, math and utf8 libraries and
 * the tables vitrine, trace, vm, irq, console, cache, pmu and net; allocated by
 * alloc (NULL: the C library's heap, unlimited). NULL if out of memory.
 */
lua_State *repl_state(lua_Alloc alloc, void *ud);
/*
 * Runs chunk (the lines typed so far, joined by newlines) as the REPL
 * does: first as `return <chunk>`, results printed on stdout, an error
 * printed as its message. hook runs every REPL_WATCH instructions.
 * Returns 0 if the chunk is incomplete and needs more lines, else 1.
 */
int repl_run(lua_State *L, const char *chunk, size_t len, lua_Hook hook);

#define REPL_WATCH 100000

#endif
