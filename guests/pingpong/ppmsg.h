/*
 * The ping-pong message, shared by the bare-metal pingpong guest and Linux's
 * vtshm (guests/linux/vtshm.c), which plays ping against it: ping writes a
 * message in the first half of the channel's first page and rings event
 * PP_EVENT; pong checks it and answers in the second half, each payload
 * word transformed, and rings back. A message is a sequence number (the
 * round, from 1), a checksum and a payload that changes every round; the
 * sequence number is written last and read first.
 */
#ifndef PPMSG_H
#define PPMSG_H

#include <stdint.h>

#define PP_HALF 2048 /* ping's message at offset 0 of the page, pong's at PP_HALF */
#define PP_EVENT 1
#define PP_WORDS 14
#define PP_DEFAULT_ROUNDS 10000

struct pp_msg {
	uint32_t seq;
	uint32_t sum;
	uint32_t data[PP_WORDS];
};

static inline uint32_t pp_payload(uint32_t round, uint32_t i)
{
	return (round * 0x9e3779b9u) ^ (i * 0x01000193u) ^ (i << 24 | round >> 8);
}

/* What pong does to each payload word. */
static inline uint32_t pp_transform(uint32_t w)
{
	return (w << 7 | w >> 25) ^ 0xa5a5a5a5u;
}

/* FNV-1a over the sequence number and the payload words. */
static inline uint32_t pp_checksum(uint32_t seq, const uint32_t *data)
{
	uint32_t h = 2166136261u;

	h = (h ^ seq) * 16777619u;
	for (int i = 0; i < PP_WORDS; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

#endif
