/*
 * The GDB remote serial protocol over TCP (port 5557), behind the
 * handshake (net_auth.c) like every service. The client's first line names
 * the VM ("dbgtarget\n", or its id): the session attaches to it (the VM
 * stops) and answers "ok\n", or says why not and closes. From there on it
 * is GDB's protocol: $payload#checksum packets, acknowledged with + or -
 * (a bad checksum), and 0x03 outside a packet to stop the VM. `vitrine
 * gdb-relay` does the handshake and the first line for GDB, which cannot.
 *
 * One session per VM, GDB_CONNS at once. Packets are answered from lwIP's
 * receive callback (each debug call is short: a step returns within
 * 100 ms of its vCPU leaving its hold); a stop after a continue is found by
 * gdb_poll, which asks DBG_STATUS whether the stop count moved past the
 * one taken before the VM ran on (debug_cont). The session ends (every
 * breakpoint out, the VM runs on) when the client detaches or the
 * connection goes, whichever way.
 *
 * Bounds: a packet longer than GDB_PKT is read to its end and answered -,
 * never buffered; a reply that finds no room in the GDB_OUT bytes waiting
 * for the client (one that does not read) ends the session.
 */
#include "gdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug_view.h"
#include "lwip/tcp.h"
#include "net.h"
#include "net_service.h"
#include "rt.h"
#include "syspage.h"
#include "timer.h"
#include <vitrine/debug.h>
#include <vitrine/netauth.h>

#define GDB_CONNS 2
#define GDB_OUT (3 * GDB_PKT)
#define GDB_FIRST 40 /* the first line: a VM's name or id */
#define GDB_CTRL_C 0x03
#define GDB_ROOM_WAIT_MS 5000 /* a monitor command's output waits this long for a reader */

enum { GR_IDLE, GR_DATA, GR_SUM1, GR_SUM2 }; /* where in a packet the next byte falls */

struct gdb_conn {
	struct net_conn conn; /* first: lwIP's arg and net.clients() see the slot as one */
	int attached, detached, closing, rx, overflow;
	struct gdb_session s;
	uint8_t sum, got;
	size_t first_len, pkt_len, out_len, sent_len;
	char first[GDB_FIRST];
	char pkt[GDB_PKT + 1];
	char sent[GDB_PKT + 4]; /* the last reply, framed: what a - asks for again */
	char out[GDB_OUT];
};

static struct gdb_conn gdb_conns[GDB_CONNS];

static void gdb_flush(struct gdb_conn *c)
{
	if (c->conn.pcb)
		c->out_len = net_send(c->conn.pcb, c->out, c->out_len);
}

static void gdb_put(struct gdb_conn *c, const char *p, size_t len)
{
	if (c->closing)
		return;
	if (len > GDB_OUT - c->out_len) {
		c->closing = 1; /* the client reads nothing of what it asks for */
		return;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
}

static struct gdb_conn *gdb_conn_of(struct gdb_session *s)
{
	return (struct gdb_conn *)((char *)s - offsetof(struct gdb_conn, s));
}

void gdb_reply(struct gdb_session *s, const char *payload, size_t len)
{
	struct gdb_conn *c = gdb_conn_of(s);
	uint8_t sum = 0;

	if (len > GDB_PKT)
		len = GDB_PKT; /* the handlers' replies fit: a bug, cut rather than overrun */
	c->sent[0] = '$';
	memcpy(c->sent + 1, payload, len);
	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)payload[i];
	snprintf(c->sent + 1 + len, 4, "#%02x", sum);
	c->sent_len = len + 4;
	gdb_put(c, c->sent, c->sent_len);
}

void gdb_reply_str(struct gdb_session *s, const char *payload)
{
	gdb_reply(s, payload, strlen(payload));
}

/* The session ends: the VM runs on without breakpoints; the slot is freed once closed. */
static void gdb_release(struct gdb_conn *c)
{
	if (c->attached) {
		gdb_end(&c->s);
		gdb_rcmd_end(&c->s);
	}
	c->attached = 0;
}

static void gdb_close(struct gdb_conn *c)
{
	gdb_release(c);
	if (c->conn.pcb) {
		net_close(c->conn.pcb);
		c->conn.pcb = NULL;
	}
}

static void gdb_err(void *arg, err_t err)
{
	struct gdb_conn *c = net_conn_lost(arg);

	(void)err;
	if (c)
		gdb_release(c);
}

static const char *gdb_pick(struct gdb_conn *c, const struct vt_sys *sys, uint32_t vm)
{
	uint64_t x[8] = {VT_HC_DBG_ATTACH, vm};

	for (int i = 0; i < GDB_CONNS; i++)
		if (&gdb_conns[i] != c && gdb_conns[i].attached && gdb_conns[i].s.vm == vm)
			return "another gdb session debugs this VM";
	rt_hvc_regs(x);
	if ((int64_t)x[0] < 0)
		return debug_why((int64_t)x[0]);
	c->attached = 1;
	memset(&c->s, 0, sizeof c->s);
	c->s.vm = vm;
	c->s.nr_vcpus = sys->vms[vm].nr_vcpus;
	x[0] = VT_HC_DBG_STATUS;
	x[1] = vm;
	rt_hvc_regs(x);
	c->s.stops = x[1];
	return NULL;
}

/* The first line named a VM: attach, or say why not and close. */
static void gdb_first(struct gdb_conn *c)
{
	const char *why = NULL;
	const struct vt_sys *sys = syspage_read(&why);
	char *end, line[GDB_FIRST + 80];
	unsigned long n;
	uint32_t vm;

	c->first[c->first_len] = '\0';
	if (sys) {
		n = strtoul(c->first, &end, 10);
		for (vm = 0; vm < sys->nr_vms; vm++)
			if (!strcmp(sys->vms[vm].name, c->first) || (*c->first && !*end && n == vm))
				break;
		why = vm < sys->nr_vms ? gdb_pick(c, sys, vm) : "no such VM";
	}
	if (why) {
		snprintf(line, sizeof line, "error: %s: %s\n", c->first, why);
		gdb_put(c, line, strlen(line));
		c->closing = 1;
		return;
	}
	gdb_put(c, "ok\n", 3);
}

static void gdb_packet(struct gdb_conn *c)
{
	if (c->overflow || c->got != c->sum) {
		gdb_put(c, "-", 1);
		return;
	}
	gdb_put(c, "+", 1);
	c->pkt[c->pkt_len] = '\0';
	if (gdb_cmd(&c->s, c->pkt, c->pkt_len)) {
		gdb_release(c); /* the client closes: it still acknowledges the OK */
		c->detached = 1;
	}
}

/* One byte of the protocol. */
static void gdb_byte(struct gdb_conn *c, uint8_t b)
{
	int h;

	switch (c->rx) {
	case GR_IDLE:
		if (b == '$') {
			c->rx = GR_DATA;
			c->pkt_len = 0;
			c->sum = 0;
			c->overflow = 0;
		} else if (b == GDB_CTRL_C) {
			c->s.rcmd_stop = c->s.rcmd; /* a command waits: it stops at its start */
			gdb_interrupt(&c->s);
		} else if (b == '-' && c->sent_len) {
			gdb_put(c, c->sent, c->sent_len);
		} /* + and anything else between packets: nothing to do */
		break;
	case GR_DATA:
		if (b == '#') {
			c->rx = GR_SUM1;
			break;
		}
		c->sum += b;
		if (c->pkt_len < GDB_PKT)
			c->pkt[c->pkt_len++] = (char)b;
		else
			c->overflow = 1;
		break;
	case GR_SUM1:
	case GR_SUM2:
		h = vt_auth_hexdigit((char)b);
		if (h < 0) {
			c->overflow = 1; /* no checksum: answered - */
			h = 0;
		}
		c->got = (uint8_t)(c->rx == GR_SUM1 ? h << 4 : c->got | h);
		if (c->rx == GR_SUM2)
			gdb_packet(c);
		c->rx = c->rx == GR_SUM1 ? GR_SUM2 : GR_IDLE;
		break;
	}
}

static void gdb_input(struct gdb_conn *c, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len && !c->closing && !c->detached; i++) {
		if (c->attached) {
			gdb_byte(c, p[i]);
		} else if (p[i] == '\n' || p[i] == '\r') {
			gdb_first(c);
		} else if (c->first_len < GDB_FIRST - 1) {
			c->first[c->first_len++] = (char)p[i];
		} else {
			gdb_put(c, "error: no VM has so long a name\n", 32);
			c->closing = 1;
		}
	}
}

static err_t gdb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct gdb_conn *c = arg;

	(void)err;
	if (!p) {
		if (c)
			c->closing = 1;
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	if (c && c->s.rcmd_busy) {
		/* GDB sends only acks while a command runs, or a Ctrl-C to stop it */
		c->s.rcmd_stop |= pbuf_memfind(p, "\x03", 1, 0) != 0xffff;
	} else if (c) {
		c->conn.last = timer_now();
		for (struct pbuf *q = p; q; q = q->next)
			gdb_input(c, q->payload, q->len);
		gdb_flush(c);
	}
	pbuf_free(p);
	return ERR_OK;
}

static const char *gdb_start(struct tcp_pcb *pcb, unsigned id)
{
	for (int i = 0; i < GDB_CONNS; i++) {
		struct gdb_conn *c = &gdb_conns[i];

		if (c->conn.pcb || c->s.rcmd_busy)
			continue;
		net_conn_open(&c->conn, pcb, id);
		c->attached = c->detached = c->closing = 0;
		c->rx = GR_IDLE;
		c->first_len = c->out_len = c->sent_len = 0;
		net_callbacks(pcb, c, gdb_recv, gdb_err, NULL);
		return NULL;
	}
	return "error: too many gdb sessions\n";
}

const struct net_service net_gdb = {"gdb", NET_GDB_PORT, gdb_start, gdb_recv};

void gdb_poll(void)
{
	uint64_t idle = timer_freq() / 1000 * NET_IDLE_MS;

	for (int i = 0; i < GDB_CONNS; i++) {
		struct gdb_conn *c = &gdb_conns[i];

		if (!c->conn.pcb)
			continue;
		if (c->attached && c->s.running && !c->closing)
			gdb_check_stop(&c->s);
		if (c->s.running || c->s.rcmd || c->s.rcmd_busy)
			c->conn.last = timer_now(); /* waiting for the VM or a command, not idle */
		gdb_flush(c);
		if ((c->closing && !c->out_len) || timer_now() - c->conn.last > idle)
			gdb_close(c);
	}
}

void gdb_serve(void)
{
	for (int i = 0; i < GDB_CONNS; i++) {
		struct gdb_conn *c = &gdb_conns[i];

		if (!c->s.rcmd || !c->attached || c->closing || !c->conn.pcb)
			continue;
		gdb_rcmd_run(&c->s);
		if (!c->attached)
			gdb_rcmd_end(&c->s); /* the session ended while it ran */
		gdb_flush(c);
		return; /* one command per idle turn, as console lines */
	}
}

int gdb_lost(struct gdb_session *s)
{
	const struct gdb_conn *c = gdb_conn_of(s);

	return !c->conn.pcb || c->closing || !c->attached;
}

int gdb_room(struct gdb_session *s, size_t len)
{
	struct gdb_conn *c = gdb_conn_of(s);
	uint64_t end = timer_now() + timer_freq() / 1000 * GDB_ROOM_WAIT_MS;

	gdb_flush(c);
	while (len > GDB_OUT - c->out_len && !gdb_lost(s) && timer_now() < end) {
		net_poll();
		rt_relax();
		gdb_flush(c);
	}
	return len > GDB_OUT - c->out_len ? -1 : 0;
}

static void gdb_kick(unsigned slot)
{
	gdb_close(&gdb_conns[slot]);
}

const struct net_peers gdb_peers = {GDB_CONNS, gdb_conns, sizeof(gdb_conns[0]),
                                    &net_gdb,  NULL,      gdb_kick};
