/*
 * A stand-in for the monitor's TCP services, for the client's tests only
 * (the real end to end test needs the networked monitor): one connection
 * on 127.0.0.1, an ephemeral port written to PORTFILE. First the
 * monitor's handshake (monitor/net_auth.c), with the secret in the file
 * $VITRINE_KEY, as the client reads it: a wrong answer is refused as the
 * monitor refuses it, and nothing more is served.
 *
 *   fake_server PORTFILE stream FILE      sends FILE's bytes, then closes
 *   fake_server PORTFILE console [echo]   a scripted Lua console: prompts as
 *                                         the monitor prints them, a few
 *                                         known lines answered, echo if asked
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vitrine/netauth.h>

#include "mbedtls/constant_time.h"
#include "mbedtls/md.h"

static void fs_send(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = write(fd, s, n);

		if (k <= 0)
			exit(0);
		s += k;
		n -= (size_t)k;
	}
}

#define fs_puts(fd, s) fs_send(fd, s, strlen(s))

static void fs_hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* The challenge, the answer checked: 1 if right (then VT_AUTH_OK was sent). */
static int fs_auth(int fd, const char *service)
{
	const mbedtls_md_info_t *sha = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t key[VT_AUTH_KEY], msg[VT_AUTH_NONCE + VT_AUTH_SERVICE_MAX], mac[VT_AUTH_MAC];
	char hex[2 * VT_AUTH_MAC + 1], line[128];
	size_t n = 0, sl = strlen(service);
	const char *path = getenv("VITRINE_KEY");
	FILE *f = path ? fopen(path, "r") : NULL;

	if (!f || !fgets(line, sizeof(line), f) ||
	    vt_auth_unhex(line, strcspn(line, "\r\n"), key, sizeof(key)) ||
	    sl > VT_AUTH_SERVICE_MAX)
		exit(2);
	fclose(f);
	f = fopen("/dev/urandom", "rb");
	if (!f || fread(msg, 1, VT_AUTH_NONCE, f) != VT_AUTH_NONCE)
		exit(2);
	fclose(f);
	fs_hex(msg, VT_AUTH_NONCE, hex);
	snprintf(line, sizeof(line), VT_AUTH_HELLO "%s %s\n", service, hex);
	fs_puts(fd, line);
	while (n < sizeof(line) - 1 && read(fd, &line[n], 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	memcpy(msg + VT_AUTH_NONCE, service, sl);
	mbedtls_md_hmac(sha, key, sizeof(key), msg, VT_AUTH_NONCE + sl, mac);
	fs_hex(mac, sizeof(mac), hex);
	if (n != 2 * VT_AUTH_MAC || mbedtls_ct_memcmp(line, hex, 2 * VT_AUTH_MAC)) {
		fs_puts(fd,
		        VT_AUTH_REFUSED "wrong answer to the challenge (is the secret right?)\n");
		return 0;
	}
	fs_puts(fd, VT_AUTH_OK "\n");
	return 1;
}

static void fs_console(int fd, int echo)
{
	char line[512];
	size_t n = 0;
	int more = 0;

	fs_puts(fd, "monitor: Lua 5.4.4 console\r\n\r\033[Klua> ");
	for (;;) {
		char c;

		if (read(fd, &c, 1) != 1)
			return;
		if (c != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = c;
			continue;
		}
		line[n] = '\0';
		n = 0;
		if (echo) {
			fs_puts(fd, line);
			fs_puts(fd, "\r\n");
		}
		if (!strcmp(line, "print(1+2)"))
			fs_puts(fd, "3\r\n");
		else if (!strcmp(line, "error('boom')"))
			fs_puts(fd, "console:1: boom\r\n");
		else if (!strcmp(line, "print('a') print('b')"))
			fs_puts(fd, "a\r\nb\r\n");
		else if (!strcmp(line, "function f()"))
			more = 1;
		else if (!strcmp(line, "end"))
			more = 0;
		else if (!strcmp(line, "__vtop()"))
			fs_puts(fd, "T\t1000\t100\r\nV\t0\tmonitor\trunning\t500\t0\t0\r\n"
			            "V\t1\thello\toff\t20\t3\t1\r\n");
		else if (line[0] && !more && strncmp(line, " ", 1) &&
		         strcmp(line, "function __vtop()"))
			fs_puts(fd, "console:1: the fake console knows no such line\r\n");
		fs_puts(fd, more ? "lua>> " : "\r\033[Klua> ");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0), fd;
	FILE *pf;

	if (argc < 3 || s < 0)
		return 2;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&a, &alen))
		return 1;
	pf = fopen(argv[1], "w");
	if (!pf)
		return 1;
	fprintf(pf, "%u\n", ntohs(a.sin_port));
	fclose(pf);
	fd = accept(s, NULL, NULL);
	if (fd < 0)
		return 1;
	if (!fs_auth(fd, strcmp(argv[2], "stream") ? "console" : "stream")) {
		; /* refused: closed */
	} else if (!strcmp(argv[2], "stream") && argc == 4) {
		FILE *f = fopen(argv[3], "rb");
		char buf[4096];
		size_t n;

		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fs_send(fd, buf, n);
		if (f)
			fclose(f);
	} else if (!strcmp(argv[2], "console")) {
		fs_console(fd, argc > 3 && !strcmp(argv[3], "echo"));
	}
	close(fd);
	close(s);
	return 0;
}
