/*
 * libel2count.so: a QEMU TCG plugin (plugin API v1, QEMU 7.2) that counts the
 * hypervisor's instructions per guest exit. A TCG plugin sees PCs, not
 * exception levels, so "the hypervisor" is a range of virtual addresses, its
 * text [lo,hi), which its guests must never execute at.
 *
 *   -plugin libel2count.so,lo=A,hi=A[,vbar=A|,stvec=A][,mark=NAME@A ...][,glo=A,ghi=A]
 *           [,start_pc=A[,start_count=N]][,stop_pc=A[,stop_count=N]]
 *           [,stop_insns=N][,out=FILE]
 *
 * Per vCPU, every executed instruction is counted in one phase: pre (before
 * the vCPU first runs in the range: firmware, the hypervisor's boot code
 * before its MMU is on), init (its first stay in the range, to its first
 * entry into a guest), then hyp (in the range) or guest (outside it). An entry, or exit from the
 * guest's point of view, begins an episode: an in-range instruction right after an out-of-range
 * one, or a lower-EL vector slot run right after an in-range ERET (back-to-back: an exception taken
 * before the guest ran an instruction; needs vbar, or on riscv64 stvec: its one trap entry, taking
 * every trap from a guest, and SRET for ERET). The episode ends when the vCPU leaves the
 * range (riscv64: not for the firmware that the hypervisor's ECALL runs, an SBI call, whose
 * instructions count as the hypervisor's, and as fw), or at the next back-to-back entry; it is then
 * booked in its class, its entry PC and the set of markers (mark=NAME@A, up to 64, e.g. handlers'
 * first instructions) it ran. glo/ghi name the guests' text: guest instructions outside it are
 * counted as stray (a check that the range is right).
 *
 * The window: start_pc/stop_pc are guest instructions; the start_count-th
 * execution of start_pc (on all vCPUs together, default 1) opens the window
 * right after it, the stop_count-th of stop_pc stops QEMU right after it
 * (the report is written, then exit(0)), as does the stop_insns-th
 * instruction. Only vCPUs that have been in the range count the hits, so the
 * hypervisor's own boot code at a guest address does not. Episodes under way
 * when the window opens are left out of the window's classes. Without a stop,
 * the report is written when QEMU exits.
 *
 * The report goes to out=FILE, or to stderr (el2count_report.c gives its
 * format). Counts are exact under -icount shift=0,sleep=off, where one thread
 * runs the vCPUs in turn and every run is the same; with a thread per vCPU
 * (MTTCG) each vCPU's counts stay right but the window's edges are not exact.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "el2count.h"
#include "plugin_opt.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/*
 * What the counting needs of an instruction, known at translation and packed
 * in the callback's user data, so nothing is allocated per instruction.
 */
#define EL2_D_OFF 0xffffffffull  /* in range: PC - lo */
#define EL2_D_HYP (1ull << 32)   /* in range */
#define EL2_D_ERET (1ull << 33)  /* an ERET, in range */
#define EL2_D_SLOT_SHIFT 34      /* 5 bits: vector slot + 1, or 0 */
#define EL2_D_MARK_SHIFT 39      /* 7 bits: marker + 1, or 0 */
#define EL2_D_STRAY (1ull << 46) /* out of range and outside [glo,ghi) */
#define EL2_D_START (1ull << 47) /* start_pc */
#define EL2_D_STOP (1ull << 48)  /* stop_pc */
#define EL2_D_ECALL (1ull << 49) /* riscv64: an ECALL, in range (an SBI call to the firmware) */
#define EL2_SLOT_LOWER 8         /* slots 8-15 take exceptions from lower ELs */
#define EL2_ERET 0xd69f03e0u
#define EL2_SRET 0x10200073u
#define EL2_ECALL 0x00000073u
_Static_assert(sizeof(void *) == 8, "the packed descriptor needs 64-bit pointers");

static struct el2 el2;
static pthread_mutex_t el2_lock = PTHREAD_MUTEX_INITIALIZER; /* classes, window, report */
static int el2_reported;

static unsigned el2_d_slot(uint64_t d)
{
	return (unsigned)(d >> EL2_D_SLOT_SHIFT) & 0x1f;
}
static unsigned el2_d_mark(uint64_t d)
{
	return (unsigned)(d >> EL2_D_MARK_SHIFT) & 0x7f;
}

static uint64_t el2_describe(uint64_t pc, uint32_t op)
{
	uint64_t d = 0;

	if (pc >= el2.lo && pc < el2.hi) {
		d = EL2_D_HYP | (pc - el2.lo);
		unsigned slot = el2_entry_slot(&el2, pc);

		if (op == (el2.stvec ? EL2_SRET : EL2_ERET))
			d |= EL2_D_ERET;
		if (el2.stvec && op == EL2_ECALL)
			d |= EL2_D_ECALL;
		if (slot != EL2_SLOT_NONE)
			d |= (uint64_t)(slot + 1) << EL2_D_SLOT_SHIFT;
		for (unsigned i = 0; i < el2.marks; i++)
			if (el2.mark[i].pc == pc)
				d |= (uint64_t)(i + 1) << EL2_D_MARK_SHIFT;
		return d;
	}
	if (el2.glo < el2.ghi && (pc < el2.glo || pc >= el2.ghi))
		d |= EL2_D_STRAY;
	if (el2.start_count && pc == el2.start_pc)
		d |= EL2_D_START;
	if (el2.stop_count && pc == el2.stop_pc)
		d |= EL2_D_STOP;
	return d;
}

static void el2_book(struct el2_classes *t, const struct el2_cpu *c)
{
	struct el2_class *k = NULL;

	for (unsigned i = 0; i < t->n && !k; i++)
		if (t->c[i].entry == c->entry && t->c[i].marks == c->marks)
			k = &t->c[i];
	if (!k) {
		if (t->n == EL2_CLASSES) {
			t->lost++;
			return;
		}
		k = &t->c[t->n++];
		*k = (struct el2_class){.entry = c->entry, .marks = c->marks, .min = UINT64_MAX};
	}
	k->count++;
	k->insns += c->insns;
	if (c->insns < k->min)
		k->min = c->insns;
	if (c->insns > k->max)
		k->max = c->insns;
}

static void el2_episode_end(struct el2_cpu *c)
{
	pthread_mutex_lock(&el2_lock);
	el2_book(&el2.run, c);
	if (c->episode_in_window)
		el2_book(&el2.window, c);
	pthread_mutex_unlock(&el2_lock);
	c->in_episode = 0;
}

static void el2_episode_begin(struct el2_cpu *c, uint64_t d)
{
	c->in_episode = 1;
	c->episode_in_window = __atomic_load_n(&el2.window_open, __ATOMIC_RELAXED);
	c->entry = (uint32_t)(d & EL2_D_OFF);
	c->marks = 0;
	c->insns = 0;
	c->n.entries++;
}

/* One more of the hypervisor's instructions: its init, or its current episode's. */
static void el2_count_hyp(struct el2_cpu *c)
{
	if (c->phase == EL2_INIT) {
		c->n.init++;
	} else {
		c->n.hyp++;
		c->insns++;
	}
}

static void el2_hyp_insn(struct el2_cpu *c, uint64_t d)
{
	unsigned slot = el2_d_slot(d), mark = el2_d_mark(d);
	int lower = slot > EL2_SLOT_LOWER;

	if (c->phase == EL2_PRE)
		c->phase = EL2_INIT;
	if (c->phase == EL2_INIT && lower && c->after_eret) {
		/* init ERETs to a guest that takes an exception at once: its first exit */
		c->phase = EL2_RUN;
		el2_episode_begin(c, d);
		c->n.back2back++;
	} else if (c->phase == EL2_RUN) {
		if (!c->in_hyp) {
			el2_episode_begin(c, d);
		} else if (lower && c->after_eret) {
			el2_episode_end(c);
			el2_episode_begin(c, d);
			c->n.back2back++;
		} else if (lower) {
			c->n.lower_slot++;
		} else if (slot) {
			c->n.cur_slot++;
		}
	}
	el2_count_hyp(c);
	if (c->phase != EL2_INIT && mark)
		c->marks |= 1ull << (mark - 1);
	c->in_hyp = 1;
	c->after_eret = (d & EL2_D_ERET) != 0;
	c->in_fw = (d & EL2_D_ECALL) != 0;
}

/* An instruction of the firmware's, called by the hypervisor: the hypervisor's cost. */
static void el2_fw_insn(struct el2_cpu *c)
{
	c->n.fw++;
	el2_count_hyp(c);
}

static void el2_guest_insn(struct el2_cpu *c, uint64_t d)
{
	if (c->phase == EL2_PRE) {
		c->n.pre++;
		return;
	}
	if (c->phase == EL2_INIT)
		c->phase = EL2_RUN;
	else if (c->in_episode)
		el2_episode_end(c);
	c->n.guest++;
	if (d & EL2_D_STRAY)
		c->n.stray++;
	c->in_hyp = 0;
	c->after_eret = 0;
}

/* Every vCPU's counts so far become the window's zero. */
static void el2_open_window(void)
{
	pthread_mutex_lock(&el2_lock);
	for (unsigned i = 0; i < el2.cpus; i++) {
		struct el2_cpu *c = &el2.cpu[i];

		c->at_open = c->n;
		if (c->in_episode)
			el2.open_at_start++;
	}
	__atomic_store_n(&el2.window_open, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&el2_lock);
}

static void el2_write_report(void)
{
	pthread_mutex_lock(&el2_lock);
	if (!el2_reported) {
		FILE *f = el2.out ? fopen(el2.out, "w") : stderr;

		el2_reported = 1;
		if (f) {
			el2_report(f, &el2);
			if (f != stderr)
				fclose(f);
		} else {
			fprintf(stderr, "el2count: cannot write %s: %s\n", el2.out,
			        strerror(errno));
		}
	}
	pthread_mutex_unlock(&el2_lock);
}

static void el2_stop(void)
{
	el2_write_report();
	exit(0);
}

static void el2_insn(unsigned int vcpu, void *udata)
{
	uint64_t d = (uint64_t)(uintptr_t)udata;
	struct el2_cpu *c;

	if (vcpu >= el2.cpus)
		return;
	c = &el2.cpu[vcpu];
	c->n.total++;
	if (d & EL2_D_HYP)
		el2_hyp_insn(c, d);
	else if (c->in_fw)
		el2_fw_insn(c);
	else
		el2_guest_insn(c, d);
	if ((d & EL2_D_START) && c->phase != EL2_PRE &&
	    __atomic_add_fetch(&el2.start_hits, 1, __ATOMIC_RELAXED) == el2.start_count)
		el2_open_window();
	if ((d & EL2_D_STOP) && c->phase != EL2_PRE &&
	    __atomic_add_fetch(&el2.stop_hits, 1, __ATOMIC_RELAXED) == el2.stop_count)
		el2_stop();
	if (el2.stop_insns && __atomic_add_fetch(&el2.insns, 1, __ATOMIC_RELAXED) == el2.stop_insns)
		el2_stop();
}

static uint32_t el2_opcode(const struct qemu_plugin_insn *insn)
{
	const uint8_t *b = qemu_plugin_insn_data(insn);

	if (qemu_plugin_insn_size(insn) != 4)
		return 0;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void el2_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t d = el2_describe(qemu_plugin_insn_vaddr(insn), el2_opcode(insn));

		qemu_plugin_register_vcpu_insn_exec_cb(insn, el2_insn, QEMU_PLUGIN_CB_NO_REGS,
		                                       (void *)(uintptr_t)d);
	}
}

static void el2_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	el2_write_report();
}

/* mark=NAME@A */
static int el2_add_mark(const char *opt, const char *v)
{
	const char *at = strchr(v, '@');

	if (!at || at == v || at - v > 64) {
		fprintf(stderr, "el2count: %s: give mark=NAME@ADDRESS\n", opt);
		return -1;
	}
	if (el2.marks == EL2_MARKS) {
		fprintf(stderr, "el2count: at most %d markers\n", EL2_MARKS);
		return -1;
	}
	struct el2_mark *m = &el2.mark[el2.marks];
	if (plugin_number("el2count", opt, at + 1, &m->pc))
		return -1;
	for (unsigned i = 0; i < el2.marks; i++)
		if (el2.mark[i].pc == m->pc) {
			fprintf(stderr, "el2count: %s: 0x%" PRIx64 " is marker %s already\n", opt,
			        m->pc, el2.mark[i].name);
			return -1;
		}
	m->name = strndup(v, (size_t)(at - v));
	if (!m->name)
		return -1;
	el2.marks++;
	return 0;
}

static int el2_option(const char *opt)
{
	const char *eq = strchr(opt, '=');
	size_t k = eq ? (size_t)(eq - opt) : strlen(opt);
	const char *v = eq ? eq + 1 : "";
	static const struct {
		const char *name;
		uint64_t *value;
	} num[] = {
	    {"lo", &el2.lo},
	    {"hi", &el2.hi},
	    {"vbar", &el2.vbar},
	    {"stvec", &el2.stvec},
	    {"glo", &el2.glo},
	    {"ghi", &el2.ghi},
	    {"start_pc", &el2.start_pc},
	    {"start_count", &el2.start_count},
	    {"stop_pc", &el2.stop_pc},
	    {"stop_count", &el2.stop_count},
	    {"stop_insns", &el2.stop_insns},
	};

	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++)
		if (strlen(num[i].name) == k && !strncmp(opt, num[i].name, k))
			return plugin_number("el2count", opt, v, num[i].value);
	if (k == 4 && !strncmp(opt, "mark", k))
		return el2_add_mark(opt, v);
	if (k == 3 && !strncmp(opt, "out", k) && *v) {
		el2.out = v;
		return 0;
	}
	fprintf(stderr,
	        "el2count: unknown option %s (lo= hi= vbar= stvec= mark=NAME@A glo= ghi= "
	        "start_pc= start_count= stop_pc= stop_count= stop_insns= out=)\n",
	        opt);
	return -1;
}

static int el2_in_range(uint64_t pc)
{
	return pc >= el2.lo && pc < el2.hi;
}

/* The options together: what one alone cannot tell. */
static const char *el2_check(int start_given, int stop_given)
{
	if (el2.lo >= el2.hi)
		return "give the hypervisor's text as lo=A,hi=A, lo < hi";
	if (el2.hi - el2.lo > EL2_D_OFF)
		return "the range [lo,hi) must be under 4 GiB";
	if (el2.vbar && (!el2_in_range(el2.vbar) || el2.vbar % 0x800))
		return "vbar must be in [lo,hi) and 2 KiB aligned";
	if (el2.stvec && (el2.vbar || !el2_in_range(el2.stvec) || el2.stvec % 4))
		return "stvec (riscv64) must be in [lo,hi), 4-byte aligned, and given without vbar";
	if (el2.glo > el2.ghi || (el2.glo == el2.ghi && el2.glo))
		return "give the guests' text as glo=A,ghi=A, glo < ghi";
	for (unsigned i = 0; i < el2.marks; i++)
		if (!el2_in_range(el2.mark[i].pc))
			return "every marker must be in [lo,hi)";
	if ((el2.start_count && !start_given) || (el2.stop_count && !stop_given))
		return "start_count and stop_count need start_pc and stop_pc";
	if ((start_given && el2_in_range(el2.start_pc)) ||
	    (stop_given && el2_in_range(el2.stop_pc)))
		return "start_pc and stop_pc are guest instructions: outside [lo,hi)";
	return NULL;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
	int start_given = 0, stop_given = 0;

	if (!info->system_emulation) {
		fprintf(stderr, "el2count: counts a hypervisor: system emulation only\n");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		if (el2_option(argv[i]))
			return -1;
		start_given |= !strncmp(argv[i], "start_pc=", 9);
		stop_given |= !strncmp(argv[i], "stop_pc=", 8);
	}
	const char *err = el2_check(start_given, stop_given);
	if (err) {
		fprintf(stderr, "el2count: %s\n", err);
		return -1;
	}
	if (start_given && !el2.start_count)
		el2.start_count = 1;
	if (stop_given && !el2.stop_count)
		el2.stop_count = 1;
	el2.cpus = info->system.max_vcpus > 0 ? (unsigned)info->system.max_vcpus : 1;
	el2.cpu = calloc(el2.cpus, sizeof(*el2.cpu));
	if (!el2.cpu)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, el2_tb_trans);
	qemu_plugin_register_atexit_cb(id, el2_exit, NULL);
	return 0;
}
