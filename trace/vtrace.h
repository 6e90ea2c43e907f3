/*
 * vtrace, the host side of Vitrine tracing: a dump file (format.h) parsed
 * and validated into memory, and what the commands do with it.
 */
#ifndef VTRACE_H
#define VTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fold.h"
#include "format.h"

/* Sizes of the on-disk structures: the parser reads fields by offset. */
#define VT_DUMP_HDR_SIZE 32u
#define VT_DUMP_VM_SIZE 48u
#define VT_DUMP_VCPU_SIZE 16u
#define VT_DUMP_RING_SIZE 40u
#define VT_RECORD_SIZE 32u

/* Little-endian fields of the dump and stream formats, whatever the host's byte order. */
static inline uint16_t vt_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t vt_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t vt_le64(const uint8_t *p)
{
	return (uint64_t)vt_le32(p) | (uint64_t)vt_le32(p + 4) << 32;
}

#define VT_MAX_CPU 4096u           /* rings for higher pCPU numbers are rejected */
#define VT_MAX_FREQ 10000000000ull /* 10 GHz: keeps the ns conversion exact in 64 bits */

struct vt_trace_ring {
	uint32_t cpu;
	uint32_t mode;                        /* enum vt_mode */
	uint64_t first, count, lost, skipped; /* ring records, as in struct vt_dump_ring */
	size_t offset;         /* of its struct vt_dump_ring in the file, for messages */
	struct vt_record *rec; /* n events: the records with their folded ENTERs rebuilt (fold.h) */
	uint64_t n;
};

struct vt_trace {
	uint32_t version; /* of the dump's format: 1 or VT_VERSION */
	uint64_t timer_freq;
	uint32_t nr_rings, nr_vms, nr_vcpus;
	struct vt_dump_vm *vms;
	struct vt_dump_vcpu *vcpus;
	struct vt_trace_ring *rings;
	uint64_t nr_records; /* ring records (not counting the ENTERs rebuilt from them) */
	uint64_t t0, t1;     /* first and last timestamp over every event */
};

/* dump.c: one 32-byte record as the dump and the stream carry it (not checked). */
void vt_record_decode(const uint8_t *p, struct vt_record *r);
/*
 * dump.c: a ring record's ENTER folded into it (fold.h), checked: NULL if
 * it is well placed (none, or not before prev_ts, the ring's previous
 * event, or 0), else why not.
 */
const char *vt_fold_check(const struct vt_record *r, uint32_t version, uint64_t prev_ts);
/* dump.c: 0, or -1 with "offset N: what was expected" in err. */
int vt_dump_parse(const uint8_t *buf, size_t len, struct vt_trace *t, char *err, size_t errlen);
int vt_dump_load(const char *path, struct vt_trace *t, char *err, size_t errlen);
void vt_dump_free(struct vt_trace *t);
int vt_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);

/* decode.c */
/* A physical interrupt's arrival: VT_EV_IRQ, or an exit of class VT_EXIT_IRQ. */
int vt_dec_irq_arrival(const struct vt_record *r, uint32_t *intid);
#define VT_EXIT_KINDS 8
int vt_dec_exit_kind(uint32_t class);
const char *vt_dec_exit_kind_name(int kind);
const char *vt_dec_event_name(uint16_t event);
void vt_dec_events_table(FILE *out);
const char *vt_dec_vm_state_name(uint32_t state);
const char *vt_dec_vcpu_state_name(uint32_t state);
const char *vt_dec_vm_name(const struct vt_trace *t, uint8_t vm);
uint64_t vt_dec_ns(const struct vt_trace *t, uint64_t ts);
void vt_dec_exit_slice(const struct vt_record *r, char *buf, size_t len);
void vt_dec_payload(const struct vt_trace *t, const struct vt_record *r, char *buf, size_t len);
int vt_dec_owner(const struct vt_trace *t, uint32_t cpu);
void vt_dec_list(const struct vt_trace *t, FILE *out);

/* stats.c: 0, or 1 if a vCPU's exit counts disagree although nothing was lost. */
int vt_stats_print(const struct vt_trace *t, FILE *out);

/* perfetto.c: the trace as a Perfetto protobuf, in a malloc'd buffer. */
int vt_pf_write(const struct vt_trace *t, uint8_t **out, size_t *len);
/*
 * The same, incrementally: open (t's tables and rings; their records are
 * not looked at) writes the track descriptors; add gives ring ri's next
 * events, folded ENTERs rebuilt (vt_unfold, as in struct vt_trace_ring;
 * -1: out of memory); ring_end writes what is pending and closes
 * what is open. bytes: the output not yet taken; clear: it was taken.
 */
struct vt_pf;
struct vt_pf *vt_pf_open(const struct vt_trace *t);
int vt_pf_add(struct vt_pf *pf, uint32_t ri, const struct vt_record *rec, size_t n);
void vt_pf_ring_end(struct vt_pf *pf, uint32_t ri);
const uint8_t *vt_pf_bytes(struct vt_pf *pf, size_t *len);
void vt_pf_clear(struct vt_pf *pf);
int vt_pf_failed(const struct vt_pf *pf);
void vt_pf_close(struct vt_pf *pf);

/* svg.c: a timeline picture of the trace. */
int vt_svg_write(const struct vt_trace *t, FILE *out);

/* pbcheck.c: 0, or -1 with the first violation in err. */
struct vt_pbc_summary {
	uint64_t packets, tracks, slices, instants, counters, flows, sequences;
};
int vt_pbc_check(const uint8_t *buf, size_t len, struct vt_pbc_summary *s, char *err,
                 size_t errlen);

#endif
