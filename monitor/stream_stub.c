/*
 * A stand-in for the trace-stream encoder (monitor/stream.c, written
 * elsewhere) so that the network service links until it lands: weak, so
 * the real definitions replace these without a clash. Delete this file
 * when monitor/stream.c is merged. Until then a stream client is accepted
 * and sent nothing.
 */
#include "stream.h"

__attribute__((weak)) void stream_start(struct stream *s)
{
	s->seq = 0;
	s->hello_sent = 0;
	for (int i = 0; i < STREAM_CPUS; i++)
		s->pos[i] = 0;
}

__attribute__((weak)) size_t stream_fill(struct stream *s, uint8_t *buf, size_t room)
{
	(void)s;
	(void)buf;
	(void)room;
	return 0;
}
