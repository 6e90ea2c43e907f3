/*
 * HMAC-SHA-256 for the network's challenge-response (auth.h), by mbedTLS.
 * The monitor has no RNG: a nonce is HMAC(key, seed || epoch || counter ||
 * CNTVCT), the seed being the run's 128 random bits (scripts/run.sh,
 * through the hypervisor's boot-parameter page into the system page), the
 * epoch the monitor's resets. The counter makes nonces distinct within a
 * run of the monitor, the epoch across its restarts, the seed across
 * boots; CNTVCT only adds what an observer cannot know exactly. Without a seed (QEMU run by
 * hand) a new boot restarts the counter, so nonces may repeat: the monitor
 * says so at start (net.c).
 */
#include "auth.h"

#include <string.h>

#include "mbedtls/constant_time.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"
#include "timer.h"

static mbedtls_md_context_t auth_md; /* keyed once: each MAC resets it */
static int auth_ready;
static uint64_t auth_seed[2], auth_epoch;
static uint64_t auth_count;
static uint64_t auth_nonce_ticks, auth_ticks;

const char *auth_init(const uint64_t seed[2], uint64_t epoch)
{
	const mbedtls_md_info_t *sha = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);

	auth_seed[0] = seed[0];
	auth_seed[1] = seed[1];
	auth_epoch = epoch;
	if (auth_ready)
		return NULL;
	mbedtls_md_init(&auth_md);
	if (!sha || mbedtls_md_setup(&auth_md, sha, 1) ||
	    mbedtls_md_hmac_starts(&auth_md, auth_key, VT_AUTH_KEY))
		return "mbedTLS has no HMAC-SHA-256 (or no memory for it)";
	auth_ready = 1;
	return NULL;
}

int auth_seeded(void)
{
	return (auth_seed[0] | auth_seed[1]) != 0;
}

/* HMAC(key, a || b) into mac. */
static void auth_mac(const void *a, size_t alen, const void *b, size_t blen,
                     uint8_t mac[VT_AUTH_MAC])
{
	mbedtls_md_hmac_reset(&auth_md);
	mbedtls_md_hmac_update(&auth_md, a, alen);
	mbedtls_md_hmac_update(&auth_md, b, blen);
	mbedtls_md_hmac_finish(&auth_md, mac);
}

void auth_nonce(uint8_t nonce[VT_AUTH_NONCE])
{
	/* 40 bytes: never the length of a response's message (nonce || service), so never one. */
	uint64_t t = timer_now();
	uint64_t in[5] = {auth_seed[0], auth_seed[1], auth_epoch, ++auth_count, t};

	auth_mac(in, sizeof in, NULL, 0, nonce);
	auth_nonce_ticks = timer_now() - t;
}

int auth_check(const uint8_t nonce[VT_AUTH_NONCE], const char *service,
               const uint8_t mac[VT_AUTH_MAC])
{
	uint64_t t = timer_now();
	uint8_t want[VT_AUTH_MAC];
	int ok;

	if (!auth_ready)
		return 0;
	auth_mac(nonce, VT_AUTH_NONCE, service, strlen(service), want);
	ok = mbedtls_ct_memcmp(want, mac, VT_AUTH_MAC) == 0;
	mbedtls_platform_zeroize(want, sizeof want);
	auth_ticks = auth_nonce_ticks + (timer_now() - t);
	return ok;
}

uint64_t auth_last_ticks(void)
{
	return auth_ticks;
}
