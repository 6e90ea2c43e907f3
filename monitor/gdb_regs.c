/*
 * GDB's registers (gdb.h): the target description it reads (qXfer
 * target.xml) and the g, G, p and P packets. GDB's numbers: the core
 * feature's x0..x30, sp, pc and cpsr (0..33, the debug calls' own), the
 * FP feature's v0..v31 (34..65: two calls each, the low and the high
 * half), fpsr and fpcr, then a feature of ours with vitrine/debug.h's EL1
 * system registers by their names. g and G carry the core registers only;
 * GDB reads the others with p, as it does any register past g's end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "debug_view.h"
#include "gdb.h"

#define GDB_CORE_REGS 34
#define GDB_REG_V 34
#define GDB_REG_FPSR (GDB_REG_V + 32)
#define GDB_REG_FPCR (GDB_REG_FPSR + 1)
#define GDB_REG_SYS (GDB_REG_FPCR + 1)
#define GDB_REGS (GDB_REG_SYS + VT_DBG_SYS_COUNT)
#define GDB_TDESC 8192

/* GDB's own types for a V register (its aarch64-fpu.xml, trimmed): v0.d.f[1], v0.b.u[3], v0.q.u */
static const char gdb_fpu_types[] =
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/></union>"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/></union>"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/></union>"
    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/></union>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/></union>";

static char gdb_tdesc[GDB_TDESC];
static size_t gdb_tdesc_len;

static void gdb_tdesc_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gdb_tdesc_len +=
	    (size_t)vsnprintf(gdb_tdesc + gdb_tdesc_len, GDB_TDESC - gdb_tdesc_len, fmt, ap);
	va_end(ap);
	if (gdb_tdesc_len >= GDB_TDESC)
		gdb_tdesc_len = GDB_TDESC - 1; /* cut: GDB says the XML is bad, a test sees it */
}

/* The description, written once: the register lists are the headers' (and GDB's) names. */
static void gdb_tdesc_make(void)
{
	if (gdb_tdesc_len)
		return;
	gdb_tdesc_add("<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	              "<target><architecture>aarch64</architecture>"
	              "<feature name=\"org.gnu.gdb.aarch64.core\">");
	for (int n = 0; n < 31; n++)
		gdb_tdesc_add("<reg name=\"x%d\" bitsize=\"64\"/>", n);
	gdb_tdesc_add("<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
	              "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
	              "<reg name=\"cpsr\" bitsize=\"32\"/></feature>"
	              "<feature name=\"org.gnu.gdb.aarch64.fpu\">%s",
	              gdb_fpu_types);
	for (int n = 0; n < 32; n++)
		gdb_tdesc_add("<reg name=\"v%d\" bitsize=\"128\" type=\"aarch64v\"/>", n);
	gdb_tdesc_add("<reg name=\"fpsr\" bitsize=\"32\"/><reg name=\"fpcr\" bitsize=\"32\"/>"
	              "</feature><feature name=\"org.vitrine.aarch64.sys\">");
	for (int n = 0; n < VT_DBG_SYS_COUNT; n++)
		gdb_tdesc_add("<reg name=\"%s\" bitsize=\"64\" group=\"system\"/>",
		              debug_sys_names[n]);
	gdb_tdesc_add("</feature></target>");
}

/* Register n: its size in bytes (0: none such) and the debug call's number of its first half. */
static unsigned gdb_reg_size(uint64_t n, uint32_t *first)
{
	if (n < GDB_REG_V) {
		*first = (uint32_t)n;
		return n == VT_DBG_REG_CPSR ? 4 : 8;
	}
	if (n < GDB_REG_FPSR) {
		*first = VT_DBG_REG_V + 2 * (uint32_t)(n - GDB_REG_V);
		return 16;
	}
	if (n < GDB_REG_SYS) {
		*first = n == GDB_REG_FPSR ? VT_DBG_REG_FPSR : VT_DBG_REG_FPCR;
		return 4;
	}
	*first = VT_DBG_REG_SYS + (uint32_t)(n - GDB_REG_SYS);
	return n < GDB_REGS ? 8 : 0;
}

/* GDB's register n read or written (a V register's two halves in v[0], v[1]): its size, or < 0. */
static int64_t gdb_reg(struct gdb_session *s, uint64_t n, int write, uint64_t *v)
{
	uint32_t first;
	unsigned size = gdb_reg_size(n, &first);

	for (unsigned half = 0; half < (size + 7) / 8; half++) {
		uint64_t x[8] = {VT_HC_DBG_REG, s->vm,           s->vcpu,
		                 first + half,  (uint64_t)write, v[half]};
		int64_t r = gdb_call(x);

		if (r < 0)
			return r;
		v[half] = x[1];
	}
	return size;
}

/* Register n's value in hex at out, as many bytes as it has: past its end. */
static char *gdb_reg_hex(char *out, const uint64_t *v, unsigned size)
{
	for (unsigned half = 0; half < (size + 7) / 8; half++)
		out = gdb_hex_le(out, v[half], size < 8 ? size : 8);
	return out;
}

/* Register n's value from hex at p (size bytes, nothing after): -1 if not that. */
static int gdb_reg_unhex(const char *p, uint64_t *v, unsigned size)
{
	for (unsigned half = 0; half < (size + 7) / 8; half++)
		if (gdb_unhex_le(p + 16 * half, size < 8 ? size : 8, &v[half]))
			return -1;
	return p[2 * size] ? -1 : 0;
}

/* g: every core register of the current vCPU. */
void gdb_regs(struct gdb_session *s)
{
	char out[GDB_CORE_REGS * 16 + 1], *p = out;
	uint32_t first;

	for (uint64_t n = 0; n < GDB_CORE_REGS; n++) {
		uint64_t v[2] = {0};
		int64_t r = gdb_reg(s, n, 0, v);

		if (r < 0) {
			gdb_error(s, r);
			return;
		}
		p = gdb_reg_hex(p, v, gdb_reg_size(n, &first));
	}
	gdb_reply(s, out, (size_t)(p - out));
}

/* G: every core register written. */
void gdb_set_regs(struct gdb_session *s, const char *p, size_t len)
{
	uint32_t first;
	unsigned size;
	int64_t r;

	if (len != GDB_CORE_REGS * 16 - 8) {
		gdb_reply_str(s, "E01");
		return;
	}
	for (uint64_t n = 0; n < GDB_CORE_REGS; p += 2 * size, n++) {
		uint64_t v[2] = {0};

		size = gdb_reg_size(n, &first);
		if (gdb_unhex_le(p, size, &v[0])) {
			gdb_reply_str(s, "E01");
			return;
		}
		if ((r = gdb_reg(s, n, 1, v)) < 0) {
			gdb_error(s, r);
			return;
		}
	}
	gdb_reply_str(s, "OK");
}

/* p n, P n=v: one register. */
void gdb_one_reg(struct gdb_session *s, const char *p, int write)
{
	uint64_t n, v[2] = {0};
	uint32_t first;
	unsigned size;
	int64_t r;
	char out[33];

	if (gdb_num(&p, &n) || !(size = gdb_reg_size(n, &first)) || (write && *p++ != '=') ||
	    (write && gdb_reg_unhex(p, v, size))) {
		gdb_reply_str(s, "E01");
		return;
	}
	if ((r = gdb_reg(s, n, write, v)) < 0) {
		gdb_error(s, r);
		return;
	}
	if (write)
		gdb_reply_str(s, "OK");
	else
		gdb_reply(s, out, (size_t)(gdb_reg_hex(out, v, size) - out));
}

/* qXfer:features:read:target.xml:offset,length */
void gdb_xfer(struct gdb_session *s, const char *p)
{
	static char out[GDB_PKT];
	uint64_t off, len;

	gdb_tdesc_make();
	if (gdb_num(&p, &off) || *p++ != ',' || gdb_num(&p, &len) || *p || off > gdb_tdesc_len) {
		gdb_reply_str(s, "E01");
		return;
	}
	if (len > GDB_PKT - 1)
		len = GDB_PKT - 1;
	if (len > gdb_tdesc_len - off)
		len = gdb_tdesc_len - off;
	out[0] = off + len < gdb_tdesc_len ? 'm' : 'l';
	memcpy(out + 1, gdb_tdesc + off, len);
	gdb_reply(s, out, len + 1);
}
