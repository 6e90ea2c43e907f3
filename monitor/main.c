/*
 * The monitor partition: a Lua 5.4 console on the system's PL011, which
 * it owns (console.c). Reads an edited line (edit.c), runs it (repl.c),
 * prints the results or the error, and carries on; a chunk left
 * incomplete at the end of a line (`function f()`) continues on the next.
 * With the virtio-net device, the same console is served over TCP too
 * (net.c, net_console.c), from the line editor's idle loop.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "edit.h"
#include "lauxlib.h"
#include "lua.h"
#include "net.h"
#include "repl.h"
#include "rt.h"
#include "stack.h"
#include "sys.h"

#define MON_LINE 256   /* one console line, as typed */
#define MON_CHUNK 4096 /* lines of one incomplete chunk, joined */
/* The UART's Lua state may take half the heap: TCP clients' states keep the rest. */
#define MON_LUA_MAX (16 * 1024 * 1024)
static char mon_chunk[MON_CHUNK];
static size_t mon_chunk_len;

/*
 * While a chunk runs, every REPL_WATCH Lua instructions: has Ctrl-C been
 * typed? Another key is kept for the next prompt (the rest waits in the
 * UART). What the system printed meanwhile comes out here too, and the
 * network is polled (TCP clients' input is buffered, their chunks wait).
 * And a yield: under QEMU -icount a vCPU that never yields starves the
 * others' timer interrupts, so a long chunk would stall every other VM.
 */
static void mon_watch(lua_State *L, lua_Debug *ar)
{
	int c = con_key();

	(void)ar;
	rt_relax();
	if (c == 0x03)
		luaL_error(L, "interrupted (Ctrl-C)");
	if (c >= 0)
		con_unget(c);
	if (con_pending()) {
		fflush(stdout);
		con_pump();
	}
	net_poll();
}

/* `console NAME` (not Lua: two names in a row) is console.attach('NAME'). */
static int mon_command(lua_State *L, const char *line)
{
	char name[40], extra;

	if (sscanf(line, " console %39s %c", name, &extra) != 1)
		return 0;
	lua_getglobal(L, "console");
	lua_getfield(L, -1, "attach");
	if (name[strspn(name, "0123456789")]) /* `console 1` is VM 1 */
		lua_pushstring(L, name);
	else
		lua_pushinteger(L, atoi(name));
	if (lua_pcall(L, 1, 0, 0) != LUA_OK)
		printf("%s\n", lua_tostring(L, -1));
	fflush(stdout);
	lua_settop(L, 0);
	return 1;
}

static uint64_t mon_arg;

static void mon_repl(void) __attribute__((noreturn));
static void mon_repl(void)
{
	static struct repl_mem mem = {.cap = MON_LUA_MAX};
	lua_State *L = repl_state(&mem);
	char line[MON_LINE];

	con_init();
	if (!L) {
		con_puts("monitor: no memory for a Lua state\n");
		rt_system_off();
	}
	con_pump(); /* what the hypervisor said before the monitor started */
	printf("monitor: %s console; vitrine.poweroff() ends it, `console VM` shows one VM\n",
	       LUA_RELEASE);
	fflush(stdout);
	net_init(mon_arg);
	for (;;) {
		int n = edit_readline(mon_chunk_len ? "lua>> " : "lua> ", line, sizeof line);

		if (n < 0 || (!mon_chunk_len && mon_command(L, line))) {
			mon_chunk_len = 0; /* Ctrl-C drops an unfinished chunk too */
			continue;
		}
		/* Lines of one chunk are joined with newlines, so line numbers stay right. */
		if (mon_chunk_len + !!mon_chunk_len + (size_t)n > sizeof mon_chunk) {
			printf("monitor: chunk longer than %d bytes, dropped\n", MON_CHUNK);
			mon_chunk_len = 0;
			continue;
		}
		if (mon_chunk_len)
			mon_chunk[mon_chunk_len++] = '\n';
		memcpy(mon_chunk + mon_chunk_len, line, (size_t)n);
		mon_chunk_len += (size_t)n;
		if (repl_run(L, mon_chunk, mon_chunk_len, mon_watch))
			mon_chunk_len = 0;
	}
}

void main(uint64_t arg)
{
	mon_arg = arg; /* the network's address (net.h); the stack switch below loses x0 */
	sys_init();
	/* The REPL never returns (vitrine.poweroff() ends the partition): no way back needed. */
	stack_run(mon_repl);
}
