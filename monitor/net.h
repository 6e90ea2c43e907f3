/*
 * The monitor's network: lwIP over the virtio-net device the
 * config passes through (vnet.c), serving the Lua console (net_console.c)
 * and the trace stream (net_stream.c) over TCP. Single-threaded: nothing
 * runs but what the main loop and the Lua count hooks call.
 */
#ifndef NET_H
#define NET_H

#include <stdint.h>

#include "lua.h"

#define NET_CONSOLE_PORT 5555
#define NET_STREAM_PORT 5556
#define NET_GDB_PORT 5557

/*
 * Brings the network up if the config gives the monitor the virtio-net
 * device (its page and INTID, read from the system page), else does
 * nothing. arg (the config's `arg`) sets the address: 0 for QEMU user
 * networking's 10.0.2.15/24 via 10.0.2.2; otherwise bits 0-31 the IPv4
 * address (10.0.2.15 = 0x0a00020f), bits 32-39 the prefix length (0: 24),
 * bits 40-47 the gateway's host number in that subnet (0: 2).
 */
void net_init(uint64_t arg);
/*
 * Input, timers and output only: received frames into lwIP, TCP timers,
 * clients' pending output sent, trace streams filled; never runs a chunk.
 * Safe from a Lua count hook (another client's input is buffered).
 */
void net_poll(void);
/* From the idle loop (no chunk running): net_poll, then at most one TCP client's line. */
void net_idle(void);
/* Whether the interface came up. */
int net_is_up(void);
/* The Lua table `net` (net_view.c): net.stats(), clients(), kick(), budget(). */
void net_open(lua_State *L);
/* Before a power-off: give clients what was printed for them (at most a second). */
void net_flush(void);

#endif
