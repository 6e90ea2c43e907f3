/*
 * The network's challenge-response (docs/hardening.md, "The network
 * console"): the server sends a fresh nonce, the client answers
 * HMAC-SHA-256(key, nonce || service name), the key being the system's
 * secret the image embeds ($(O)/net.key at build time). mbedTLS does the
 * HMAC and the constant-time compare.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stdint.h>

#include <vitrine/netauth.h>

/* The build's secret (generated from $(O)/net.key: monitor/monitor.mk). */
extern const uint8_t auth_key[VT_AUTH_KEY];

/*
 * Ready the HMAC and seed the nonces with the run's boot seed (the system
 * page's boot_seed; all zero: none was passed) and epoch, which differs
 * each time the monitor restarts in one boot. 0, or why there is no HMAC.
 */
const char *auth_init(const uint64_t seed[2], uint64_t epoch);
/* Was a boot seed passed? Without one, nonces may repeat across boots. */
int auth_seeded(void);
/* A nonce never given before in this boot (nor, seeded, in another). */
void auth_nonce(uint8_t nonce[VT_AUTH_NONCE]);
/* Is mac HMAC-SHA-256(key, nonce || service)? Compared in constant time. */
int auth_check(const uint8_t nonce[VT_AUTH_NONCE], const char *service,
               const uint8_t mac[VT_AUTH_MAC]);
/* Counter ticks of the last check plus its nonce's making: net.stats().auth_ticks. */
uint64_t auth_last_ticks(void);

#endif
