/*
 * The trace stream the monitor serves over TCP: what the rings
 * hold, framed (include/vitrine/stream.h) so that a client can tell every record
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
	uint32_t next_cpu; /* the ring looked at first next time: rings take turns */
	uint32_t failed;   /* an error frame was sent: nothing more follows */
};

/* Start a client's stream at what the rings hold now (the oldest readable records). */
void stream_start(struct stream *s);
/*
 * Up to room bytes of whole frames into buf: the hello frame first, then
 * records and loss counts, oldest first. Returns the bytes written; 0 if
 * there is nothing new or room is too small for one frame.
 */
size_t stream_fill(struct stream *s, uint8_t *buf, size_t room);

struct vt_ring;
struct vt_sys;

/*
 * Where the encoder finds the rings and the system page: the monitor's
 * (monitor/stream_src.c) in the partition, rings built in memory in the
 * host tests (tests/client/). Both are only read.
 */
struct stream_source {
	/* pCPU cpu's ring, or NULL if it has none (checked magic and version). */
	const struct vt_ring *(*ring)(uint32_t cpu);
	/* A refreshed, checked copy of the system page, or NULL with *why set. */
	const struct vt_sys *(*sys)(const char **why);
};

extern const struct stream_source stream_source;

#endif
