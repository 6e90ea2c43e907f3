/*
 * Host unit tests of SipHash-2-4 (hyp/lib/siphash.c), which keys the VMs'
 * rng-seeds: the reference vectors of the SipHash paper for the messages of
 * whole words (key 00 01 .. 0f, message 00 01 .. of 0, 8, 16 and 24 bytes).
 */
#include <inttypes.h>
#include <stdio.h>

#include "siphash.h"

int main(void)
{
	static const uint64_t key[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	static const uint64_t msg[3] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull,
	                                0x1716151413121110ull};
	static const uint64_t want[4] = {0x726fdb47dd0e0e31ull, 0x93f5f5799a932462ull,
	                                 0x3f2acc7f57c29bdbull, 0xb8ad50c6f649af94ull};
	int failures = 0;

	for (unsigned n = 0; n < 4; n++) {
		uint64_t got = siphash24(key, msg, n);
		int ok = got == want[n];

		printf("%s unit/siphash: %u bytes: %016" PRIx64 "%s\n", ok ? "PASS" : "FAIL", n * 8,
		       got, ok ? "" : ", not the paper's");
		failures += !ok;
	}
	return failures != 0;
}
