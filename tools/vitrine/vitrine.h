/*
 * vitrine, the host client of a running Vitrine system: the monitor's Lua
 * console (TCP port 5555), its trace stream (TCP port 5556) and its GDB
 * server (TCP port 5557).
 */
#ifndef VITRINE_CLIENT_H
#define VITRINE_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vtrace.h"

/* Exit statuses (README: The vitrine client). */
#define VC_OK 0
#define VC_FAIL 1   /* a Lua error (eval), a bad stream, a write error */
#define VC_USAGE 2  /* bad command line */
#define VC_NOCONN 3 /* cannot connect, or the connection was lost */
#define VC_AUTH 4   /* the system refused the key (wrong secret), or there is no key */

/* frame.c: the trace stream (include/vitrine/stream.h), decoded and checked. */
struct vs_frame {
	uint16_t type; /* enum vt_frame_type; others are skipped by the caller */
	uint64_t seq;
	uint32_t ri;  /* records: ring index in the hello's struct vtrace */
	uint32_t cpu; /* records: its pCPU */
	uint32_t count;
	uint64_t first, lost;
	const struct vt_record *rec; /* count records, valid until the next call */
	const char *message;         /* error frame: the server's message */
};

struct vs_dec {
	struct vtrace t; /* from the hello: VMs, vCPUs, rings (no records) */
	int have_hello;
	uint64_t seq;      /* the next frame's expected sequence number */
	uint64_t *next;    /* per ring: the position its next frame must start at */
	uint64_t *last_ts; /* per ring: the last record's timestamp */
	uint8_t *buf;      /* bytes received, not yet decoded: buf[start..len) */
	size_t start, len, cap;
	uint64_t offset; /* of buf[start] in the stream, for messages */
	struct vt_record *rec;
	size_t rec_cap;
	uint64_t frames, events, lost, bytes;
};

/* Append received bytes; -1 if out of memory. */
int vs_dec_push(struct vs_dec *d, const uint8_t *p, size_t n);
/* 1 with the next frame in f, 0 if more bytes are needed, -1 with a message in err. */
int vs_dec_next(struct vs_dec *d, struct vs_frame *f, char *err, size_t errlen);
/* At the end of the stream: -1 (and why) if it stops inside a frame. */
int vs_dec_end(const struct vs_dec *d, char *err, size_t errlen);
void vs_dec_free(struct vs_dec *d);

/* net.c */
/*
 * A connected TCP socket to service ("console", "stream"), authenticated
 * (auth.c): VC_OK with *fd, or VC_NOCONN / VC_AUTH after printing why.
 */
int vn_open(const char *host, const char *port, const char *service, int *fd);
/* Write all of buf; -1 on error. */
int vn_write(int fd, const void *buf, size_t len);

/* auth.c: the monitor's handshake; the key file (NULL: VITRINE_KEY, or the build's). */
extern const char *va_key_path;
/* VC_OK, or VC_NOCONN / VC_AUTH / VC_FAIL after printing why (naming where). */
int va_handshake(int fd, const char *service, const char *where);
/* One line from fd, byte by byte (what follows is the service's); its length, or -1. */
int va_line(int fd, char *buf, size_t len);

/* gdb.c: the monitor's GDB server for VM, relayed between stdin/stdout and it (gdb-relay). */
int vg_relay(const char *host, const char *port, const char *vm);
/* gdb-multiarch run with argv (ELF, options...), its remote target that relay. */
int vg_gdb(const char *host, const char *port, const char *vm, char **argv, int argc);

/* record.c */
int vr_record(const char *host, const char *port, double seconds, const char *out);

/* console.c: talking to the Lua console. */
struct vc_conn {
	int fd;
	char buf[65536]; /* received, not yet shown */
	size_t len;
	int eof;
};
/*
 * Read until the console shows a prompt ("lua> " or "lua>> ") with nothing
 * after it. Output before it goes to show(out, len) if set. Returns 1 for
 * "lua> ", 2 for "lua>> ", -1 if the connection ended (or timeout_ms
 * passed, if >= 0, with no prompt).
 */
int vc_until_prompt(struct vc_conn *c, void (*show)(const char *, size_t, void *), void *arg,
                    int timeout_ms);
/* Send one line (a newline added). */
int vc_send_line(struct vc_conn *c, const char *line);
/* Whether text (a chunk's output) ends with a Lua error line, as the console prints them. */
int vc_is_error(const char *text, size_t len);
/* Collected output of one chunk, rendered; the server's echo of the line left out. */
struct vc_out {
	char *p;
	size_t len, cap;
	const char *echo; /* the line sent, while its echo may still come */
	FILE *to;         /* also shown here as it comes, or NULL */
};
/* Connect and wait for the first prompt; *echo: whether the server echoes lines. */
int vc_open(struct vc_conn *c, const char *host, const char *port, int *echo);
/* One line sent, its answer collected in o (and shown on o->to); the prompt kind, or -1. */
int vc_line(struct vc_conn *c, const char *line, int echo, struct vc_out *o);
int vc_eval(const char *host, const char *port, const char *lua);
int vc_top(const char *host, const char *port, double interval, int rounds);

/* repl.c */
int vp_repl(const char *host, const char *port);

#endif
