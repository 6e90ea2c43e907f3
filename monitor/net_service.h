/*
 * Between net.c, the handshake (net_auth.c) and the services it hands
 * authenticated connections to (net_console.c, net_stream.c).
 */
#ifndef NET_SERVICE_H
#define NET_SERVICE_H

#include <stdint.h>

#include "lua.h"
#include "lwip/tcp.h"
#include "repl.h"

#define NET_AUTH_MS 5000   /* to answer the challenge, from the connection's start */
#define NET_IDLE_MS 600000 /* an authenticated client that sends (or takes) nothing */

/*
 * A TCP service: its port and name (in the challenge and the MAC), and
 * what takes a connection over once it authenticated. start sets the
 * pcb's callbacks, or returns the line that says why it cannot (full)
 * and leaves the closing to the caller; recv is then given what the
 * client sent after its answer.
 */
struct net_service {
	const char *name;
	uint16_t port;
	const char *(*start)(struct tcp_pcb *pcb, unsigned id);
	tcp_recv_fn recv;
};

/*
 * What every service keeps of a connection, the first member of its slot
 * (so the slot is lwIP's arg and the net_conn at once): its socket (NULL:
 * the slot is free), its id in net.clients(), and the counter time of its
 * last sign of life.
 */
struct net_conn {
	struct tcp_pcb *pcb;
	unsigned id;
	uint64_t last;
};

/* The slot takes connection id over: from now on it is live. */
void net_conn_open(struct net_conn *c, struct tcp_pcb *pcb, unsigned id);
/*
 * An err callback's first step: lwIP has freed the pcb (arg is the slot or
 * NULL). Returns the slot, for the service to release it.
 */
void *net_conn_lost(void *arg);

/* A connection as net.clients() shows it. */
struct net_peer {
	unsigned id;
	const char *service;
	const struct tcp_pcb *pcb;
	int authenticated;
	uint64_t last; /* counter time of its last sign of life */
};

/*
 * A service's connection slots, as net.clients() and net.kick() walk them
 * (net_view.c): `slots` slots of `stride` bytes from `first`, each starting
 * with its struct net_conn, of the service `service`; a slot holds an
 * authenticated connection while its pcb is set. Where that is not the
 * rule, peer fills *p for a slot that holds a connection (1) or says it
 * is free (0), and first, stride and service are unused. kick closes a
 * slot's connection, on the UART's word.
 */
struct net_peers {
	unsigned slots;
	const void *first;
	size_t stride;
	const struct net_service *service;
	int (*peer)(unsigned slot, struct net_peer *p);
	void (*kick)(unsigned slot);
};

/* Who lwIP calls for a connection: with arg, on data, on its loss, on acknowledged data. */
void net_callbacks(struct tcp_pcb *pcb, void *arg, tcp_recv_fn recv, tcp_err_fn err,
                   tcp_sent_fn sent);
/*
 * A connection let go: its callbacks off, then closed, or aborted if lwIP
 * cannot close it now. ERR_ABRT if aborted (what lwIP's callbacks return then).
 */
err_t net_close(struct tcp_pcb *pcb);
/* Queue what the socket takes of buf[0, len) and move the rest to the front: its length. */
size_t net_send(struct tcp_pcb *pcb, char *buf, size_t len);
/* net_auth.c: the listener's accept callback (arg: the struct net_service). */
err_t net_auth_accept(void *arg, struct tcp_pcb *pcb, err_t err);
/* Drop handshakes that took longer than NET_AUTH_MS. */
void net_auth_poll(void);
/* The pending handshakes. */
extern const struct net_peers net_auth_peers;

/* net_console.c: the Lua console, "console" on NET_CONSOLE_PORT. */
extern const struct net_service net_console;
/* Send what clients' chunks printed, as their sockets take it; drop idle clients. */
void net_con_poll(void);
/* Run at most one client's complete line (a chunk to completion). */
void net_con_serve(void);
/* Console clients connected now. */
unsigned net_con_clients(void);
/* Has every client's output been sent and acknowledged? */
int net_con_settled(void);
extern const struct net_peers net_con_peers;
/*
 * A Lua state with a TCP client's powers and limits (NET_LUA_MAX bytes, no
 * console.attach, net.clients, net.kick or net.budget to set), owner in its
 * extra space. NULL if out of memory.
 */
lua_State *net_con_state(struct repl_mem *mem, void *owner);
/*
 * A TCP chunk's count hook, for every client: the network polled, the
 * UART's output pumped; a Lua error on the UART's Ctrl-C (which says
 * there that who's chunk stopped) or once the chunk, started at the
 * counter's start, ran past net.budget.
 */
void net_con_watch(lua_State *L, uint64_t start, const char *who);
/* A Lua state's `net.clients` and `net.kick` refuse: it is a TCP client's. */
void net_uart_only(lua_State *L);
/* net.budget([ms]): how long a TCP chunk may run; the UART console alone sets it. */
int net_con_budget(lua_State *L);

/* net_stream.c: the trace stream, "stream" on NET_STREAM_PORT. */
extern const struct net_service net_stream;
/* Fill each stream client's socket, a bounded amount per call; drop idle clients. */
void net_stream_poll(void);
/*
 * What the streams' pushes found, all clients together: a fill sent (fills),
 * nothing new in the rings (empty: the stream waits on the tracing), or no
 * room in the socket for what waits or for a fill (full: it waits on TCP).
 */
struct net_stream_stats {
	uint64_t fills, empty, full;
};
const struct net_stream_stats *net_stream_stats(void);
extern const struct net_peers net_stream_peers;

/* gdb.c: the GDB remote protocol, "gdb" on NET_GDB_PORT. */
extern const struct net_service net_gdb;
/* Report the stops of the VMs that sessions let run; send pending replies; drop idle sessions. */
void gdb_poll(void);
/* From the idle loop: run at most one session's `monitor` command (gdb_rcmd.c). */
void gdb_serve(void);
extern const struct net_peers gdb_peers;

#endif
