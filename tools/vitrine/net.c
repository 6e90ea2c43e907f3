/* TCP to the system: connecting with an error that says what to do, writing all. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vitrine.h"

static int vn_connect(const char *host, const char *port, const char *what)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int rc = getaddrinfo(host, port, &hints, &res), fd = -1, err = 0;

	if (rc) {
		fprintf(stderr, "vitrine: cannot connect to %s:%s (%s): %s\n", host, port, what,
		        gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr,
		        "vitrine: cannot connect to %s:%s (%s): %s — is `make run "
		        "CONFIG=monitor-net` running?\n",
		        host, port, what, strerror(err ? err : errno));
	return fd;
}

int vn_open(const char *host, const char *port, const char *service, int *fd)
{
	const char *what = !strcmp(service, "stream") ? "trace stream"
	                   : !strcmp(service, "gdb")  ? "GDB server"
	                                              : "Lua console";
	char where[300];
	int rc;

	*fd = vn_connect(host, port, what);
	if (*fd < 0)
		return VC_NOCONN;
	snprintf(where, sizeof where, "%s:%s (%s)", host, port, what);
	rc = va_handshake(*fd, service, where);
	if (rc != VC_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int vn_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
