/* SipHash-2-4 (siphash.h), after Aumasson and Bernstein's paper. */
#include "siphash.h"

static inline uint64_t sip_rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = sip_rotl(v[1], 13) ^ v[0];
	v[0] = sip_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = sip_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = sip_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = sip_rotl(v[1], 17) ^ v[2];
	v[2] = sip_rotl(v[2], 32);
}

/* The last word holds the message's length in bytes in its top byte: n * 8. */
uint64_t siphash24(const uint64_t key[2], const uint64_t *m, unsigned n)
{
	uint64_t v[4] = {key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
	                 key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull};
	uint64_t last = (uint64_t)(n * 8) << 56;

	for (unsigned i = 0; i <= n; i++) {
		uint64_t w = i < n ? m[i] : last;

		v[3] ^= w;
		sip_round(v);
		sip_round(v);
		v[0] ^= w;
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
