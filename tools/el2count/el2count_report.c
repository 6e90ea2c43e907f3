/*
 * el2count's report. Scripts read it (bench/exits.sh, tests/el2count), so
 * its lines keep this shape; numbers are decimal, addresses 0x-prefixed hex:
 *
 *   el2count: text [LO, HI), vbar V[, stvec S], guests' text [GLO, GHI), N markers
 *   el2count: start_pc A hit N times, window at M; stop_pc A hit N times, stop at M
 *   == whole run
 *   vcpu  total  pre  init  hyp  guest  stray  entries  hyp/entry
 *   0     ...                                          (one line per vCPU)
 *   all   ...                                          (their sums)
 *   entries by vector slot: entries insns insns/entry
 *     lower64_sync  ENTRIES  INSNS  MEAN              (one line per slot entered)
 *   checks: stray S; back-to-back B; current-EL slots in episodes C;
 *           lower-EL slots in episodes, not entries L; episodes under way at the report U
 *           [; firmware's on the hypervisor's behalf F]         (riscv64: SBI calls, in hyp)
 *   == window (after start_pc's hit, to the report)   (or "never opened"; only with start_pc)
 *   ... the same table, slots and checks, counted since the window opened, and in the
 *       checks: episodes under way when it opened (not in its classes) W
 *   episode classes (window; entry pc(slot) markers: count insns insns/entry min max)
 *     0xPC(lower64_sync) exit_sync+hypercall: COUNT INSNS MEAN MIN MAX
 *   classes beyond 256, not shown: N                  (only if any)
 *
 * The phases (pre, init, hyp, guest) partition total; stray is a part of
 * guest. The classes are the window's when there is one, else the whole
 * run's, costliest first; "(none)" is an episode that ran no marker,
 * "(not-a-slot)" one entered elsewhere than at a vector slot (a range that is
 * wrong); on riscv64 (stvec given) every entry is "(trap)". Entries by slot and classes book an
 * episode when it ends; the entries column counts it when it begins.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "el2count.h"

static const char *const el2_slot_from[] = {"cur_sp0", "cur_spx", "lower64", "lower32"};
static const char *const el2_slot_kind[] = {"sync", "irq", "fiq", "serror"};

static const char *el2_slot_name(unsigned slot, char *buf, size_t size)
{
	if (slot == EL2_SLOT_TRAP)
		return "trap";
	if (slot >= EL2_SLOTS)
		return "not-a-slot";
	snprintf(buf, size, "%s_%s", el2_slot_from[slot / 4], el2_slot_kind[slot % 4]);
	return buf;
}

static double el2_mean(uint64_t sum, uint64_t n)
{
	return n ? (double)sum / (double)n : 0.0;
}

static void el2_count_sub(struct el2_count *r, const struct el2_count *a, const struct el2_count *b)
{
#define EL2_SUB(f) r->f = a->f - b->f;
	EL2_COUNTS(EL2_SUB)
#undef EL2_SUB
}

static void el2_count_add(struct el2_count *r, const struct el2_count *a)
{
#define EL2_ADD(f) r->f += a->f;
	EL2_COUNTS(EL2_ADD)
#undef EL2_ADD
}

static void el2_row(FILE *f, const char *who, const struct el2_count *n)
{
	fprintf(f,
	        "%-6s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64
	        " %8" PRIu64 " %8" PRIu64 " %10.1f\n",
	        who, n->total, n->pre, n->init, n->hyp, n->guest, n->stray, n->entries,
	        el2_mean(n->hyp, n->entries));
}

/* The vCPUs' table; returns their sums. window: counted since the window opened. */
static struct el2_count el2_table(FILE *f, const struct el2 *e, int window)
{
	struct el2_count all = {0}, n;
	char who[16];

	fprintf(f, "%-6s %12s %12s %12s %12s %12s %8s %8s %10s\n", "vcpu", "total", "pre", "init",
	        "hyp", "guest", "stray", "entries", "hyp/entry");
	for (unsigned i = 0; i < e->cpus; i++) {
		const struct el2_cpu *c = &e->cpu[i];

		if (window)
			el2_count_sub(&n, &c->n, &c->at_open);
		else
			n = c->n;
		snprintf(who, sizeof(who), "%u", i);
		el2_row(f, who, &n);
		el2_count_add(&all, &n);
	}
	el2_row(f, "all", &all);
	return all;
}

static void el2_slots(FILE *f, const struct el2 *e, const struct el2_classes *t)
{
	uint64_t entries[EL2_SLOT_TRAP + 1] = {0}, insns[EL2_SLOT_TRAP + 1] = {0};
	char buf[32];

	for (unsigned i = 0; i < t->n; i++) {
		unsigned s = el2_entry_slot(e, e->lo + t->c[i].entry);

		entries[s] += t->c[i].count;
		insns[s] += t->c[i].insns;
	}
	fprintf(f, "entries by vector slot: entries insns insns/entry\n");
	for (unsigned s = 0; s <= EL2_SLOT_TRAP; s++)
		if (entries[s])
			fprintf(f, "  %-14s %10" PRIu64 " %12" PRIu64 " %10.1f\n",
			        el2_slot_name(s, buf, sizeof(buf)), entries[s], insns[s],
			        el2_mean(insns[s], entries[s]));
}

static void el2_checks(FILE *f, const struct el2 *e, const struct el2_count *all, int window)
{
	unsigned open = 0;

	for (unsigned i = 0; i < e->cpus; i++)
		open += e->cpu[i].in_episode != 0;
	fprintf(f,
	        "checks: stray %" PRIu64 "; back-to-back %" PRIu64
	        "; current-EL slots in episodes %" PRIu64
	        "; lower-EL slots in episodes, not entries %" PRIu64
	        "; episodes under way at the report %u",
	        all->stray, all->back2back, all->cur_slot, all->lower_slot, open);
	if (e->stvec)
		fprintf(f, "; firmware's on the hypervisor's behalf %" PRIu64, all->fw);
	if (window)
		fprintf(f, "; episodes under way when it opened (not in its classes) %" PRIu64,
		        e->open_at_start);
	fprintf(f, "\n");
}

static int el2_costlier(const void *a, const void *b)
{
	const struct el2_class *x = a, *y = b;

	if (x->insns != y->insns)
		return x->insns < y->insns ? 1 : -1;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return x->marks < y->marks ? -1 : x->marks > y->marks;
}

static const char *el2_marks_name(const struct el2 *e, uint64_t marks, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < e->marks; i++)
		if (marks >> i & 1) {
			int k = snprintf(buf + used, size - used, "%s%s", used ? "+" : "",
			                 e->mark[i].name);
			if (k < 0 || (size_t)k >= size - used)
				break;
			used += (size_t)k;
		}
	return used ? buf : "(none)";
}

static void el2_classes(FILE *f, const struct el2 *e, const struct el2_classes *t,
                        const char *scope)
{
	static struct el2_class sorted[EL2_CLASSES];
	static char names[EL2_MARKS * 66];
	char slot[32];

	memcpy(sorted, t->c, t->n * sizeof(sorted[0]));
	qsort(sorted, t->n, sizeof(sorted[0]), el2_costlier);
	fprintf(f,
	        "episode classes (%s; entry pc(slot) markers: count insns insns/entry min max)\n",
	        scope);
	for (unsigned i = 0; i < t->n; i++) {
		const struct el2_class *k = &sorted[i];
		uint64_t pc = e->lo + k->entry;

		fprintf(f,
		        "  0x%" PRIx64 "(%s) %s: %" PRIu64 " %" PRIu64 " %.1f %" PRIu64 " %" PRIu64
		        "\n",
		        pc, el2_slot_name(el2_entry_slot(e, pc), slot, sizeof(slot)),
		        el2_marks_name(e, k->marks, names, sizeof(names)), k->count, k->insns,
		        el2_mean(k->insns, k->count), k->min, k->max);
	}
	if (t->lost)
		fprintf(f, "classes beyond %d, not shown: %" PRIu64 "\n", EL2_CLASSES, t->lost);
}

void el2_report(FILE *f, const struct el2 *e)
{
	struct el2_count all;

	fprintf(f, "el2count: text [0x%" PRIx64 ", 0x%" PRIx64 "), vbar 0x%" PRIx64, e->lo, e->hi,
	        e->vbar);
	if (e->stvec)
		fprintf(f, ", stvec 0x%" PRIx64, e->stvec);
	if (e->glo < e->ghi)
		fprintf(f, ", guests' text [0x%" PRIx64 ", 0x%" PRIx64 ")", e->glo, e->ghi);
	fprintf(f, ", %u markers\n", e->marks);
	if (e->start_count || e->stop_count) {
		fprintf(f, "el2count:");
		if (e->start_count)
			fprintf(f,
			        " start_pc 0x%" PRIx64 " hit %" PRIu64 " times, window at %" PRIu64
			        ";",
			        e->start_pc, e->start_hits, e->start_count);
		if (e->stop_count)
			fprintf(f, " stop_pc 0x%" PRIx64 " hit %" PRIu64 " times, stop at %" PRIu64,
			        e->stop_pc, e->stop_hits, e->stop_count);
		fprintf(f, "\n");
	}
	fprintf(f, "== whole run\n");
	all = el2_table(f, e, 0);
	el2_slots(f, e, &e->run);
	el2_checks(f, e, &all, 0);
	if (!e->start_count) {
		el2_classes(f, e, &e->run, "whole run");
		return;
	}
	if (!e->window_open) {
		fprintf(f, "== window never opened\n");
		el2_classes(f, e, &e->window, "window");
		return;
	}
	fprintf(f, "== window (after start_pc's hit, to the report)\n");
	all = el2_table(f, e, 1);
	el2_slots(f, e, &e->window);
	el2_checks(f, e, &all, 1);
	el2_classes(f, e, &e->window, "window");
}
