/*
 * lwIP in the monitor: NO_SYS, raw API. net_init learns from the system
 * page which device the config gives the monitor: a virtio-net-pci
 * function (a `pci` line: its DMA is the SMMU's to translate) or the
 * virtio-mmio device (a `device` line: its DMA uses physical addresses,
 * so the monitor's RAM must be identity-mapped). It starts the device, its
 * interrupt and lwIP, and opens the services, each behind the handshake
 * (net_auth.c). The main loop (the line editor's idle loop) calls
 * net_idle; Lua count hooks call net_poll.
 */
#include "net.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "console.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "mon_irq.h"
#include "net_service.h"
#include "netif/ethernet.h"
#include "rt.h"
#include "syspage.h"
#include "platform.h"
#include "timer.h"
#include "virtio_mmio.h"
#include "virtio_pci.h"
#include "vnet.h"

#define NET_DEFAULT_ADDR 0x0a00020fu /* 10.0.2.15: what QEMU user networking forwards to */
#define NET_DEFAULT_PREFIX 24
#define NET_DEFAULT_GW_HOST 2 /* 10.0.2.2 */

/* Defined by monitor/monitor.ld. */
extern char __image_start[];

static const struct net_service *const net_services[] = {&net_console, &net_stream, &net_gdb};

static struct netif net_if;
static int net_up;
static int net_in_poll; /* net_poll is not reentrant (an lwIP callback must not recurse) */

/* lwIP's clock: milliseconds from the counter, at its rate (rt's timer.h). */
uint32_t sys_now(void)
{
	return (uint32_t)(timer_now() / (timer_freq() / 1000));
}

void net_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	con_puts(buf);
}

void net_assert(const char *msg, const char *file, int line)
{
	net_diag("monitor: lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
	rt_system_off();
}

/* TCP's initial ports and sequence numbers: unpredictable enough from the counter. */
uint32_t net_rand(void)
{
	static uint64_t x;

	x ^= timer_now() + 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint32_t)x;
}

/* Which network device the config gives the monitor. */
enum net_bus { NET_NONE, NET_MMIO, NET_PCI };

/*
 * From the monitor's regions in the system page: a BAR in the PCIe window
 * (a `pci` line), or the virtio-mmio page with its INTID and the RAM at
 * IPA == PA. NET_NONE without an error: no network in this config.
 */
static const char *net_check_config(enum net_bus *bus)
{
	const char *why;
	const struct vt_sys *s = syspage_read(&why);
	const struct vt_sys_vm *m = NULL;
	int mmio = 0, pci = 0, intid = 0, identity = 0;

	*bus = NET_NONE;
	if (!s)
		return why;
	for (uint32_t i = 0; i < s->nr_vms; i++)
		if (s->vms[i].flags & VT_SYS_VM_MONITOR)
			m = &s->vms[i];
	if (!m)
		return "no monitor in the system page";
	for (uint32_t i = m->first_region; i < (uint32_t)m->first_region + m->nr_regions; i++) {
		const struct vt_sys_region *r = &s->regions[i];
		uintptr_t at = (uintptr_t)__image_start;

		if (r->kind == VT_SYS_DEVICE && r->ipa <= VIRTIO_MMIO_BASE &&
		    VIRTIO_MMIO_BASE - r->ipa < r->size)
			mmio = 1;
		if (r->kind == VT_SYS_DEVICE && r->ipa >= PLAT_PCIE_MMIO_BASE &&
		    r->ipa - PLAT_PCIE_MMIO_BASE < PLAT_PCIE_MMIO_SIZE)
			pci = 1;
		if (r->kind == VT_SYS_RAM && r->ipa <= at && at - r->ipa < r->size)
			identity = r->ipa == r->pa;
	}
	for (uint32_t i = m->first_intid; i < (uint32_t)m->first_intid + m->nr_intids; i++)
		intid |= s->intids[i] == VIRTIO_MMIO_INTID;
	if (pci) {
		*bus = NET_PCI; /* the SMMU translates its DMA: the RAM may be anywhere */
		return NULL;
	}
	if (!mmio)
		return NULL;
	*bus = NET_MMIO;
	if (!intid)
		return "the config passes the virtio-mmio page through without its interrupt";
	if (!identity)
		return "virtio-mmio's DMA needs the monitor's RAM at IPA == PA "
		       "(image monitor-net, its `mem` with `pa` equal to its address: "
		       "configs/monitor-net-mmio.cfg), or give the monitor virtio-net-pci "
		       "instead where it is built (pci 00:03.0 bar 4 ...: docs/dma.md)";
	return NULL;
}

/* The device, found by its transport. */
static const char *net_find(enum net_bus bus, struct virtio_dev *d)
{
	return bus == NET_PCI ? virtio_pci_find(VIRTIO_ID_NET, d)
	                      : virtio_mmio_find(VIRTIO_ID_NET, d);
}

/* A service's listening socket: 0, or why there is none. */
static const char *net_listen(const struct net_service *svc)
{
	struct tcp_pcb *pcb = tcp_new();
	struct tcp_pcb *l;

	if (!pcb)
		return "no TCP PCB";
	if (tcp_bind(pcb, IP_ADDR_ANY, svc->port) != ERR_OK) {
		tcp_close(pcb);
		return "cannot bind it";
	}
	l = tcp_listen(pcb);
	if (!l) {
		tcp_close(pcb);
		return "cannot listen on it";
	}
	tcp_arg(l, (void *)svc);
	tcp_accept(l, net_auth_accept);
	return NULL;
}

/*
 * The handshake's HMAC, seeded with the run's boot seed and how often the
 * monitor was reset (a restarted monitor's counter starts again). Without
 * a seed, it says so: nonces may then repeat from one boot to the next.
 */
static const char *net_auth_init(void)
{
	const char *why;
	const struct vt_sys *s = syspage_read(&why);
	uint64_t resets = 0;

	if (!s)
		return why;
	for (uint32_t i = 0; i < s->nr_vms; i++)
		if (s->vms[i].flags & VT_SYS_VM_MONITOR)
			resets = s->vms[i].resets;
	why = auth_init(s->boot_seed, resets);
	if (!why && !auth_seeded())
		net_diag(
		    "monitor: no boot seed was passed (QEMU run without scripts/run.sh): network "
		    "challenges may repeat from one boot to the next\n");
	return why;
}

void net_init(uint64_t arg)
{
	uint32_t addr = arg ? (uint32_t)arg : NET_DEFAULT_ADDR;
	uint32_t prefix =
	    arg && (arg >> 32 & 0xff) ? (uint32_t)(arg >> 32 & 0xff) : NET_DEFAULT_PREFIX;
	uint32_t gw_host =
	    arg && (arg >> 40 & 0xff) ? (uint32_t)(arg >> 40 & 0xff) : NET_DEFAULT_GW_HOST;
	uint32_t mask = prefix >= 32 ? ~0u : ~(~0u >> prefix);
	ip4_addr_t ip, nm, gw;
	const char *why;
	enum net_bus bus;
	struct virtio_dev dev;
	char a[16], g[16];

	why = net_check_config(&bus);
	if (!why && bus == NET_NONE)
		return;
	if (!why)
		why = net_find(bus, &dev);
	if (!why)
		why = vnet_probe(&dev);
	if (!why && (prefix < 8 || prefix > 30))
		why = "the config's arg gives a prefix length outside 8-30";
	if (!why)
		why = net_auth_init();
	if (why) {
		net_diag("monitor: no network: %s\n", why);
		return;
	}
	mon_irq_attach(dev.intid, dev.edge, vnet_irq);

	lwip_init();
	ip4_addr_set_u32(&ip, lwip_htonl(addr));
	ip4_addr_set_u32(&nm, lwip_htonl(mask));
	ip4_addr_set_u32(&gw, lwip_htonl((addr & mask) | gw_host));
	netif_add(&net_if, &ip, &nm, &gw, NULL, vnet_netif_init, ethernet_input);
	netif_set_default(&net_if);
	netif_set_up(&net_if);
	netif_set_link_up(&net_if);
	net_up = 1;
	for (size_t i = 0; i < sizeof net_services / sizeof net_services[0]; i++)
		if ((why = net_listen(net_services[i])) != NULL)
			net_diag("monitor: network: the %s's TCP port %d: %s\n",
			         net_services[i]->name, net_services[i]->port, why);
	mon_irq_on();
	ip4addr_ntoa_r(&ip, a, sizeof a);
	ip4addr_ntoa_r(&gw, g, sizeof g);
	net_diag("monitor: network %s/%u via %s, MAC %02x:%02x:%02x:%02x:%02x:%02x; Lua console "
	         "on TCP port %d, trace stream on %d, gdb on %d\n",
	         a, (unsigned)prefix, g, net_if.hwaddr[0], net_if.hwaddr[1], net_if.hwaddr[2],
	         net_if.hwaddr[3], net_if.hwaddr[4], net_if.hwaddr[5], NET_CONSOLE_PORT,
	         NET_STREAM_PORT, NET_GDB_PORT);
}

void net_conn_open(struct net_conn *c, struct tcp_pcb *pcb, unsigned id)
{
	*c = (struct net_conn){pcb, id, timer_now()};
}

void *net_conn_lost(void *arg)
{
	struct net_conn *c = arg;

	if (c)
		c->pcb = NULL;
	return c;
}

size_t net_send(struct tcp_pcb *pcb, char *buf, size_t len)
{
	size_t n = tcp_sndbuf(pcb);

	if (n > len)
		n = len;
	if (!n || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
		return len;
	if (tcp_write(pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
		return len; /* lwIP's heap is short: later */
	memmove(buf, buf + n, len - n);
	tcp_output(pcb);
	return len - n;
}

void net_poll(void)
{
	if (!net_up || net_in_poll)
		return;
	net_in_poll = 1;
	vnet_poll(&net_if);
	sys_check_timeouts();
	net_auth_poll();
	net_con_poll();
	net_stream_poll();
	gdb_poll();
	net_in_poll = 0;
}

void net_idle(void)
{
	if (!net_up)
		return;
	net_poll();
	net_con_serve();
	gdb_serve();
}

void net_flush(void)
{
	uint64_t end = timer_now() + timer_freq();

	while (net_up && !net_con_settled() && timer_now() < end) {
		net_poll();
		rt_relax();
	}
}

int net_is_up(void)
{
	return net_up;
}
