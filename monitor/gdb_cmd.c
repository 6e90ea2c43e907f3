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

#define GDB_CORE_REGS 34 /* x0..x30, sp, pc, cpsr: target.xml's, in its order */
#define GDB_SIGTRAP 5
#define GDB_SIGINT 2

static const char gdb_target_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>aarch64</architecture>"
    "<feature name=\"org.gnu.gdb.aarch64.core\">"
#define GDB_X(n) "<reg name=\"x" #n "\" bitsize=\"64\"/>"
    GDB_X(0) GDB_X(1) GDB_X(2) GDB_X(3) GDB_X(4) GDB_X(5) GDB_X(6) GDB_X(7) GDB_X(8) GDB_X(9)
        GDB_X(10) GDB_X(11) GDB_X(12) GDB_X(13) GDB_X(14) GDB_X(15) GDB_X(16) GDB_X(17) GDB_X(18)
            GDB_X(19) GDB_X(20) GDB_X(21) GDB_X(22) GDB_X(23) GDB_X(24) GDB_X(25) GDB_X(26)
                GDB_X(27) GDB_X(28) GDB_X(29) GDB_X(30)
#undef GDB_X
                    "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
                    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
                    "<reg name=\"cpsr\" bitsize=\"32\"/>"
                    "</feature></target>";

static const char gdb_hexdig[] = "0123456789abcdef";

/* x: a debug call's registers; its answer (x0) as is. */
static int64_t gdb_call(uint64_t *x)
{
	rt_hvc_regs(x);
	return (int64_t)x[0];
}

static void gdb_error(struct gdb_session *s, int64_t r)
{
	gdb_reply_str(s, r == VT_DBG_ERR_UNMAPPED ? "E14" : r == VT_ERR_DENIED ? "E16" : "E01");
}

/* A hex number at *p, which moves past it: -1 if there is none. */
static int gdb_num(const char **p, uint64_t *v)
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
static char *gdb_hex_le(char *out, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8) {
		*out++ = gdb_hexdig[v >> 4 & 0xf];
		*out++ = gdb_hexdig[v & 0xf];
	}
	return out;
}

/* n little-endian bytes in hex at p; -1 if they are not there. */
static int gdb_unhex_le(const char *p, unsigned n, uint64_t *v)
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

/* GDB's register n (target.xml's order) -> VT_DBG_REG_*: the same numbers, and its size. */
static unsigned gdb_reg_size(uint64_t n)
{
	return n < VT_DBG_REG_CPSR ? 8 : n == VT_DBG_REG_CPSR ? 4 : 0;
}

static int64_t gdb_reg(struct gdb_session *s, uint64_t n, int write, uint64_t *v)
{
	uint64_t x[8] = {VT_HC_DBG_REG, s->vm, s->vcpu, n, (uint64_t)write, *v};
	int64_t r = gdb_call(x);

	*v = x[1];
	return r;
}

/* g: every core register of the current vCPU. */
static void gdb_regs(struct gdb_session *s)
{
	char out[GDB_CORE_REGS * 16 + 1], *p = out;

	for (uint64_t n = 0; n < GDB_CORE_REGS; n++) {
		uint64_t v = 0;
		int64_t r = gdb_reg(s, n, 0, &v);

		if (r < 0) {
			gdb_error(s, r);
			return;
		}
		p = gdb_hex_le(p, v, gdb_reg_size(n));
	}
	gdb_reply(s, out, (size_t)(p - out));
}

/* G: every core register written. */
static void gdb_set_regs(struct gdb_session *s, const char *p, size_t len)
{
	uint64_t v;
	int64_t r;

	if (len != GDB_CORE_REGS * 16 - 8) {
		gdb_reply_str(s, "E01");
		return;
	}
	for (uint64_t n = 0; n < GDB_CORE_REGS; p += 2 * gdb_reg_size(n), n++) {
		if (gdb_unhex_le(p, gdb_reg_size(n), &v)) {
			gdb_reply_str(s, "E01");
			return;
		}
		if ((r = gdb_reg(s, n, 1, &v)) < 0) {
			gdb_error(s, r);
			return;
		}
	}
	gdb_reply_str(s, "OK");
}

/* p n, P n=v: one core register. */
static void gdb_one_reg(struct gdb_session *s, const char *p, int write)
{
	uint64_t n, v = 0;
	int64_t r;
	char out[17];

	if (gdb_num(&p, &n) || !gdb_reg_size(n) || (write && *p++ != '=') ||
	    (write && gdb_unhex_le(p, gdb_reg_size(n), &v))) {
		gdb_reply_str(s, "E01");
		return;
	}
	if ((r = gdb_reg(s, n, write, &v)) < 0) {
		gdb_error(s, r);
		return;
	}
	if (write)
		gdb_reply_str(s, "OK");
	else
		gdb_reply(s, out, (size_t)(gdb_hex_le(out, v, gdb_reg_size(n)) - out));
}

/* "addr,len" at p; the length bounded by what a reply of hex holds. */
static int gdb_range(const char **p, uint64_t *addr, uint64_t *len)
{
	return gdb_num(p, addr) || *(*p)++ != ',' || gdb_num(p, len) || *len > GDB_PKT / 2;
}

/* m addr,len: what is mapped from addr on, up to len (E14 if not even the first byte). */
static void gdb_read(struct gdb_session *s, const char *p)
{
	static char out[GDB_PKT];
	uint64_t addr, len, off, n;
	char *o = out;

	if (gdb_range(&p, &addr, &len)) {
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

/* M addr,len:bytes */
static void gdb_write(struct gdb_session *s, const char *p, size_t plen)
{
	const char *end = p + plen;
	uint64_t addr, len, off, n, b;

	if (gdb_range(&p, &addr, &len) || *p++ != ':' || (uint64_t)(end - p) != 2 * len) {
		gdb_reply_str(s, "E01");
		return;
	}
	for (off = 0; off < len; off += n) {
		uint64_t x[8] = {VT_HC_DBG_WRITE, s->vm, s->vcpu, addr + off};
		int64_t r;

		n = len - off < VT_DBG_WRITE_MAX ? len - off : VT_DBG_WRITE_MAX;
		x[4] = n;
		for (uint64_t i = 0; i < n; i++) {
			if (gdb_unhex_le(p + 2 * (off + i), 1, &b)) {
				gdb_reply_str(s, "E01");
				return;
			}
			((uint8_t *)&x[5])[i] = (uint8_t)b;
		}
		if ((r = gdb_call(x)) < 0) {
			gdb_error(s, r);
			return;
		}
	}
	gdb_reply_str(s, "OK");
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
	int64_t r = debug_cont(s->vm, s->nr_vcpus);

	if (r < 0) {
		gdb_error(s, r);
		return;
	}
	gdb_seen(s); /* the steps off breakpoints are not stops to report */
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

/* qXfer:features:read:target.xml:offset,length */
static void gdb_xfer(struct gdb_session *s, const char *p)
{
	static char out[GDB_PKT];
	const char *want = "qXfer:features:read:target.xml:";
	uint64_t off, len, size = sizeof gdb_target_xml - 1;

	p += strlen(want);
	if (gdb_num(&p, &off) || *p++ != ',' || gdb_num(&p, &len) || off > size) {
		gdb_reply_str(s, "E01");
		return;
	}
	if (len > GDB_PKT - 1)
		len = GDB_PKT - 1;
	if (len > size - off)
		len = size - off;
	out[0] = off + len < size ? 'm' : 'l';
	memcpy(out + 1, gdb_target_xml + off, len);
	gdb_reply(s, out, len + 1);
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
		return gdb_xfer(s, pkt);
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
	if (strlen(pkt) != len) {
		gdb_reply_str(s, "E01"); /* no binary packet is supported: X gets the empty reply */
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
