/*
 * The live trace stream, version 1: what the monitor partition sends to a
 * client on TCP port 5556 (monitor/stream.c writes it, the host client
 * `vitrine record` reads it). Shared like vitrine/trace.h. All fields
 * little-endian; every header has a fixed size.
 *
 * The stream is a sequence of frames. Each starts with a struct vt_frame:
 * VT_FRAME_MAGIC, a type, the frame's whole length (header included, so a
 * client skips a type it does not know) and a sequence number: 0 for the
 * first frame of a connection, +1 per frame, so a client can tell that a
 * frame went missing.
 *
 *  - VT_FRAME_HELLO, always first: a complete dump (vitrine/trace.h) holding no
 *    records: struct vt_dump (VT_DUMP_MAGIC, timer frequency, rings, VMs,
 *    vCPUs), the VM table (struct vt_dump_vm: names, pCPU masks), the vCPU
 *    table (struct vt_dump_vcpu: vCPU -> pCPU, exits so far), then one
 *    struct vt_dump_ring per ring with count 0 and `first` = the position
 *    the stream starts at on that ring. So a client parses it with the dump
 *    parser and gets the same struct vtrace a saved dump gives.
 *  - VT_FRAME_RECORDS: struct vt_frame_records (the pCPU, the ring position
 *    of the first record, how many records follow, and how many records of
 *    that ring were lost since its previous frame: overwritten in flight
 *    mode before the monitor read them, exact, from vt_ring_peek), then
 *    `count` records of 32 bytes (struct vt_record), oldest first. So a
 *    ring's frames satisfy first = previous first + previous count + lost.
 *    `count` may be 0 when only a loss is told. In stream mode a ring's
 *    own drops stay in-band, as VT_EV_LOST records.
 *  - VT_FRAME_ERROR: the server cannot go on (e.g. the system page failed
 *    its checks): a NUL-terminated message; nothing follows.
 */
#ifndef VT_STREAM_H
#define VT_STREAM_H

#include <stdint.h>

#define VT_STREAM_VERSION 1
#define VT_FRAME_MAGIC 0x4654u    /* "TF": first bytes of every frame */
#define VT_FRAME_MAX (1u << 20)   /* a client rejects longer frames */
#define VT_FRAME_HDR_SIZE 16u     /* sizeof(struct vt_frame) */
#define VT_FRAME_RECORDS_SIZE 24u /* sizeof(struct vt_frame_records) */
#define VT_STREAM_PORT 5556
#define VT_CONSOLE_PORT 5555
#define VT_GDB_PORT 5557 /* the GDB remote protocol (monitor/gdb.c) */

enum vt_frame_type {
	VT_FRAME_HELLO = 1,
	VT_FRAME_RECORDS = 2,
	VT_FRAME_ERROR = 3,
};

struct vt_frame {
	uint16_t magic; /* VT_FRAME_MAGIC */
	uint16_t type;  /* enum vt_frame_type */
	uint32_t len;   /* bytes of the whole frame, this header included */
	uint64_t seq;   /* 0, 1, 2, ... per connection */
};

struct vt_frame_records {
	uint32_t cpu;   /* the pCPU whose ring this is */
	uint32_t count; /* records that follow */
	uint64_t first; /* ring position of the first of them */
	uint64_t lost;  /* records of this ring lost since its previous frame */
};

#endif
