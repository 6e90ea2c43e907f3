/*
 * The Lua table `net`: the network's counters and its clients, and the
 * UART's say over them (net.kick, net.budget).
 */
#include "net.h"

#include "auth.h"
#include "field.h"
#include "lauxlib.h"
#include "lwip/ip4_addr.h"
#include "net_service.h"
#include "rt.h"
#include "timer.h"
#include "vnet.h"

/*
 * net.stats(): whether the network is up, the device's counters, the
 * console's clients, what the trace streams' pushes found (net_service.h).
 */
static int net_stats(lua_State *L)
{
	const struct vnet_stats *v = vnet_stats();

	lua_newtable(L);
	field_bool(L, "up", net_is_up());
	field_int(L, "irqs", v->irqs);
	field_int(L, "rx_frames", v->rx_frames);
	field_int(L, "rx_dropped", v->rx_dropped);
	field_int(L, "tx_frames", v->tx_frames);
	field_int(L, "tx_full", v->tx_full);
	field_int(L, "clients", net_con_clients());
	field_int(L, "auth_ticks", auth_last_ticks());
	field_int(L, "stream_fills", net_stream_stats()->fills);
	field_int(L, "stream_empty", net_stream_stats()->empty);
	field_int(L, "stream_full", net_stream_stats()->full);
	return 1;
}

/* Every service's connections: handshakes first, then the services. */
static const struct net_peers *const net_tables[] = {&net_auth_peers, &net_con_peers,
                                                     &net_stream_peers, &gdb_peers};

/* One row of net.clients(), appended to the table on top of the stack. */
static void net_client_row(lua_State *L, const struct net_peer *p)
{
	char addr[IP4ADDR_STRLEN_MAX];

	ip4addr_ntoa_r(&p->pcb->remote_ip, addr, sizeof addr);
	lua_createtable(L, 0, 6);
	field_int(L, "id", p->id);
	field_str(L, "service", p->service);
	field_str(L, "address", addr);
	field_int(L, "port", p->pcb->remote_port);
	field_bool(L, "authenticated", p->authenticated);
	field_num(L, "idle", (lua_Number)(timer_now() - p->last) / (lua_Number)timer_freq());
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

/* Slot s of table t as net.clients() shows it, if it holds a connection. */
static int net_slot_peer(const struct net_peers *t, unsigned s, struct net_peer *p)
{
	const struct net_conn *c;

	if (t->peer)
		return t->peer(s, p);
	c = (const struct net_conn *)((const char *)t->first + (size_t)s * t->stride);
	if (c->pcb)
		*p = (struct net_peer){c->id, t->service->name, c->pcb, 1, c->last};
	return c->pcb != NULL;
}

/* net.clients(): every TCP connection, authenticated or still in the handshake. */
static int net_clients(lua_State *L)
{
	struct net_peer p;

	lua_newtable(L);
	for (unsigned t = 0; t < sizeof net_tables / sizeof net_tables[0]; t++)
		for (unsigned s = 0; s < net_tables[t]->slots; s++)
			if (net_slot_peer(net_tables[t], s, &p))
				net_client_row(L, &p);
	return 1;
}

/* net.kick(id): close connection id (net.clients()). */
static int net_kick(lua_State *L)
{
	lua_Integer id = luaL_checkinteger(L, 1);
	struct net_peer p;

	for (unsigned t = 0; t < sizeof net_tables / sizeof net_tables[0]; t++)
		for (unsigned s = 0; s < net_tables[t]->slots; s++)
			if (net_slot_peer(net_tables[t], s, &p) && p.id == id) {
				net_tables[t]->kick(s);
				return 0;
			}
	return luaL_error(L, "net.kick: no client %I", id);
}

/* Seeing and closing others' connections is the UART's: a TCP client gets these. */
static int net_clients_refused(lua_State *L)
{
	return luaL_error(L, "net.clients: only on the UART console");
}

static int net_kick_refused(lua_State *L)
{
	return luaL_error(L, "net.kick: only on the UART console");
}

void net_uart_only(lua_State *L)
{
	lua_getglobal(L, "net");
	lua_pushcfunction(L, net_clients_refused);
	lua_setfield(L, -2, "clients");
	lua_pushcfunction(L, net_kick_refused);
	lua_setfield(L, -2, "kick");
	lua_pop(L, 1);
}

void net_open(lua_State *L)
{
	static const luaL_Reg lib[] = {{"stats", net_stats},
	                               {"clients", net_clients},
	                               {"kick", net_kick},
	                               {"budget", net_con_budget},
	                               {NULL, NULL}};

	luaL_newlib(L, lib);
	lua_setglobal(L, "net");
}
