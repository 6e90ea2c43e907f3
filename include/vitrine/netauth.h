/*
 * The handshake in front of the monitor's TCP services (monitor/net_auth.c),
 * as clients speak it (tools/vitrine/auth.c, tests/client/fake_server.c):
 *
 *     server: vitrine-auth SERVICE NONCE      (the nonce in hex)
 *     client: MAC                             (HMAC-SHA-256(secret, nonce || SERVICE), hex)
 *     server: vitrine-auth ok                 (the service's from here on)
 *         or: vitrine-auth refused: WHY       (then it closes)
 *
 * Each line ends with a newline. The secret is the build's $(O)/net.key,
 * VT_AUTH_KEY bytes written as hex (docs/hardening.md).
 */
#ifndef VITRINE_NETAUTH_H
#define VITRINE_NETAUTH_H

#include <stddef.h>
#include <stdint.h>

#define VT_AUTH_HELLO "vitrine-auth " /* then SERVICE, a space and the nonce */
#define VT_AUTH_OK "vitrine-auth ok"
#define VT_AUTH_REFUSED "vitrine-auth refused: "
#define VT_AUTH_KEY 32
#define VT_AUTH_NONCE 32
#define VT_AUTH_MAC 32
#define VT_AUTH_SERVICE_MAX 16 /* bytes of a service's name */

static inline int vt_auth_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n bytes from exactly 2n hex digits (s, len): 0, or -1. */
static inline int vt_auth_unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = vt_auth_hexdigit(s[2 * i]), lo = vt_auth_hexdigit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

#endif
