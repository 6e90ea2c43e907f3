/*
 * The GDB remote serial protocol server: the connection, its framing and
 * its stop reports (gdb.c), and what each packet does with the debug calls
 * of vitrine/debug.h (gdb_cmd.c).
 */
#ifndef GDB_H
#define GDB_H

#include <stddef.h>
#include <stdint.h>

#include "repl.h"

#define GDB_PKT 4096 /* a packet's payload, ours or the client's (qSupported's PacketSize) */
#define GDB_RCMD (GDB_PKT / 2) /* a monitor command's chunk, and output sent at once */

struct gdb_session {
	uint32_t vm;       /* the VM debugged */
	uint32_t nr_vcpus; /* its vCPUs: threads 1..nr_vcpus */
	uint32_t vcpu;     /* the one g, m, s... act on (Hg, or the last stop's) */
	int running;       /* continued: a stop is to be reported once it comes */
	uint64_t stops;    /* DBG_STATUS's count when it was last seen */
	/* `monitor <lua>` (gdb_rcmd.c): the session's own Lua state, made at its first */
	lua_State *L;
	struct repl_mem mem;
	int rcmd;      /* a command waits to run (gdb_serve) */
	int rcmd_busy; /* it runs: its connection's input waits, but for Ctrl-C */
	int rcmd_stop; /* Ctrl-C came while it ran */
	uint64_t rcmd_start;
	size_t cmd_len, said_len, said_total;
	char cmd[GDB_RCMD];
	char said[GDB_RCMD - 1]; /* what it printed and is not sent yet (an O packet's worth) */
};

/* gdb.c: queue the reply packet to the client ($payload#checksum). */
void gdb_reply(struct gdb_session *s, const char *payload, size_t len);
void gdb_reply_str(struct gdb_session *s, const char *payload);

/* gdb.c: is the client gone? */
int gdb_lost(struct gdb_session *s);
/* gdb.c: wait (polling the network, 5 s at most) for room for len bytes: 0 if there is. */
int gdb_room(struct gdb_session *s, size_t len);

/* gdb_rcmd.c */
/* qRcmd,hex: take the command, for gdb_serve to run (the reply comes then). */
void gdb_rcmd(struct gdb_session *s, const char *hex);
/* Run the command taken: its output as O packets, then OK, or E01 after the error's message. */
void gdb_rcmd_run(struct gdb_session *s);
/* The session ended: its Lua state goes, unless a command runs (then once it is done). */
void gdb_rcmd_end(struct gdb_session *s);

/* gdb_regs.c: g, G (its hex, len bytes), p and P (write), qXfer of target.xml (offset,length). */
void gdb_regs(struct gdb_session *s);
void gdb_set_regs(struct gdb_session *s, const char *p, size_t len);
void gdb_one_reg(struct gdb_session *s, const char *p, int write);
void gdb_xfer(struct gdb_session *s, const char *p);

/* gdb_cmd.c's helpers */
/* x: a debug call's registers; its answer (x0) as is. */
int64_t gdb_call(uint64_t *x);
/* The E reply for a debug call's negative answer. */
void gdb_error(struct gdb_session *s, int64_t r);
/* A hex number at *p (16 digits at most), which moves past it: -1 if there is none. */
int gdb_num(const char **p, uint64_t *v);
/* n bytes of v, little-endian, in hex at out: past their end. */
char *gdb_hex_le(char *out, uint64_t v, unsigned n);
/* n little-endian bytes in hex at p into *v: -1 if they are not there. */
int gdb_unhex_le(const char *p, unsigned n, uint64_t *v);

/* gdb_cmd.c */
/* Answer one packet's payload (checksum verified). 1 if the client asked to leave (D, k). */
int gdb_cmd(struct gdb_session *s, char *pkt, size_t len);
/* The client's Ctrl-C: stop the VM, report it. */
void gdb_interrupt(struct gdb_session *s);
/* While running: report the stop if the VM stopped since. */
void gdb_check_stop(struct gdb_session *s);
/* The session ends (detach, lost connection): every breakpoint out, the VM runs on. */
void gdb_end(struct gdb_session *s);

#endif
