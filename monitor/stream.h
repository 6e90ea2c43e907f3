/*
 * The trace stream the monitor serves over TCP (issue 6): what the rings
 * hold, framed (trace/stream.h) so that a client can tell every record
 * from every loss. One struct stream per connected client; the service
 * asks for bytes whenever its socket has room, and never waits.
 */
#ifndef STREAM_H
#define STREAM_H

#include <stddef.h>
#include <stdint.h>

#define STREAM_CPUS 4

struct stream {
	uint64_t seq;              /* next frame's sequence number */
	uint64_t pos[STREAM_CPUS]; /* per ring: the next record to send */
	uint32_t hello_sent;
};

/* Start a client's stream at what the rings hold now (the oldest readable records). */
void stream_start(struct stream *s);
/*
 * Up to room bytes of whole frames into buf: the hello frame first, then
 * records and loss counts, oldest first. Returns the bytes written; 0 if
 * there is nothing new or room is too small for one frame.
 */
size_t stream_fill(struct stream *s, uint8_t *buf, size_t room);

#endif
