/*
 * `vitrine top`: exits and injected interrupts per second, per VM, over the
 * Lua console. A small function is defined in the monitor once; each round
 * it prints the counter, vm.list()'s exits and the VT_EV_INJECT records
 * each VM got since the last round (trace.read from where it stopped, so
 * none counts twice). Rates are over the monitor's own counter.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vitrine.h"

#define VT_TOP_VMS 64

static const char *const top_lua[] = {
    "function __vtop()",
    " local T = __vtop_s or {pos = {}} __vtop_s = T",
    " local n = {}",
    " for _, r in ipairs(trace.rings()) do",
    "  local p = T.pos[r.cpu] or r.written",
    "  repeat local t = trace.read{cpu = r.cpu, since = p, max = 10000, events = 'inject'}",
    "   for _, e in ipairs(t.records) do if e.vm then n[e.vm] = (n[e.vm] or 0) + 1 end end",
    "   p = t.next until #t.records < 10000",
    "  T.pos[r.cpu] = p",
    " end",
    " print('T', vitrine.now(), vitrine.freq())",
    " for _, v in ipairs(vm.list()) do",
    "  print('V', v.id, v.name, v.state, v.exits, n[v.id] or 0, v.resets) end",
    "end",
};

struct top_vm {
	unsigned id;
	char name[40], state[16];
	unsigned long long exits, irqs, resets;
};

struct top_sample {
	unsigned long long now, freq;
	int n;
	struct top_vm vm[VT_TOP_VMS];
};

static volatile sig_atomic_t top_stop;

static void top_sigint(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* The lines __vtop() printed; 0, or -1 if they are not what it prints. */
static int top_parse(const char *text, struct top_sample *s)
{
	const char *line = text;

	memset(s, 0, sizeof(*s));
	while (*line) {
		struct top_vm *v = &s->vm[s->n];

		if (sscanf(line, "T\t%llu\t%llu", &s->now, &s->freq) == 2)
			;
		else if (s->n < VT_TOP_VMS &&
		         sscanf(line, "V\t%u\t%39[^\t]\t%15[^\t]\t%llu\t%llu\t%llu", &v->id,
		                v->name, v->state, &v->exits, &v->irqs, &v->resets) == 6)
			s->n++;
		else
			return -1;
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return s->freq ? 0 : -1;
}

static void top_show(const struct top_sample *a, const struct top_sample *b, int tty,
                     const char *where)
{
	double dt = (double)(b->now - a->now) / (double)b->freq;

	if (tty)
		printf("\033[H\033[2J");
	printf("vitrine top: %s, over %.2f s (Ctrl-C quits)\n", where, dt);
	printf("%-4s %-16s %-9s %12s %12s %7s\n", "id", "VM", "state", "exits/s", "irqs/s",
	       "resets");
	for (int i = 0; i < b->n; i++) {
		const struct top_vm *v = &b->vm[i];
		unsigned long long before = v->exits;

		for (int j = 0; j < a->n; j++)
			if (a->vm[j].id == v->id)
				before = a->vm[j].exits;
		printf("%-4u %-16s %-9s %12.0f %12.0f %7llu\n", v->id, v->name, v->state,
		       dt > 0 ? (double)(v->exits - before) / dt : 0.0,
		       dt > 0 ? (double)v->irqs / dt : 0.0, v->resets);
	}
	fflush(stdout);
}

int vc_top(const char *host, const char *port, double interval, int rounds)
{
	struct sigaction sa = {.sa_handler = top_sigint};
	struct vc_conn *c = calloc(1, sizeof(*c));
	struct top_sample s[2];
	char where[300];
	int echo, rc, tty = isatty(1);

	if (!c)
		return VC_FAIL;
	rc = vc_open(c, host, port, &echo);
	for (size_t i = 0; rc == VC_OK && i < sizeof(top_lua) / sizeof(top_lua[0]); i++) {
		struct vc_out o = {0};

		if (vc_line(c, top_lua[i], echo, &o) < 0 || (o.len && vc_is_error(o.p, o.len))) {
			fprintf(stderr, "vitrine: top: the console refused its function: %.*s\n",
			        (int)o.len, o.p ? o.p : "");
			rc = VC_FAIL;
		}
		free(o.p);
	}
	snprintf(where, sizeof(where), "%s:%s", host, port);
	sigaction(SIGINT, &sa, NULL);
	for (int r = 0; rc == VC_OK && !top_stop && (rounds <= 0 || r <= rounds); r++) {
		struct vc_out o = {0};
		struct timespec ts = {(time_t)interval,
		                      (long)((interval - (double)(time_t)interval) * 1e9)};

		if (r > 0)
			nanosleep(&ts, NULL);
		if (top_stop)
			break;
		if (vc_line(c, "__vtop()", echo, &o) < 0) {
			fprintf(stderr, "vitrine: top: the console closed the connection\n");
			rc = VC_NOCONN;
		} else if (!o.p || top_parse(o.p, &s[r % 2])) {
			fprintf(stderr, "vitrine: top: unexpected answer: %.*s\n", (int)o.len,
			        o.p ? o.p : "");
			rc = VC_FAIL;
		} else if (r > 0) {
			top_show(&s[(r + 1) % 2], &s[r % 2], tty, where);
		}
		free(o.p);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return rc;
}
