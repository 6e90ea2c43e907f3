/*
 * `vitrine gdb VM`: GDB on a VM the monitor debugs. GDB cannot answer the
 * monitor's challenge, so it talks through a pipe to `vitrine gdb-relay`,
 * which authenticates, names the VM, and then copies bytes both ways
 * between its stdin/stdout and the monitor's GDB server (TCP 5557). A
 * pipe rather than a local port: nothing listens on the host, so no other
 * local user can reach the authenticated connection, and nothing races.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vitrine.h"

#define VG_BUF 16384
#define VG_CMD 8192

/* Copy what is ready from one descriptor to the other: 0 at end of input, -1 an error, else 1. */
static int vg_copy(int from, int to)
{
	char buf[VG_BUF];
	ssize_t n = read(from, buf, sizeof buf);

	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return (int)n;
	return vn_write(to, buf, (size_t)n) ? -1 : 1;
}

int vg_relay(const char *host, const char *port, const char *vm)
{
	char line[200];
	int fd, rc = vn_open(host, port, "gdb", &fd);

	if (rc != VC_OK)
		return rc;
	if (vn_write(fd, vm, strlen(vm)) || vn_write(fd, "\n", 1) ||
	    va_line(fd, line, sizeof line) < 0) {
		fprintf(stderr, "vitrine: the GDB server at %s:%s closed the connection\n", host,
		        port);
		close(fd);
		return VC_NOCONN;
	}
	if (strcmp(line, "ok")) {
		fprintf(stderr, "vitrine: gdb %s: %s\n", vm, line);
		close(fd);
		return VC_FAIL;
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = fd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && vg_copy(0, fd) <= 0)
			break; /* GDB is gone: closing the connection ends the session */
		if (p[1].revents && vg_copy(fd, 1) <= 0) {
			close(fd);
			return VC_NOCONN;
		}
	}
	close(fd);
	return VC_OK;
}

/* s in single quotes for the shell GDB runs a pipe's command with; 0 if it does not fit. */
static int vg_quote(char *out, size_t len, const char *s)
{
	size_t n = 0;

	if (strchr(s, '\'') || strlen(s) + 3 > len)
		return 0;
	out[n++] = '\'';
	memcpy(out + n, s, strlen(s));
	n += strlen(s);
	out[n++] = '\'';
	out[n] = '\0';
	return 1;
}

int vg_gdb(const char *host, const char *port, const char *vm, char **argv, int argc)
{
	const char *gdb = getenv("VITRINE_GDB") && *getenv("VITRINE_GDB") ? getenv("VITRINE_GDB")
	                                                                  : "gdb-multiarch";
	char self[4096], q[5][1100], cmd[VG_CMD];
	char **args;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0) {
		fprintf(stderr, "vitrine: cannot find its own program to relay with\n");
		return VC_FAIL;
	}
	self[n] = '\0';
	if (!vg_quote(q[0], sizeof q[0], self) || !vg_quote(q[1], sizeof q[1], host) ||
	    !vg_quote(q[2], sizeof q[2], port) || !vg_quote(q[3], sizeof q[3], vm) ||
	    !vg_quote(q[4], sizeof q[4], va_key_path ? va_key_path : "")) {
		fprintf(stderr, "vitrine: gdb: a path or name with a quote, or too long\n");
		return VC_USAGE;
	}
	snprintf(cmd, sizeof cmd, "target remote | %s gdb-relay --host %s --port %s%s%s %s", q[0],
	         q[1], q[2], va_key_path ? " --key " : "", va_key_path ? q[4] : "", q[3]);
	args = calloc((size_t)argc + 4, sizeof *args);
	if (!args)
		return VC_FAIL;
	args[0] = (char *)gdb;
	args[1] = "-ex";
	args[2] = cmd;
	memcpy(args + 3, argv, (size_t)argc * sizeof *args);
	execvp(gdb, args);
	fprintf(stderr, "vitrine: cannot run %s: %s (scripts/deps.sh installs gdb-multiarch)\n",
	        gdb, strerror(errno));
	return VC_FAIL;
}
