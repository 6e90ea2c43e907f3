/*
 * `vitrine repl`: the Lua console, edited here (edit.c) and run there. The
 * prompt shown is the console's last one ("lua> " or "lua>> "). Ctrl-C
 * while a chunk runs is sent to the console (which interrupts it); while a
 * line is edited, it drops the line. Ctrl-D on an empty line leaves.
 * Without a terminal, lines are read from stdin as they are.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tty.h"
#include "vitrine.h"

#define VP_LINE 256

struct vp {
	struct vc_conn *c;
	int prompt; /* 1 "lua> ", 2 "lua>> " */
	int closed;
};

static volatile sig_atomic_t vp_fd = -1;

static void vp_sigint(int sig)
{
	(void)sig;
	if (vp_fd >= 0 && write(vp_fd, "\003", 1) < 0)
		vp_fd = -1;
}

static void vp_show(const char *text, size_t len, void *arg)
{
	struct vc_out *o = arg;

	(void)o;
	fwrite(text, 1, len, stdout);
	fflush(stdout);
}

/* What the console says while a line is edited; a new prompt in it is taken, not shown. */
static void vp_other(void *arg)
{
	struct vp *p = arg;
	int k = vc_until_prompt(p->c, vp_show, NULL, 0);

	if (k > 0)
		p->prompt = k;
	else if (p->c->eof)
		p->closed = 1;
}

int vp_repl(const char *host, const char *port)
{
	struct sigaction sa = {.sa_handler = vp_sigint};
	struct vc_conn *c = calloc(1, sizeof(*c));
	struct vp p = {c, 1, 0};
	int echo, rc, tty = isatty(0);
	char line[VP_LINE];

	if (!c)
		return VC_FAIL;
	rc = vc_open(c, host, port, &echo);
	if (rc) {
		free(c);
		return rc;
	}
	vp_fd = c->fd;
	sigaction(SIGINT, &sa, NULL);
	while (!p.closed) {
		struct vc_out o = {.to = stdout};
		int n;

		if (tty) {
			n = tty_readline(p.prompt == 2 ? "lua>> " : "lua> ", line, sizeof(line),
			                 c->fd, vp_other, &p);
			if (n == -1)
				break;
			if (n == -2 || p.closed)
				continue;
		} else if (!fgets(line, sizeof(line), stdin)) {
			break;
		} else {
			line[strcspn(line, "\r\n")] = '\0';
		}
		p.prompt = vc_line(c, line, echo, &o);
		free(o.p);
		if (p.prompt < 0)
			p.closed = 1;
	}
	if (p.closed) {
		fprintf(stderr, "vitrine: the console closed the connection\n");
		rc = VC_NOCONN;
	}
	vp_fd = -1;
	close(c->fd);
	free(c);
	return rc;
}
