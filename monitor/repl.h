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
 * What a state may allocate from the C heap: at most cap bytes while a
 * chunk runs; while the REPL compiles a chunk or prints what it gave, a
 * little more (REPL_SLACK), so that a state full to its cap can still run
 * `t = nil` and `collectgarbage()` and so free what it holds.
 */
struct repl_mem {
	size_t used;
	size_t cap;
	size_t slack; /* 0, or REPL_SLACK outside a running chunk */
};

#define REPL_SLACK (64 * 1024)

/*
 * A Lua state with the base, string, table, math and utf8 libraries and
 * the tables vitrine, trace, vm, irq, console, cache, pmu and net, its
 * memory counted in mem (cap set by the caller). NULL if out of memory.
 */
lua_State *repl_state(struct repl_mem *mem);
/*
 * Runs chunk (the lines typed so far, joined by newlines) as the REPL
 * does: first as `return <chunk>`, results printed on stdout, an error
 * printed as its message. hook runs every REPL_WATCH instructions.
 * Returns REPL_MORE (0) if the chunk is incomplete and needs more lines,
 * else REPL_RAN, or REPL_FAILED if it raised an error (printed).
 */
int repl_run(lua_State *L, const char *chunk, size_t len, lua_Hook hook);
enum { REPL_MORE, REPL_RAN, REPL_FAILED };

#define REPL_WATCH 100000

#endif
