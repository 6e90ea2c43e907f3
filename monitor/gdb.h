/*
 * The GDB remote serial protocol server: the connection, its framing and
 * its stop reports (gdb.c), and what each packet does with the debug calls
 * of vitrine/debug.h (gdb_cmd.c).
 */
#ifndef GDB_H
#define GDB_H

#include <stddef.h>
#include <stdint.h>

#define GDB_PKT 4096 /* a packet's payload, ours or the client's (qSupported's PacketSize) */

struct gdb_session {
	uint32_t vm;       /* the VM debugged */
	uint32_t nr_vcpus; /* its vCPUs: threads 1..nr_vcpus */
	uint32_t vcpu;     /* the one g, m, s... act on (Hg, or the last stop's) */
	int running;       /* continued: a stop is to be reported once it comes */
	uint64_t stops;    /* DBG_STATUS's count when it was last seen */
};

/* gdb.c: queue the reply packet to the client ($payload#checksum). */
void gdb_reply(struct gdb_session *s, const char *payload, size_t len);
void gdb_reply_str(struct gdb_session *s, const char *payload);

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
