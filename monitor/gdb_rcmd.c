/*
 * `monitor <lua>` in gdb (qRcmd): the chunk runs in the session's own Lua
 * state, which has a TCP console client's powers and limits
 * (net_con_state): its memory cap, net.budget, the UART's Ctrl-C; gdb's
 * Ctrl-C interrupts it too. It runs from the idle loop (gdb_serve), never
 * from lwIP's callback, as a console line does: the hook polls the
 * network, and a chunk's print() must reach the client while it runs.
 * What it prints goes out as O packets as it comes, GDB_RCMD_OUT bytes at
 * most (the rest is cut); then OK, or E01 after the error's message.
 */
#include <stdio.h>
#include <string.h>

#include "gdb.h"
#include "lauxlib.h"
#include "lua.h"
#include "net_service.h"
#include "sys.h"
#include "timer.h"

#define GDB_RCMD_OUT (64 * 1024)

void gdb_rcmd(struct gdb_session *s, const char *hex)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > sizeof s->cmd) {
		gdb_reply_str(s, "E01");
		return;
	}
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t b;

		if (gdb_unhex_le(hex + 2 * i, 1, &b)) {
			gdb_reply_str(s, "E01");
			return;
		}
		s->cmd[i] = (char)b;
	}
	s->cmd_len = n / 2;
	s->rcmd = 1;
	s->rcmd_stop = 0;
}

/* What was printed so far, as one O packet (if the client makes room for it). */
static void gdb_rcmd_say(struct gdb_session *s)
{
	char out[1 + 2 * sizeof s->said], *o = out;

	if (!s->said_len)
		return;
	*o++ = 'O';
	for (size_t i = 0; i < s->said_len; i++)
		o = gdb_hex_le(o, (uint8_t)s->said[i], 1);
	if (!gdb_room(s, 5 + 2 * s->said_len))
		gdb_reply(s, out, 1 + 2 * s->said_len);
	s->said_len = 0;
}

static void gdb_rcmd_putc(void *ctx, char ch)
{
	struct gdb_session *s = ctx;

	if (s->said_total++ >= GDB_RCMD_OUT)
		return;
	s->said[s->said_len++] = ch;
	if (s->said_len == sizeof s->said)
		gdb_rcmd_say(s);
}

static void gdb_rcmd_hook(lua_State *L, lua_Debug *ar)
{
	struct gdb_session *s = *(struct gdb_session **)lua_getextraspace(L);

	(void)ar;
	net_con_watch(L, s->rcmd_start, "gdb's monitor command");
	if (gdb_lost(s))
		luaL_error(L, "interrupted (gdb closed the connection)");
	if (s->rcmd_stop)
		luaL_error(L, "interrupted (Ctrl-C)");
}

void gdb_rcmd_run(struct gdb_session *s)
{
	int r = REPL_FAILED;

	s->rcmd = 0;
	s->rcmd_busy = 1;
	s->said_len = s->said_total = 0;
	s->rcmd_start = timer_now();
	sys_set_output(gdb_rcmd_putc, s);
	if (!s->L)
		s->L = net_con_state(&s->mem, s);
	if (!s->L)
		printf("monitor: no memory for a Lua state\n");
	else if ((r = repl_run(s->L, s->cmd, s->cmd_len, gdb_rcmd_hook)) == REPL_MORE)
		printf("monitor: an incomplete chunk: a monitor command is one whole chunk\n");
	fflush(stdout);
	if (s->said_total > GDB_RCMD_OUT) {
		s->said_total = 0; /* this line gets through */
		printf("\nmonitor: output cut after %d bytes\n", GDB_RCMD_OUT);
		fflush(stdout);
	}
	sys_set_output(NULL, NULL);
	gdb_rcmd_say(s);
	s->rcmd_busy = 0;
	gdb_reply_str(s, r == REPL_RAN ? "OK" : "E01");
}

void gdb_rcmd_end(struct gdb_session *s)
{
	s->rcmd = 0;
	if (s->L && !s->rcmd_busy) {
		lua_close(s->L);
		s->L = NULL;
	}
}
