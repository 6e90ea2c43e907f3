/*
 * What the hypervisor has of randomness: the run's boot seed (bootparam.h)
 * and the counter. Stretched with SipHash-2-4, keyed by the seed, into
 * bytes for the VMs' random-number generators.
 */
#ifndef ENTROPY_H
#define ENTROPY_H

#include <stddef.h>
#include <stdint.h>

/* At boot, before any VM starts: the key, from the boot seed. */
void entropy_init(void);
/* The run's 128-bit seed into seed[2]; 0 if the run passed none (seed zeroed). */
int entropy_boot_seed(uint64_t seed[2]);
/*
 * n bytes that nobody without the boot seed can predict, different for
 * every (tweak, call): SipHash-2-4 of (tweak, the counter, a block index).
 */
void entropy_fill(uint8_t *out, size_t n, uint64_t tweak);

#endif
