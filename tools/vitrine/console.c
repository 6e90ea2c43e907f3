/*
 * The monitor's Lua console over TCP (port 5555), as a program talks to
 * it: it prints the same prompts as the UART console ("lua> ", and "lua>> "
 * while a chunk is unfinished), so the answer to a line is everything
 * before the next prompt. Whether the server echoes what it is sent is
 * found out once, with an empty line (the answer to it is only an echo).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vitrine.h"

#define VC_HELLO_MS 10000 /* for the first prompt */
#define VC_LINE 200       /* the console takes lines of up to 255 bytes */

/* text as a terminal would leave it: no CR, no escape sequences. In place; the new length. */
static size_t vc_render(char *text, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r')
			continue;
		if (text[i] == '\033' && i + 1 < len && text[i + 1] == '[') {
			for (i += 2; i < len && !((text[i] >= 'A' && text[i] <= 'Z') ||
			                          (text[i] >= 'a' && text[i] <= 'z'));
			     i++)
				;
			continue;
		}
		text[o++] = text[i];
	}
	return o;
}

/* 1 "lua> ", 2 "lua>> ", 0 neither: the unfinished last line, rendered. */
static int vc_prompt_kind(const char *tail, size_t len)
{
	char t[32];

	if (len >= sizeof(t))
		return 0;
	memcpy(t, tail, len);
	len = vc_render(t, len);
	if (len == 5 && !memcmp(t, "lua> ", 5))
		return 1;
	if (len == 6 && !memcmp(t, "lua>> ", 6))
		return 2;
	return 0;
}

int vc_until_prompt(struct vc_conn *c, void (*show)(const char *, size_t, void *), void *arg,
                    int timeout_ms)
{
	for (;;) {
		char *nl = NULL;
		size_t done;
		int kind;
		ssize_t n;
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};

		for (size_t i = c->len; i-- > 0;)
			if (c->buf[i] == '\n') {
				nl = &c->buf[i];
				break;
			}
		done = nl ? (size_t)(nl - c->buf) + 1 : 0;
		kind = vc_prompt_kind(c->buf + done, c->len - done);
		/* Whole lines are shown as they come; the last one waits to be told from a prompt.
		 */
		if (done && show)
			show(c->buf, done, arg);
		memmove(c->buf, c->buf + done, c->len - done);
		c->len -= done;
		if (kind) {
			c->len = 0;
			return kind;
		}
		if (c->eof)
			return -1;
		if (c->len == sizeof(c->buf)) { /* a line without end: show it anyway */
			if (show)
				show(c->buf, c->len, arg);
			c->len = 0;
		}
		n = poll(&pfd, 1, timeout_ms);
		if (n == 0)
			return -1;
		if (n < 0 && errno == EINTR)
			continue; /* a signal handler has done what it wanted */
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0)
			c->eof = 1;
		else
			c->len += (size_t)n;
	}
}

int vc_send_line(struct vc_conn *c, const char *line)
{
	return vn_write(c->fd, line, strlen(line)) || vn_write(c->fd, "\n", 1) ? -1 : 0;
}

int vc_is_error(const char *text, size_t len)
{
	size_t end = len, start;

	while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	for (start = end; start && text[start - 1] != '\n'; start--)
		;
	text += start;
	len = end - start;
	if (len > 8 && !memcmp(text, "console:", 8)) {
		size_t i = 8;

		while (i < len && text[i] >= '0' && text[i] <= '9')
			i++;
		return i > 8 && i < len && text[i] == ':';
	}
	return len >= 19 && !memcmp(text, "(error object is a ", 19);
}

static void vc_collect(const char *text, size_t len, void *arg)
{
	struct vc_out *o = arg;
	char *q;

	if (o->len + len + 1 > o->cap) {
		size_t cap = (o->len + len + 1) * 2;

		q = realloc(o->p, cap);
		if (!q)
			return;
		o->p = q;
		o->cap = cap;
	}
	q = o->p + o->len;
	memcpy(q, text, len);
	len = vc_render(q, len);
	if (o->echo) {
		size_t e = strlen(o->echo);

		if (len > e && !memcmp(q, o->echo, e) && q[e] == '\n') {
			memmove(q, q + e + 1, len - e - 1);
			len -= e + 1;
		}
		o->echo = NULL;
	}
	if (o->to) {
		fwrite(q, 1, len, o->to);
		fflush(o->to);
	}
	o->len += len;
	o->p[o->len] = '\0';
}

/* Connect and wait for the first prompt; find out whether the server echoes. */
int vc_open(struct vc_conn *c, const char *host, const char *port, int *echo)
{
	struct vc_out o = {0};
	int k, rc = vn_open(host, port, "console", &c->fd);

	if (rc != VC_OK)
		return rc;
	if (vc_until_prompt(c, NULL, NULL, VC_HELLO_MS) < 0 || vc_send_line(c, "") ||
	    (k = vc_until_prompt(c, vc_collect, &o, VC_HELLO_MS)) < 0) {
		fprintf(stderr, "vitrine: no Lua prompt from %s:%s within %d s\n", host, port,
		        VC_HELLO_MS / 1000);
		free(o.p);
		close(c->fd);
		c->fd = -1;
		return VC_NOCONN;
	}
	*echo = o.len > 0;
	free(o.p);
	return VC_OK;
}

/* One line sent, its answer collected (and shown on o->to); the prompt kind, or -1. */
int vc_line(struct vc_conn *c, const char *line, int echo, struct vc_out *o)
{
	o->echo = echo ? line : NULL;
	if (vc_send_line(c, line))
		return -1;
	return vc_until_prompt(c, vc_collect, o, -1);
}

int vc_eval(const char *host, const char *port, const char *lua)
{
	struct vc_conn *c = calloc(1, sizeof(*c));
	char *copy = strdup(lua), *line, *save = NULL;
	int echo, rc, k = 1, error = 0;

	if (!c || !copy)
		return VC_FAIL;
	rc = vc_open(c, host, port, &echo);
	for (line = strtok_r(copy, "\n", &save); rc == VC_OK && line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct vc_out o = {.to = stdout};

		k = vc_line(c, line, echo, &o);
		error |= k > 0 && vc_is_error(o.p, o.len);
		free(o.p);
		if (k < 0) {
			fprintf(stderr, "vitrine: eval: the console closed the connection\n");
			rc = VC_NOCONN;
		}
	}
	fflush(stdout);
	if (rc == VC_OK && k == 2) {
		fprintf(stderr, "vitrine: eval: the Lua chunk is unfinished (the console asks for "
		                "more: lua>>)\n");
		rc = VC_FAIL;
	}
	if (rc == VC_OK && error)
		rc = VC_FAIL;
	if (c->fd >= 0)
		close(c->fd);
	free(copy);
	free(c);
	return rc;
}
