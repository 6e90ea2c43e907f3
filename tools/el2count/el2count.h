/*
 * el2count: the plugin's state, shared by its counting (el2count.c) and its
 * report (el2count_report.c).
 */
#ifndef EL2COUNT_H
#define EL2COUNT_H

#include <stdint.h>
#include <stdio.h>

#define EL2_MARKS 64                  /* markers: one bit each in an episode's set */
#define EL2_SLOTS 16                  /* exception vector slots, 0x80 bytes apart */
#define EL2_SLOT_NONE EL2_SLOTS       /* not a slot */
#define EL2_SLOT_TRAP (EL2_SLOTS + 1) /* riscv64's one trap entry (stvec) */
#define EL2_CLASSES 256               /* episode classes kept per scope; more are counted apart */

/*
 * A vCPU's counts since the start of the run; a window's are the difference
 * of two. total: every instruction; pre: before its first in-range one; init:
 * its first stay in the range; hyp, guest: in and out of the range after
 * init; stray: of guest, those outside [glo,ghi); entries: episodes begun;
 * back2back: of entries, a lower-EL slot right after an in-range ERET;
 * cur_slot: current-EL slot starts inside an episode; lower_slot: lower-EL
 * slot starts inside an episode that are not entries; fw: of init and hyp,
 * the firmware's on the hypervisor's behalf (riscv64: an SBI call's, run
 * out of range between its ECALL and the instruction after it).
 */
#define EL2_COUNTS(X)                                                                              \
	X(total)                                                                                   \
	X(pre)                                                                                     \
	X(init) X(hyp) X(guest) X(stray) X(entries) X(back2back) X(cur_slot) X(lower_slot) X(fw)

struct el2_count {
#define EL2_FIELD(f) uint64_t f;
	EL2_COUNTS(EL2_FIELD)
#undef EL2_FIELD
};

enum el2_phase { EL2_PRE, EL2_INIT, EL2_RUN };

struct el2_cpu {
	struct el2_count n;
	struct el2_count at_open; /* n when the window opened */
	enum el2_phase phase;
	int in_hyp;     /* its last instruction was in range */
	int after_eret; /* ... and was an ERET */
	int in_fw;      /* riscv64: in the firmware, called by the hypervisor's ECALL */
	int in_episode;
	int episode_in_window; /* begun after the window opened */
	uint32_t entry;        /* the episode's first PC, minus lo */
	uint64_t marks;        /* markers it ran */
	uint64_t insns;        /* its instructions so far */
};

/* Episodes of one entry PC and one set of markers. */
struct el2_class {
	uint32_t entry;
	uint64_t marks;
	uint64_t count, insns, min, max;
};

struct el2_classes {
	struct el2_class c[EL2_CLASSES];
	unsigned n;
	uint64_t lost; /* episodes of classes beyond EL2_CLASSES */
};

struct el2_mark {
	char *name;
	uint64_t pc;
};

struct el2 {
	uint64_t lo, hi;   /* the hypervisor's text */
	uint64_t vbar;     /* its vector table, or 0 */
	uint64_t stvec;    /* riscv64: its one trap entry (direct-mode stvec), or 0 */
	uint64_t glo, ghi; /* where guest code runs, or 0,0 */
	struct el2_mark mark[EL2_MARKS];
	unsigned marks;
	uint64_t start_pc, start_count, start_hits;
	uint64_t stop_pc, stop_count, stop_hits;
	uint64_t stop_insns, insns; /* insns: all vCPUs, counted only with stop_insns */
	int window_open;
	uint64_t open_at_start; /* episodes under way when the window opened */
	struct el2_cpu *cpu;
	unsigned cpus;
	struct el2_classes run, window;
	const char *out;
};

/* The exception vector slot (0-15) that begins at pc, or EL2_SLOTS if none. */
static inline unsigned el2_slot(uint64_t vbar, uint64_t pc)
{
	uint64_t off = pc - vbar;

	return vbar && pc >= vbar && off < EL2_SLOTS * 0x80 && off % 0x80 == 0
	           ? (unsigned)(off / 0x80)
	           : EL2_SLOTS;
}

/* The slot an entry at pc is: a vector slot, riscv64's trap entry, or EL2_SLOT_NONE. */
static inline unsigned el2_entry_slot(const struct el2 *e, uint64_t pc)
{
	if (e->stvec)
		return pc == e->stvec ? EL2_SLOT_TRAP : EL2_SLOT_NONE;
	return el2_slot(e->vbar, pc);
}

/* Writes the report (its format: el2count_report.c). */
void el2_report(FILE *f, const struct el2 *e);

#endif
