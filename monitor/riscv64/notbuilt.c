/*
 * What the monitor does not build on riscv64 (MON_NOT_BUILT in
 * hyp/arch/riscv64/arch.mk), answered for: the `pmu` and `debug` tables
 * are there, every function in them an error naming what is missing
 * (`pmu.events: not built on riscv64`); the GDB server's port refuses
 * each client after the handshake, saying why; virtio-net-pci is not
 * found (no IOMMU on riscv64 `virt`: its DMA could not be confined).
 */
#include <stddef.h>

#include "debug_view.h"
#include "lauxlib.h"
#include "net.h"
#include "net_service.h"
#include "pmu_view.h"
#include "virtio_pci.h"

/* Any field of the table: a function that raises the error (upvalues: the table's name, why). */
static int nb_call(lua_State *L)
{
	return luaL_error(
	    L, "%s.%s: not built on riscv64 (%s)", lua_tostring(L, lua_upvalueindex(1)),
	    lua_tostring(L, lua_upvalueindex(2)), lua_tostring(L, lua_upvalueindex(3)));
}

static int nb_index(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 2);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushcclosure(L, nb_call, 3);
	return 1;
}

/* The global table `name`, empty, whose every field is a function that says it is not built. */
static void nb_table(lua_State *L, const char *name, const char *why)
{
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, name);
	lua_pushstring(L, why);
	lua_pushcclosure(L, nb_index, 2);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setglobal(L, name);
}

void pmu_view_open(lua_State *L)
{
	nb_table(L, "pmu", "the monitor's PMU counters are Armv8-A's");
}

const char *pmu_view_event_name(uint32_t e)
{
	(void)e;
	return NULL;
}

void debug_view_open(lua_State *L)
{
	nb_table(L, "debug", "the hypervisor's debugger is not built here");
}

static const char *nb_gdb_start(struct tcp_pcb *pcb, unsigned id)
{
	(void)pcb;
	(void)id;
	return "error: the GDB server is not built on riscv64\n";
}

static err_t nb_gdb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p) { /* not reached: no connection is ever started */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
	}
	return ERR_OK;
}

const struct net_service net_gdb = {"gdb", NET_GDB_PORT, nb_gdb_start, nb_gdb_recv};
const struct net_peers gdb_peers = {0, NULL, 0, &net_gdb, NULL, NULL};

void gdb_poll(void)
{
}

void gdb_serve(void)
{
}

const char *virtio_pci_find(uint32_t device_id, struct virtio_dev *d)
{
	(void)device_id;
	(void)d;
	return "virtio-net-pci is not built on riscv64 (no IOMMU to confine its DMA): give the "
	       "monitor the virtio-mmio device (configs/riscv64/monitor-net.cfg)";
}
