/*
 * What each GDB packet does (gdb.h): registers, memory by the current
 * vCPU's VAs, breakpoints and watchpoints, continue and step, through the
 * debug calls of vitrine/debug.h. vCPUs are GDB's threads 1..n. Errors are
 * E01 (a bad packet), E14 (EFAULT: not the VM's RAM) or E16 (refused); an
 * unknown packet gets the empty reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug_view.h"
#include "gdb.h"
#include "rt.h"
#include <vitrine/debug.h>
#include <vitrine/netauth.h>

#define GDB_SIGTRAP 5
#define GDB_SIGINT 2
#define GDB_ESCAPE 0x7d /* in a binary packet, before a byte that is xored with... */
#define GDB_ESCAPE_XOR 0x20

static const char gdb_hexdig[] = "0123456789abcdef";

/* x: a debug call's registers; its answer (x0) as is. */
int64_t gdb_call(uint64_t *x)
{
	rt_hvc_regs(x);
	return (int64_t)x[0];
}

void gdb_error(struct gdb_session *s, int64_t r)
{
	gdb_reply_str(s, r == VT_DBG_ERR_UNMAPPED ? "E14" : r == VT_ERR_DENIED ? "E16" : "E01");
}

/* A hex number at *p, which moves past it: -1 if there is none. */
int gdb_num(const char **p, uint64_t *v)
{
	const char *q = *p;

	*v = 0;
	for (; vt_auth_hexdigit(*q) >= 0; q++)
		*v = *v << 4 | (uint64_t)vt_auth_hexdigit(*q);
	if (q == *p || q - *p > 16)
		return -1;
	*p = q;
	return 0;
}

/* n bytes of v, little-endian, in hex at out. */
char *gdb_hex_le(char *out, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8) {
		*out++ = gdb_hexdig[v >> 4 & 0xf];
		*out++ = gdb_hexdig[v & 0xf];
	}
	return out;
}

/* n little-endian bytes in hex at p; -1 if they are not there. */
int gdb_unhex_le(const char *p, unsigned n, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *q = p + 2 * i;
		uint64_t b;
		char two[3] = {q[0], q[0] ? q[1] : 0, 0};
		const char *t = two;

		if (!two[0] || !two[1] || gdb_num(&t, &b) || *t)
			return -1;
		*v |= b << (8 * i);
	}
	return 0;
}

/* "addr,len" at p; the length at most max. */
static int gdb_range(const char **p, uint64_t *addr, uint64_t *len, uint64_t max)
{
	return gdb_num(p, addr) || *(*p)++ != ',' || gdb_num(p, len) || *len > max;
}

/* m addr,len: what is mapped from addr on, up to len (E14 if not even the first byte). */
static void gdb_read(struct gdb_session *s, const char *p)
{
	static char out[GDB_PKT];
	uint64_t addr, len, off, n;
	char *o = out;

	if (gdb_range(&p, &addr, &len, GDB_PKT / 2)) { /* its hex fills a reply */
		gdb_reply_str(s, "E01");
		return;
	}
	for (off = 0; off < len; off += n) {
		uint64_t x[8] = {VT_HC_DBG_READ, s->vm, s->vcpu, addr + off};
		int64_t r;

		n = len - off < VT_DBG_READ_MAX ? len - off : VT_DBG_READ_MAX;
		x[4] = n;
		if ((r = gdb_call(x)) < 0) {
			if (!off) {
				gdb_error(s, r);
				return;
			}
			break;
		}
		for (uint64_t i = 0; i < n; i++)
			o = gdb_hex_le(o, ((const uint8_t *)&x[1])[i], 1);
	}
	gdb_reply(s, out, (size_t)(o - out));
}

/* len bytes at addr, a call's worth at a time; OK, or the first call's error. */
static void gdb_store(struct gdb_session *s, uint64_t addr, const uint8_t *b, uint64_t len)
{
	for (uint64_t off = 0, n; off < len; off += n) {
		uint64_t x[8] = {VT_HC_DBG_WRITE, s->vm, s->vcpu, addr + off};
		int64_t r;

		n = len - off < VT_DBG_WRITE_MAX ? len - off : VT_DBG_WRITE_MAX;
		x[4] = n;
		memcpy(&x[5], b + off, n);
		if ((r = gdb_call(x)) < 0) {
			gdb_error(s, r);
			return;
		}
	}
	gdb_reply_str(s, "OK");
}

/* M addr,len:hex, all of it checked before a byte is written. */
static void gdb_write(struct gdb_session *s, const char *p, size_t plen)
{
	static uint8_t buf[GDB_PKT / 2];
	const char *end = p + plen;
	uint64_t addr, len, b;

	if (gdb_range(&p, &addr, &len, sizeof buf) || *p++ != ':' ||
	    (uint64_t)(end - p) != 2 * len) {
		gdb_reply_str(s, "E01");
		return;
	}
	for (uint64_t i = 0; i < len; i++) {
		if (gdb_unhex_le(p + 2 * i, 1, &b)) {
			gdb_reply_str(s, "E01");
			return;
		}
		buf[i] = (uint8_t)b;
	}
	gdb_store(s, addr, buf, len);
}

/* X addr,len:bytes, binary: 0x7d escapes the byte after it (xor 0x20); exactly len of them. */
static void gdb_write_bin(struct gdb_session *s, const char *p, size_t plen)
{
	static uint8_t buf[GDB_PKT];
	const char *end = p + plen;
	uint64_t addr, len, n = 0;

	if (gdb_range(&p, &addr, &len, sizeof buf) || p >= end || *p++ != ':') {
		gdb_reply_str(s, "E01");
		return;
	}
	while (p < end && n < len) {
		uint8_t b = (uint8_t)*p++;

		if (b == GDB_ESCAPE) {
			if (p == end)
				break; /* an escape with nothing to escape */
			b = (uint8_t)*p++ ^ GDB_ESCAPE_XOR;
		}
		buf[n++] = b;
	}
	if (n != len || p != end) {
		gdb_reply_str(s, "E01");
		return;
	}
	gdb_store(s, addr, buf, len);
}

/* Z/z type,addr,kind: a software breakpoint (0), hardware (1), watchpoints (2 write, 3 read, 4). */
static void gdb_break(struct gdb_session *s, const char *p, int set)
{
	static const uint64_t hw[] = {VT_DBG_HW_EXEC, VT_DBG_HW_STORE, VT_DBG_HW_LOAD,
	                              VT_DBG_HW_ACCESS};
	uint64_t type, addr, kind, x[8];

	if (gdb_num(&p, &type) || type > 4 || *p++ != ',' || gdb_num(&p, &addr) || *p++ != ',' ||
	    gdb_num(&p, &kind) || (type >= 2 && (kind < 1 || kind > 8))) {
		gdb_reply_str(s, "E01");
		return;
	}
	if (!type) {
		uint64_t b[8] = {VT_HC_DBG_BREAK, s->vm, s->vcpu, addr, (uint64_t)set};

		memcpy(x, b, sizeof x);
	} else {
		uint64_t h[8] = {VT_HC_DBG_HW, s->vm, hw[type - 1], addr, (uint64_t)set, kind};

		memcpy(x, h, sizeof x);
	}
	if (gdb_call(x) < 0 && set)
		gdb_error(s, (int64_t)x[0]);
	else
		gdb_reply_str(s, "OK"); /* removing one that is not there is no error for GDB */
}

/* The stop reply: signal, the thread (vCPU + 1), a watchpoint's address. */
static void gdb_stopped(struct gdb_session *s, int sig, uint64_t reason, uint64_t addr)
{
	char out[64];

	if (reason == VT_DBG_STOP_WATCH)
		snprintf(out, sizeof out, "T%02xwatch:%llx;thread:%x;", sig,
		         (unsigned long long)addr, (unsigned)s->vcpu + 1);
	else
		snprintf(out, sizeof out, "T%02xthread:%x;", sig, (unsigned)s->vcpu + 1);
	gdb_reply_str(s, out);
}

/* The current stop count: what was seen, so the next report is only of a new stop. */
static void gdb_seen(struct gdb_session *s)
{
	uint64_t x[8] = {VT_HC_DBG_STATUS, s->vm};

	if (gdb_call(x) >= 0)
		s->stops = x[1];
}

static void gdb_step(struct gdb_session *s)
{
	uint64_t x[8];
	int64_t r = debug_step_off(s->vm, s->vcpu, x);

	if (!r) {
		x[0] = VT_HC_DBG_STEP;
		x[1] = s->vm;
		x[2] = s->vcpu;
		r = gdb_call(x);
	}
	if (r < 0) {
		gdb_error(s, r);
		return;
	}
	gdb_seen(s);
	gdb_stopped(s, GDB_SIGTRAP, VT_DBG_STOP_STEP, 0);
}

static void gdb_continue(struct gdb_session *s)
{
	int64_t r = debug_cont(s->vm, s->nr_vcpus, &s->stops); /* its steps are not news */

	if (r < 0) {
		gdb_error(s, r);
		return;
	}
	s->running = 1;
}

void gdb_check_stop(struct gdb_session *s)
{
	uint64_t x[8] = {VT_HC_DBG_STATUS, s->vm};

	if (gdb_call(x) < 0 || x[1] == s->stops || !x[5])
		return;
	s->stops = x[1];
	s->running = 0;
	if (x[3] < s->nr_vcpus)
		s->vcpu = (uint32_t)x[3];
	gdb_stopped(s, GDB_SIGTRAP, x[2], x[6]);
}

void gdb_interrupt(struct gdb_session *s)
{
	uint64_t x[8] = {VT_HC_VM_PAUSE, s->vm};

	if (!s->running)
		return;
	gdb_call(x);
	s->running = 0;
	gdb_seen(s);
	gdb_stopped(s, GDB_SIGINT, VT_DBG_STOP_PAUSE, 0);
}

void gdb_end(struct gdb_session *s)
{
	uint64_t x[8] = {VT_HC_DBG_DETACH, s->vm};

	gdb_call(x);
	s->running = 0;
}

/* vCont;ACTION[:thread]...: a step if any action steps (of that thread), else continue. */
static void gdb_vcont(struct gdb_session *s, const char *p)
{
	for (const char *a = strchr(p, ';'); a; a = strchr(a + 1, ';'))
		if (a[1] == 's' || a[1] == 'S') {
			uint64_t t;
			const char *q = a + 3;

			if (a[2] == ':' && !gdb_num(&q, &t) && t >= 1 && t <= s->nr_vcpus)
				s->vcpu = (uint32_t)t - 1;
			gdb_step(s);
			return;
		}
	gdb_continue(s);
}

/* Hg/Hc thread, T thread: -1 and 0 mean any (the current one stays). */
static int gdb_thread(struct gdb_session *s, const char *p, int select)
{
	uint64_t t;

	if (!strcmp(p, "-1") || !strcmp(p, "0"))
		return 0;
	if (gdb_num(&p, &t) || *p || t < 1 || t > s->nr_vcpus)
		return -1;
	if (select)
		s->vcpu = (uint32_t)t - 1;
	return 0;
}

static void gdb_threads(struct gdb_session *s)
{
	char out[12 * 16 + 2], *o = out;

	*o++ = 'm';
	for (uint32_t t = 1; t <= s->nr_vcpus && t <= 16; t++)
		o += snprintf(o, 12, "%s%x", t > 1 ? "," : "", (unsigned)t);
	gdb_reply(s, out, (size_t)(o - out));
}

static int gdb_is(const char *pkt, const char *prefix)
{
	return !strncmp(pkt, prefix, strlen(prefix));
}

/* The q packets; the empty reply for those not known. */
static void gdb_query(struct gdb_session *s, const char *pkt)
{
	char out[64];

	if (gdb_is(pkt, "qSupported"))
		snprintf(out, sizeof out, "PacketSize=%x;qXfer:features:read+", GDB_PKT);
	else if (gdb_is(pkt, "qXfer:features:read:target.xml:"))
		return gdb_xfer(s, pkt + strlen("qXfer:features:read:target.xml:"));
	else if (gdb_is(pkt, "qRcmd,"))
		return gdb_rcmd(s, pkt + strlen("qRcmd,"));
	else if (!strcmp(pkt, "qfThreadInfo"))
		return gdb_threads(s);
	else if (!strcmp(pkt, "qsThreadInfo"))
		snprintf(out, sizeof out, "l");
	else if (!strcmp(pkt, "qC"))
		snprintf(out, sizeof out, "QC%x", (unsigned)s->vcpu + 1);
	else if (!strcmp(pkt, "qAttached"))
		snprintf(out, sizeof out, "1");
	else
		out[0] = '\0';
	gdb_reply_str(s, out);
}

int gdb_cmd(struct gdb_session *s, char *pkt, size_t len)
{
	if (s->running && pkt[0] != 'D' && pkt[0] != 'k') {
		gdb_reply_str(s, "E16"); /* only a stop, detach or kill while it runs */
		return 0;
	}
	if (pkt[0] == 'X') {
		gdb_write_bin(s, pkt + 1, len - 1);
		return 0;
	}
	if (strlen(pkt) != len) {
		gdb_reply_str(s, "E01"); /* a NUL: only X's data may hold one */
		return 0;
	}
	switch (pkt[0]) {
	case '?':
		gdb_stopped(s, GDB_SIGTRAP, VT_DBG_STOP_PAUSE, 0);
		break;
	case 'g':
		gdb_regs(s);
		break;
	case 'G':
		gdb_set_regs(s, pkt + 1, len - 1);
		break;
	case 'p':
	case 'P':
		gdb_one_reg(s, pkt + 1, pkt[0] == 'P');
		break;
	case 'm':
		gdb_read(s, pkt + 1);
		break;
	case 'M':
		gdb_write(s, pkt + 1, len - 1);
		break;
	case 'Z':
	case 'z':
		gdb_break(s, pkt + 1, pkt[0] == 'Z');
		break;
	case 'c':
		gdb_continue(s);
		break;
	case 's':
		gdb_step(s);
		break;
	case 'H':
		gdb_reply_str(s, pkt[1] && !gdb_thread(s, pkt + 2, pkt[1] == 'g') ? "OK" : "E01");
		break;
	case 'T':
		gdb_reply_str(s, !gdb_thread(s, pkt + 1, 0) ? "OK" : "E01");
		break;
	case 'D':
	case 'k':
		gdb_reply_str(s, "OK");
		return 1; /* the session ends now; the client closes the connection */
	case 'q':
		gdb_query(s, pkt);
		break;
	case 'v':
		if (!strcmp(pkt, "vCont?"))
			gdb_reply_str(s, "vCont;c;C;s;S");
		else if (gdb_is(pkt, "vCont;"))
			gdb_vcont(s, pkt + 5);
		else
			gdb_reply_str(s, "");
		break;
	default:
		gdb_reply_str(s, "");
	}
	return 0;
}
