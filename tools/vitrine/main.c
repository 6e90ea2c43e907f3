/*
 * vitrine: the host client of a running Vitrine system.
 *
 *   vitrine repl [--host H] [--port P]        the monitor's Lua console, edited here
 *   vitrine eval [--host H] [--port P] 'LUA'  run LUA, print its output up to the next prompt
 *   vitrine record [--seconds N] -o OUT [--host H] [--port P]
 *                                             the live trace stream into a Perfetto trace
 *   vitrine top [--interval S] [--rounds N] [--host H] [--port P]
 *                                             exits and interrupts per second, per VM
 *   vitrine gdb VM [--host H] [--port P] [-- GDB-ARGS...]
 *                                             gdb-multiarch on VM (the monitor's GDB server)
 *   vitrine gdb-relay VM [--host H] [--port P]  GDB's remote protocol on stdin/stdout
 *
 * Every command also takes --key FILE: the system's secret, by default
 * $VITRINE_KEY or the build's net.key beside out/host/ (auth.c).
 * Defaults: host 127.0.0.1, port 5555 (console), 5556 (record) or 5557
 * (gdb). Exit
 * status: 0 ok, 1 a Lua error (eval), a bad stream or a write error, 2
 * usage, 3 cannot connect or the connection was lost, 4 the system
 * refused the key (or there is none).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/stream.h>

#include "vitrine.h"

static int cli_usage(void)
{
	fprintf(stderr,
	        "usage: vitrine repl [--host H] [--port P]\n"
	        "       vitrine eval [--host H] [--port P] 'LUA'\n"
	        "       vitrine record [--seconds N] -o OUT.perfetto-trace [--host H] [--port P]\n"
	        "       vitrine top [--interval SECONDS] [--rounds N] [--host H] [--port P]\n"
	        "       vitrine gdb VM [--host H] [--port P] [-- GDB-ARGS...]\n"
	        "       vitrine gdb-relay VM [--host H] [--port P]\n"
	        "every command: [--key FILE] the system's secret (default: $VITRINE_KEY, or the\n"
	        "                build's net.key beside out/host/)\n"
	        "defaults: --host 127.0.0.1, --port 5555 (record: 5556, gdb: 5557)\n"
	        "exit status: 0 ok, 1 Lua error / bad stream / write error, 2 usage, "
	        "3 not reachable or connection lost, 4 key refused (wrong secret) or missing\n");
	return VC_USAGE;
}

/* A positive number, or -1. */
static double cli_number(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	return *s && !*end && v > 0 ? v : -1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *host = "127.0.0.1", *port = NULL;
	const char *out = NULL, *lua = NULL, *vm = NULL;
	int gdb = !strcmp(cmd, "gdb") || !strcmp(cmd, "gdb-relay"), rest = argc;
	double seconds = 0, interval = 1, rounds = 0;
	char defport[8];

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--host") && v)
			host = argv[++i];
		else if (!strcmp(a, "--port") && v)
			port = argv[++i];
		else if (!strcmp(a, "--key") && v)
			va_key_path = argv[++i];
		else if (!strcmp(a, "-o") && v)
			out = argv[++i];
		else if (!strcmp(a, "--seconds") && v && (seconds = cli_number(argv[++i])) > 0)
			;
		else if (!strcmp(a, "--interval") && v && (interval = cli_number(argv[++i])) > 0)
			;
		else if (!strcmp(a, "--rounds") && v && (rounds = cli_number(argv[++i])) > 0)
			;
		else if (!strcmp(cmd, "eval") && !lua && a[0] != '-')
			lua = a;
		else if (gdb && !vm && a[0] != '-')
			vm = a;
		else if (!strcmp(cmd, "gdb") && !strcmp(a, "--")) {
			rest = i + 1;
			break;
		} else
			return cli_usage();
	}
	snprintf(defport, sizeof(defport), "%d",
	         !strcmp(cmd, "record") ? VT_STREAM_PORT
	         : gdb                  ? VT_GDB_PORT
	                                : VT_CONSOLE_PORT);
	if (!port)
		port = defport;
	signal(SIGPIPE, SIG_IGN); /* a closed connection is an error from write, not a death */
	if (!strcmp(cmd, "repl") && !out)
		return vp_repl(host, port);
	if (!strcmp(cmd, "eval") && lua && !out)
		return vc_eval(host, port, lua);
	if (!strcmp(cmd, "record") && out)
		return vr_record(host, port, seconds, out);
	if (!strcmp(cmd, "top") && !out)
		return vc_top(host, port, interval, (int)rounds);
	if (!strcmp(cmd, "gdb") && vm && !out)
		return vg_gdb(host, port, vm, argv + rest, argc - rest);
	if (!strcmp(cmd, "gdb-relay") && vm && !out)
		return vg_relay(host, port, vm);
	return cli_usage();
}
