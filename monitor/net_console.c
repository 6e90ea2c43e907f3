/*
 * The Lua console over TCP (port 5555): the UART console's REPL semantics
 * (repl.c), one Lua state per client, up to NET_CLIENTS at once. A client
 * gets here only once it authenticated (net_auth.c), and leaves after
 * NET_IDLE_MS without sending anything while no chunk of its runs.
 *
 * Sharing rule: the monitor is single-threaded, so chunks run one at a
 * time, each to completion (net_con_serve runs at most one line per call
 * of the idle loop, clients in turn). While any chunk runs (a TCP
 * client's or the UART's), the count hook polls the network: other
 * clients' input is buffered, up to TCP's window, never dropped. A 0x03
 * byte (Ctrl-C) from the client whose chunk runs interrupts it; so does
 * its closing the connection. print() and errors go to the client that
 * ran the chunk (stdout is pointed at it: sys_set_output).
 *
 * The UART is the operator's console and always wins: a Ctrl-C typed there
 * interrupts the TCP chunk that runs, and a line typed there meanwhile
 * waits in the UART and runs as soon as the chunk ends, before any other
 * TCP line (the editor reads keys before it serves the network). And no
 * TCP chunk runs longer than its budget (net.budget, NET_BUDGET_MS by
 * default, set from the UART only).
 *
 * Bounds: a line of more than NET_LINE - 1 bytes is answered "line too
 * long" and discarded up to its newline, never buffered; a client's state
 * may allocate NET_LUA_MAX (then "not enough memory", repl.h); input waits in a
 * ring of NET_IN >= TCP_WND bytes, acknowledged to TCP only as it is
 * read, so a client that sends faster than its chunks run is throttled.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "edit.h"
#include "lauxlib.h"
#include "lwip/tcp.h"
#include "net.h"
#include "net_service.h"
#include "repl.h"
#include "rt.h"
#include "sys.h"
#include "timer.h"

#define NET_CLIENTS 8
#define NET_IN 8192 /* >= TCP_WND: what TCP lets a client send before it is read */
#define NET_LINE 4096
#define NET_CHUNK 8192
#define NET_OUT 8192
#define NET_LUA_MAX (1024 * 1024)
#define NET_OUT_WAIT_MS 5000 /* a chunk's output waits this long for a client that reads */
#define NET_CTRL_C 0x03
#define NET_BUDGET_MS 10000             /* a TCP chunk's run time, by default (net.budget) */
#define NET_BUDGET_MAX_MS (3600 * 1000) /* what net.budget accepts */

_Static_assert(NET_IN >= TCP_WND, "the input ring holds a whole window");

enum { NC_FREE, NC_OPEN };

struct net_client {
	struct net_conn conn; /* first; last: its last input or answer */
	int state;
	lua_State *L;
	struct repl_mem mem;
	uint64_t chunk_start; /* the counter when its running chunk started */
	int running, eof, discarding, after_cr, out_dropped;
	size_t in_head, in_len;
	size_t line_len, chunk_len, out_len;
	uint8_t in[NET_IN];
	char line[NET_LINE];
	char chunk[NET_CHUNK];
	char out[NET_OUT];
};

static struct net_client net_clients[NET_CLIENTS];
static unsigned net_con_next; /* whose line runs next: clients take turns */

static void net_con_flush(struct net_client *c)
{
	if (c->conn.pcb)
		c->out_len = net_send(c->conn.pcb, c->out, c->out_len);
}

/* Queue output for c; when its buffer is full, wait (polling) for the client to read. */
static void net_con_putc(void *ctx, char ch)
{
	struct net_client *c = ctx;

	if (!c->conn.pcb || c->out_dropped)
		return;
	if (c->out_len == NET_OUT) {
		uint64_t end = timer_now() + timer_freq() / 1000 * NET_OUT_WAIT_MS;

		while (c->out_len == NET_OUT && c->conn.pcb && timer_now() < end) {
			net_poll();
			rt_relax();
		}
		if (c->out_len == NET_OUT) {
			c->out_dropped = 1;
			return;
		}
	}
	c->out[c->out_len++] = ch;
}

static void net_con_puts(struct net_client *c, const char *s)
{
	while (*s)
		net_con_putc(c, *s++);
}

static void net_con_free(struct net_client *c)
{
	if (c->L)
		lua_close(c->L);
	c->L = NULL;
	c->state = NC_FREE;
}

/* Our side closes (or the connection is already gone): the slot is freed unless its chunk runs. */
static void net_con_drop(struct net_client *c)
{
	if (c->conn.pcb) {
		net_close(c->conn.pcb);
		c->conn.pcb = NULL;
	}
	if (!c->running)
		net_con_free(c);
}

static void net_con_err(void *arg, err_t err)
{
	struct net_client *c = net_conn_lost(arg);

	(void)err;
	if (c)
		net_con_drop(c);
}

static err_t net_con_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_client *c = arg;

	(void)err;
	if (c)
		c->conn.last = timer_now();
	if (!p) { /* the client closed its side: its lines still run, then we close */
		if (c)
			c->eof = 1;
		return ERR_OK;
	}
	if (!c) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	if (p->tot_len > NET_IN - c->in_len)
		return ERR_MEM; /* cannot happen within the window; lwIP keeps it and retries */
	for (struct pbuf *q = p; q; q = q->next)
		for (u16_t i = 0; i < q->len; i++)
			c->in[(c->in_head + c->in_len++) % NET_IN] =
			    ((const uint8_t *)q->payload)[i];
	pbuf_free(p);
	return ERR_OK;
}

/* n bytes of input read: TCP may send that much more. */
static void net_con_take(struct net_client *c, size_t n)
{
	c->in_head = (c->in_head + n) % NET_IN;
	c->in_len -= n;
	if (c->conn.pcb && n)
		tcp_recved(c->conn.pcb, (u16_t)n);
}

/* console.attach reads the UART's keys: from TCP it would take the UART's keyboard. */
static int net_con_no_attach(lua_State *L)
{
	return luaL_error(L, "console.attach: only on the UART console");
}

lua_State *net_con_state(struct repl_mem *mem, void *owner)
{
	lua_State *L;

	mem->cap = NET_LUA_MAX;
	L = repl_state(mem);
	if (!L)
		return NULL;
	*(void **)lua_getextraspace(L) = owner;
	lua_getglobal(L, "console");
	lua_pushcfunction(L, net_con_no_attach);
	lua_setfield(L, -2, "attach");
	lua_pop(L, 1);
	net_uart_only(L);
	return L;
}

static const char *net_con_start(struct tcp_pcb *pcb, unsigned id)
{
	struct net_client *c = NULL;
	char banner[160];

	for (int i = 0; i < NET_CLIENTS && !c; i++)
		if (net_clients[i].state == NC_FREE)
			c = &net_clients[i];
	if (!c)
		return "monitor: too many clients\n";
	memset(c, 0, offsetof(struct net_client, in));
	c->L = net_con_state(&c->mem, c);
	if (!c->L)
		return "monitor: no memory for a Lua state\n";
	c->state = NC_OPEN;
	net_conn_open(&c->conn, pcb, id);
	net_callbacks(pcb, c, net_con_recv, net_con_err, NULL);
	snprintf(
	    banner, sizeof banner,
	    "monitor: %s console over TCP (client %u); vitrine.poweroff() ends the system\nlua> ",
	    LUA_RELEASE, c->conn.id);
	net_con_puts(c, banner);
	net_con_flush(c);
	return NULL;
}

const struct net_service net_console = {"console", NET_CONSOLE_PORT, net_con_start, net_con_recv};

/* Forget the line and chunk being typed (Ctrl-C, or after a line too long). */
static void net_con_reset(struct net_client *c)
{
	c->line_len = c->chunk_len = 0;
	c->discarding = 0;
}

/* A 0x03 in what the client sent while its chunk runs: drop input up to it, say so. */
static int net_con_ctrl_c(struct net_client *c)
{
	for (size_t i = 0; i < c->in_len; i++)
		if (c->in[(c->in_head + i) % NET_IN] == NET_CTRL_C) {
			net_con_take(c, i + 1);
			return 1;
		}
	return 0;
}

/* How long one TCP chunk may run, in ms of the generic timer: net.budget(). */
static uint32_t net_con_budget_ms = NET_BUDGET_MS;

/* The UART is the operator's: its Ctrl-C stops a TCP chunk, which it says there. */
static int net_con_uart_ctrl_c(const char *who)
{
	int key = con_key();
	char msg[64];

	if (key != NET_CTRL_C) {
		if (key >= 0)
			con_unget(key); /* the UART's line, for its editor once the chunk is done */
		return 0;
	}
	snprintf(msg, sizeof msg, "\r\033[K^C: %s's chunk interrupted\n", who);
	con_puts(msg);
	edit_redraw();
	return 1;
}

void net_con_watch(lua_State *L, uint64_t start, const char *who)
{
	rt_relax(); /* as the UART console's hook does (main.c) */
	net_poll();
	edit_pump(); /* what other VMs print reaches the UART meanwhile */
	if (net_con_uart_ctrl_c(who))
		luaL_error(L, "interrupted (Ctrl-C on the UART console)");
	if (timer_now() - start > timer_freq() / 1000 * net_con_budget_ms)
		luaL_error(L, "interrupted: ran past its budget of %d ms (net.budget)",
		           (int)net_con_budget_ms);
}

/*
 * While a client's chunk runs: the network keeps going, and the client,
 * the UART or the chunk's budget may stop it.
 */
static void net_con_hook(lua_State *L, lua_Debug *ar)
{
	struct net_client *c = *(struct net_client **)lua_getextraspace(L);
	char who[32];

	(void)ar;
	snprintf(who, sizeof who, "TCP client %u", c->conn.id);
	net_con_watch(L, c->chunk_start, who);
	if (!c->conn.pcb || c->eof)
		luaL_error(L, "interrupted (the client closed the connection)");
	if (net_con_ctrl_c(c))
		luaL_error(L, "interrupted (Ctrl-C)");
}

/* net.budget([ms]): the TCP chunks' budget; only the UART console may change it. */
int net_con_budget(lua_State *L)
{
	if (!lua_isnoneornil(L, 1)) {
		lua_Integer ms = luaL_checkinteger(L, 1);

		if (*(void **)lua_getextraspace(L)) /* a TCP client's state */
			return luaL_error(L, "net.budget: only the UART console sets it");
		luaL_argcheck(L, ms >= 1 && ms <= NET_BUDGET_MAX_MS, 1, "from 1 to 3600000 ms");
		net_con_budget_ms = (uint32_t)ms;
	}
	lua_pushinteger(L, net_con_budget_ms);
	return 1;
}

enum { NL_NONE, NL_LINE, NL_SAY_TOO_LONG, NL_CTRL_C };

/* Reads input up to a line's end: NL_LINE with c->line ready, or another event. */
static int net_con_line(struct net_client *c)
{
	size_t n = 0;
	int got = NL_NONE;

	while (n < c->in_len && got == NL_NONE) {
		uint8_t b = c->in[(c->in_head + n++) % NET_IN];

		/* Enter is LF (nc), CR LF or CR (telnet-like); the LF of CR LF is no empty line. */
		if (b == '\n' && c->after_cr) {
			c->after_cr = 0;
			continue;
		}
		c->after_cr = b == '\r';
		if (b == NET_CTRL_C) {
			got = NL_CTRL_C;
		} else if (b == '\r' || b == '\n') {
			got = c->discarding ? NL_SAY_TOO_LONG : NL_LINE;
			c->discarding = 0;
		} else if (c->discarding) {
			continue;
		} else if (c->line_len == NET_LINE - 1) {
			c->discarding = 1; /* from here to the newline, nothing is kept */
		} else {
			c->line[c->line_len++] = (char)b;
		}
	}
	/* The client closed after a last line without its newline: that line ends there. */
	if (got == NL_NONE && c->eof && n == c->in_len && (c->line_len || c->discarding)) {
		got = c->discarding ? NL_SAY_TOO_LONG : NL_LINE;
		c->discarding = 0;
	}
	net_con_take(c, n);
	return got;
}

/* Appends the line to the chunk and runs it (maybe waiting for more lines). */
static void net_con_exec(struct net_client *c)
{
	int done;

	if (c->chunk_len + !!c->chunk_len + c->line_len > sizeof c->chunk) {
		net_con_puts(c, "monitor: chunk too long, dropped\n");
		net_con_reset(c);
		return;
	}
	if (c->chunk_len)
		c->chunk[c->chunk_len++] = '\n';
	memcpy(c->chunk + c->chunk_len, c->line, c->line_len);
	c->chunk_len += c->line_len;
	c->line_len = 0;
	if (!c->chunk_len)
		return; /* an empty line: just a new prompt */
	c->running = 1;
	c->chunk_start = timer_now();
	sys_set_output(net_con_putc, c);
	done = repl_run(c->L, c->chunk, c->chunk_len, net_con_hook);
	fflush(stdout);
	sys_set_output(NULL, NULL);
	c->running = 0;
	c->conn.last = timer_now();
	if (done)
		c->chunk_len = 0;
	if (c->out_dropped) {
		c->out_dropped = 0;
		net_con_puts(c, "monitor: output dropped: the client was not reading it\n");
	}
}

static void net_con_step(struct net_client *c)
{
	switch (net_con_line(c)) {
	case NL_LINE:
		net_con_exec(c);
		break;
	case NL_SAY_TOO_LONG:
		net_con_reset(c);
		net_con_puts(c, "line too long: more than 4095 bytes, discarded\n");
		break;
	case NL_CTRL_C:
		net_con_reset(c);
		net_con_puts(c, "^C\n");
		break;
	default:
		if (c->eof && !c->out_len)
			net_con_drop(c); /* all its lines ran and were answered */
		return;
	}
	if (c->state != NC_OPEN || !c->conn.pcb) {
		net_con_drop(c); /* it went away while its chunk ran */
		return;
	}
	net_con_puts(c, c->chunk_len ? "lua>> " : "lua> ");
	net_con_flush(c);
}

void net_con_serve(void)
{
	for (unsigned i = 0; i < NET_CLIENTS; i++) {
		struct net_client *c = &net_clients[(net_con_next + i) % NET_CLIENTS];

		if (c->state != NC_OPEN || c->running)
			continue;
		if (c->in_len || c->eof) {
			net_con_next = (net_con_next + i + 1) % NET_CLIENTS;
			net_con_step(c);
			return;
		}
	}
}

/* Say line to c, then close. */
static void net_con_bye(struct net_client *c, const char *line)
{
	net_con_take(c, c->in_len); /* all read: TCP closes with a FIN, after the line */
	net_con_puts(c, line);
	net_con_flush(c);
	net_con_drop(c);
}

void net_con_poll(void)
{
	uint64_t idle = timer_freq() / 1000 * NET_IDLE_MS;

	for (unsigned i = 0; i < NET_CLIENTS; i++) {
		struct net_client *c = &net_clients[i];

		if (c->state != NC_OPEN)
			continue;
		net_con_flush(c);
		if (!c->running && c->conn.pcb && timer_now() - c->conn.last > idle)
			net_con_bye(c, "\nmonitor: idle too long, disconnected\n");
	}
}

int net_con_settled(void)
{
	for (unsigned i = 0; i < NET_CLIENTS; i++) {
		const struct net_client *c = &net_clients[i];

		if (c->state == NC_OPEN && c->conn.pcb &&
		    (c->out_len || c->conn.pcb->unsent || c->conn.pcb->unacked))
			return 0;
	}
	return 1;
}

static int net_con_peer(unsigned slot, struct net_peer *p)
{
	const struct net_client *c = &net_clients[slot];
	int open = c->state == NC_OPEN && c->conn.pcb;

	if (open)
		*p = (struct net_peer){c->conn.id, net_console.name, c->conn.pcb, 1,
		                       c->running ? timer_now() : c->conn.last};
	return open;
}

static void net_con_kick(unsigned slot)
{
	net_con_bye(&net_clients[slot], "\nmonitor: disconnected from the UART console\n");
}

const struct net_peers net_con_peers = {NET_CLIENTS,  net_clients,  sizeof(net_clients[0]),
                                        &net_console, net_con_peer, net_con_kick};

unsigned net_con_clients(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NET_CLIENTS; i++)
		n += net_clients[i].state == NC_OPEN;
	return n;
}
