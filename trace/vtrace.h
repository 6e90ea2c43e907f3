/*
 * vtrace, the host side of Vitrine tracing: a dump file (vitrine/trace.h) parsed
 * and validated into memory, and what the commands do with it.
 */
#ifndef VTRACE_H
#define VTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vitrine/trace_fold.h>
#include <vitrine/trace.h>
#include <vitrine/trace_wire.h>

#define DUMP_MAX_CPU 4096u           /* rings for higher pCPU numbers are rejected */
#define DUMP_MAX_FREQ 10000000000ull /* 10 GHz: keeps the ns conversion exact in 64 bits */

struct vtrace_ring {
	uint32_t cpu;
	uint32_t mode;                        /* enum vt_mode */
	uint64_t first, count, lost, skipped; /* ring records, as in struct vt_dump_ring */
	size_t offset; /* of its struct vt_dump_ring in the file, for messages */
	struct vt_record *
	    rec; /* n events: the records with their folded ENTERs rebuilt (vitrine/trace_fold.h) */
	uint64_t n;
};

struct vtrace {
	uint32_t version; /* of the dump's format: 1 or VT_VERSION */
	uint32_t arch;    /* enum vt_arch: whose exit classes the records carry */
	uint64_t timer_freq;
	uint32_t nr_rings, nr_vms, nr_vcpus;
	struct vt_dump_vm *vms;
	struct vt_dump_vcpu *vcpus;
	struct vtrace_ring *rings;
	uint64_t nr_records; /* ring records (not counting the ENTERs rebuilt from them) */
	uint64_t t0, t1;     /* first and last timestamp over every event */
};

/* dump.c: one 32-byte record as the dump and the stream carry it (not checked). */
/*
 * dump.c: a ring record's ENTER folded into it (vitrine/trace_fold.h), checked: NULL if
 * it is well placed (none, or not before prev_ts, the ring's previous
 * event, or 0), else why not.
 */
const char *dump_fold_check(const struct vt_record *r, uint32_t version, uint64_t prev_ts);
/* dump.c: 0, or -1 with "offset N: what was expected" in err. */
int dump_parse(const uint8_t *buf, size_t len, struct vtrace *t, char *err, size_t errlen);
int dump_load(const char *path, struct vtrace *t, char *err, size_t errlen);
void dump_free(struct vtrace *t);
int dump_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);

/* decode.c */
/* A physical interrupt's arrival: VT_EV_IRQ, or an exit of class VT_EXIT_IRQ. */
int dec_irq_arrival(const struct vt_record *r, uint32_t *intid);
/*
 * The named exit classes of the dump's architecture (VT_EXIT_CLASSES or
 * VT_EXIT_CLASSES_RISCV64), then "other": kind DEC_EXIT_KINDS - 1 whatever the
 * architecture. A kind past the architecture's list has no name (NULL).
 */
#define DEC_EXIT_ONE(class, key, label, b, c) +1
#define DEC_EXIT_ARM (0 VT_EXIT_CLASSES(DEC_EXIT_ONE))
#define DEC_EXIT_RISCV64 (0 VT_EXIT_CLASSES_RISCV64(DEC_EXIT_ONE))
#define DEC_EXIT_KINDS (1 + (DEC_EXIT_ARM > DEC_EXIT_RISCV64 ? DEC_EXIT_ARM : DEC_EXIT_RISCV64))
int dec_exit_kind(const struct vtrace *t, uint32_t class);
const char *dec_exit_kind_name(const struct vtrace *t, int kind);
/* What an EXIT's b holds ("ESR", "INTID", "EID", ...) and whether its c is an IPA. */
const char *dec_exit_b_name(const struct vtrace *t, uint32_t class);
int dec_exit_c_is_ipa(const struct vtrace *t, uint32_t class);
/* A riscv64 interrupt exit's cause (its b) by name (VT_IRQS_RISCV64), else NULL. */
const char *dec_irq_name(const struct vtrace *t, uint64_t cause);
const char *dec_event_name(uint16_t event);
void dec_events_table(FILE *out);
const char *dec_vm_state_name(uint32_t state);
const char *dec_vcpu_state_name(uint32_t state);
const char *dec_vm_name(const struct vtrace *t, uint8_t vm);
uint64_t dec_ns(const struct vtrace *t, uint64_t ts);
void dec_exit_slice(const struct vtrace *t, const struct vt_record *r, char *buf, size_t len);
void dec_payload(const struct vtrace *t, const struct vt_record *r, char *buf, size_t len);
int dec_owner(const struct vtrace *t, uint32_t cpu);
void dec_list(const struct vtrace *t, FILE *out);

/* stats.c: 0, or 1 if a vCPU's exit counts disagree although nothing was lost. */
int stats_print(const struct vtrace *t, FILE *out);

/* perfetto.c: the trace as a Perfetto protobuf, in a malloc'd buffer. */
int pf_write(const struct vtrace *t, uint8_t **out, size_t *len);
/*
 * The same, incrementally: open (t's tables and rings; their records are
 * not looked at) writes the track descriptors; add gives ring ri's next
 * events, folded ENTERs rebuilt (vt_unfold, as in struct vtrace_ring;
 * -1: out of memory); ring_end writes what is pending and closes
 * what is open. bytes: the output not yet taken; clear: it was taken.
 */
struct pf_writer;
struct pf_writer *pf_open(const struct vtrace *t);
int pf_add(struct pf_writer *pf, uint32_t ri, const struct vt_record *rec, size_t n);
void pf_ring_end(struct pf_writer *pf, uint32_t ri);
const uint8_t *pf_bytes(struct pf_writer *pf, size_t *len);
void pf_clear(struct pf_writer *pf);
int pf_failed(const struct pf_writer *pf);
void pf_close(struct pf_writer *pf);

/*
 * perfetto_guest.c: the text of VM vm's own ftrace `trace` file as Perfetto
 * packets of a machine of its own, on the dump's timeline (its marker
 * aligned with the hypervisor's record of it), in a malloc'd buffer to
 * append to pf_write's. 0, or -1 with why in err.
 */
int pfg_write(const struct vtrace *t, const char *vm, const char *text, size_t len, uint8_t **out,
              size_t *outlen, char *err, size_t errlen);

/* svg.c: a timeline picture of the trace. */
int svg_write(const struct vtrace *t, FILE *out);

/* pbcheck.c: 0, or -1 with the first violation in err. */
struct pbc_summary {
	uint64_t packets, tracks, slices, instants, counters, flows, sequences, ftrace, switches;
};
int pbc_check(const uint8_t *buf, size_t len, struct pbc_summary *s, char *err, size_t errlen);

#endif
