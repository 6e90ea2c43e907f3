/*
 * Bytes for the VMs' random-number generators (entropy.h). The key is the
 * boot seed scripts/run.sh writes at every run; the message, a caller's
 * tweak (which VM, which start) and the counter, so no two calls agree.
 * SipHash-2-4 (Aumasson and Bernstein) is a keyed PRF: a VM that sees its
 * own bytes learns nothing of another's. The monitor, which is shown the
 * boot seed, could compute them: it may look into every VM anyway.
 */
#include "entropy.h"

#include "arch.h"
#include "bootparam.h"
#include "log.h"
#include "platform.h"
#include "siphash.h"

static uint64_t entropy_key[2];

int entropy_boot_seed(uint64_t seed[2])
{
	const volatile uint64_t *w =
	    (const volatile uint64_t *)arch_device_va(PLAT_BOOTPARAM_PA) + BOOTPARAM_SEED_WORD;
	int ok = w[0] == BOOTPARAM_SEED_MAGIC;

	seed[0] = ok ? w[1] : 0;
	seed[1] = ok ? w[2] : 0;
	return ok;
}

void entropy_init(void)
{
	if (!entropy_boot_seed(entropy_key))
		log_printf("no boot seed: the VMs' rng-seeds come from the counter alone\n");
}

void entropy_fill(uint8_t *out, size_t n, uint64_t tweak)
{
	uint64_t m[3] = {tweak, arch_counter(), 0}, w = 0;

	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0) {
			w = siphash24(entropy_key, m, 3);
			m[2]++;
		}
		out[i] = (uint8_t)(w >> (8 * (i % 8)));
	}
}
