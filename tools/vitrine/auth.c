/*
 * The client's side of the monitor's handshake (vitrine/netauth.h): read
 * the challenge "vitrine-auth SERVICE NONCE", answer HMAC-SHA-256(secret,
 * nonce || SERVICE) in hex, wait for "vitrine-auth ok". The secret is the
 * build's $(O)/net.key (64 hex digits), found next to this program
 * ($(O)/host/../net.key) unless --key or VITRINE_KEY names another file.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vitrine/netauth.h>

#include "mbedtls/md.h"
#include "vitrine.h"

#define VA_WAIT_MS 10000 /* for each line of the handshake */
#define VA_LINE 160

const char *va_key_path;

/* The key file: the default is the build's, beside $(O)/host/vitrine. */
static const char *va_path(char *buf, size_t len)
{
	ssize_t n;
	char *slash;

	if (va_key_path)
		return va_key_path;
	if (getenv("VITRINE_KEY") && *getenv("VITRINE_KEY"))
		return getenv("VITRINE_KEY");
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return "net.key";
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (strlen(buf) + sizeof("/../net.key") > len)
		return "net.key";
	strcat(buf, "/../net.key");
	return buf;
}

/* The secret from path: VC_OK, or VC_AUTH after saying why. */
static int va_load(const char *path, uint8_t key[VT_AUTH_KEY])
{
	char line[VA_LINE];
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f) {
		fprintf(
		    stderr,
		    "vitrine: cannot read the system's key %s: %s (make builds it; --key FILE or "
		    "VITRINE_KEY names another)\n",
		    path, strerror(errno));
		return VC_AUTH;
	}
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	len = strcspn(line, "\r\n");
	if (vt_auth_unhex(line, len, key, VT_AUTH_KEY)) {
		fprintf(stderr, "vitrine: %s is no key: 64 hex digits wanted\n", path);
		return VC_AUTH;
	}
	return VC_OK;
}

int va_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char c;
		int k = poll(&pfd, 1, VA_WAIT_MS);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n') {
			buf[n] = '\0';
			return (int)n;
		}
		if (n + 1 < len)
			buf[n++] = c;
	}
}

/* The answer to nonce: HMAC-SHA-256(key, nonce || service) in hex, a newline after it. */
static int va_answer(const uint8_t key[VT_AUTH_KEY], const uint8_t nonce[VT_AUTH_NONCE],
                     const char *service, char answer[2 * VT_AUTH_MAC + 2])
{
	const mbedtls_md_info_t *sha = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t msg[VT_AUTH_NONCE + VT_AUTH_SERVICE_MAX], mac[VT_AUTH_MAC];
	size_t sl = strlen(service);

	if (!sha || sl > VT_AUTH_SERVICE_MAX)
		return -1;
	memcpy(msg, nonce, VT_AUTH_NONCE);
	memcpy(msg + VT_AUTH_NONCE, service, sl);
	if (mbedtls_md_hmac(sha, key, VT_AUTH_KEY, msg, VT_AUTH_NONCE + sl, mac))
		return -1;
	for (size_t i = 0; i < sizeof mac; i++)
		snprintf(answer + 2 * i, 3, "%02x", mac[i]);
	answer[2 * VT_AUTH_MAC] = '\n';
	answer[2 * VT_AUTH_MAC + 1] = '\0';
	return 0;
}

int va_handshake(int fd, const char *service, const char *where)
{
	char pbuf[PATH_MAX], line[VA_LINE], want[64], answer[2 * VT_AUTH_MAC + 2];
	const char *path = va_path(pbuf, sizeof pbuf);
	uint8_t key[VT_AUTH_KEY], nonce[VT_AUTH_NONCE];
	int rc = va_load(path, key), n;

	if (rc != VC_OK)
		return rc;
	snprintf(want, sizeof want, VT_AUTH_HELLO "%s ", service);
	n = va_line(fd, line, sizeof line);
	if (n < 0) {
		fprintf(stderr, "vitrine: %s closed the connection before its challenge\n", where);
		return VC_NOCONN;
	}
	if (strncmp(line, want, strlen(want)) ||
	    vt_auth_unhex(line + strlen(want), (size_t)n - strlen(want), nonce, sizeof nonce)) {
		fprintf(stderr, "vitrine: %s sent no challenge for the %s: '%.60s'\n", where,
		        service, line);
		return VC_NOCONN;
	}
	if (va_answer(key, nonce, service, answer)) {
		fprintf(stderr, "vitrine: no HMAC-SHA-256\n");
		return VC_FAIL;
	}
	if (vn_write(fd, answer, strlen(answer)) || va_line(fd, line, sizeof line) < 0) {
		fprintf(stderr, "vitrine: %s closed the connection during the handshake\n", where);
		return VC_NOCONN;
	}
	if (strcmp(line, VT_AUTH_OK)) {
		const char *why = strncmp(line, VT_AUTH_REFUSED, strlen(VT_AUTH_REFUSED))
		                      ? line
		                      : line + strlen(VT_AUTH_REFUSED);

		fprintf(stderr,
		        "vitrine: %s refused the key %s: %s\n"
		        "vitrine: is it the key the running system was built with?\n",
		        where, path, why);
		return VC_AUTH;
	}
	return VC_OK;
}
