/*
 * SipHash-2-4, a keyed pseudo-random function (Aumasson and Bernstein,
 * 2012): 64 bits out of a 128-bit key and a message, here n whole 64-bit
 * words (little-endian words of the byte message, whose length is n * 8).
 */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stdint.h>

uint64_t siphash24(const uint64_t key[2], const uint64_t *m, unsigned n);

#endif
