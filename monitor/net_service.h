/* Between net.c and the services it runs (net_console.c, net_stream.c). */
#ifndef NET_SERVICE_H
#define NET_SERVICE_H

#include <stdint.h>

/* Listen on port; 0 or a message saying why not. */
const char *net_con_init(uint16_t port);
/* Send what clients' chunks printed, as their sockets take it. */
void net_con_poll(void);
/* Run at most one client's complete line (a chunk to completion). */
void net_con_serve(void);
/* Console clients connected now. */
unsigned net_con_clients(void);
/* Has every client's output been sent and acknowledged? */
int net_con_settled(void);

const char *net_stream_init(uint16_t port);
/* Fill each stream client's socket, a bounded amount per call. */
void net_stream_poll(void);

#endif
