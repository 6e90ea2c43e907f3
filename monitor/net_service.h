/* Between net.c and the services it runs (net_console.c, net_stream.c). */
#ifndef NET_SERVICE_H
#define NET_SERVICE_H

#include <stdint.h>

#include "lua.h"
#include "lwip/tcp.h"

/* tcp_accept callbacks: a new Lua console client, a new trace stream client. */
err_t net_con_accept(void *arg, struct tcp_pcb *pcb, err_t err);
err_t net_stream_accept(void *arg, struct tcp_pcb *pcb, err_t err);
/* Send what clients' chunks printed, as their sockets take it. */
void net_con_poll(void);
/* Run at most one client's complete line (a chunk to completion). */
void net_con_serve(void);
/* Console clients connected now. */
unsigned net_con_clients(void);
/* Has every client's output been sent and acknowledged? */
int net_con_settled(void);
/* net.budget([ms]): how long a TCP chunk may run; the UART console alone sets it. */
int net_con_budget(lua_State *L);

/* Fill each stream client's socket, a bounded amount per call. */
void net_stream_poll(void);

#endif
