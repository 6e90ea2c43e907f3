/*
 * libllc.so: a QEMU TCG plugin (plugin API v1, QEMU 7.2) that models the
 * platform's shared last-level cache, which QEMU does not emulate. Every
 * guest load and store to RAM goes through one cache model
 * (llc_model.h: physically indexed, set-associative, LRU) shared by all
 * vCPUs, counted per vCPU. Accesses to I/O are counted apart, not modelled;
 * instruction fetches are left out (a private L1I absorbs nearly all of
 * them). There is no L1D model either: every load and store reaches the
 * model, so misses approximate L2 refills while hits include what L1 holds.
 *
 *   -plugin libllc.so[,size=1048576][,ways=16][,line=64]
 *                    [,counters=FILE[,offset=N][,publish=N]][,out=FILE]
 *                    [,time=on|off][,TIMING_PARAMETER=N...]
 *
 * size/ways/line: the geometry (defaults: cortex-a53's L2 as QEMU's CCSIDR
 * reports it). counters=FILE: QEMU's RAM file (memory-backend-file,
 * share=on); the plugin maps its page at `offset` (default: that of
 * VT_LLC_PAGE_PA, include/vitrine/llc.h) and publishes the counts there
 * every `publish` accesses and at exit. out=FILE: also write the summary,
 * which always goes to stderr at exit. time=on (the default) also runs the
 * timing model (llc_time.h: modelled cycles and memory-bus bytes per vCPU),
 * whose parameters (LLCT_PARAMS) are options of the same names; a vCPU's
 * wait-for-interrupt instruction tells it that the vCPU stops demanding the bus.
 *
 * The model is not locked: it needs QEMU to run every vCPU in one thread,
 * as -icount does, or -accel tcg,thread=single. The plugin checks which
 * threads translate code and wake vCPUs, and stops QEMU if there are two.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qemu-plugin.h>

#include <vitrine/llc.h>

#include "llc_model.h"
#include "llc_time.h"
#include "plugin_opt.h"
#include "platform.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct llc_model llc_m;
static struct llct_model llc_t;
static int llc_timed = 1;                  /* the timing model runs */
static uint64_t llc_io;                    /* I/O accesses, all vCPUs */
static uint64_t llc_pa_lo = UINT64_MAX;    /* RAM physical addresses seen: a check */
static uint64_t llc_pa_hi;                 /* that QEMU's translation is right */
static struct vt_llc_page *llc_page;       /* the shared page, or NULL */
static uint64_t llc_publish_every = 65536; /* accesses between copies to the page */
static uint64_t llc_until_publish;
static uint64_t llc_publishes;
static char *llc_out;
static pthread_t llc_thread;
static int llc_thread_known;
static uint32_t llc_wfi; /* the target's wait-for-interrupt encoding, or 0 */

/* Two threads running vCPUs means MTTCG: the unlocked model would race. */
static void llc_check_thread(void)
{
	pthread_t self = pthread_self();

	if (!llc_thread_known) {
		llc_thread = self;
		llc_thread_known = 1;
	} else if (!pthread_equal(self, llc_thread)) {
		fprintf(stderr, "llc: QEMU runs vCPUs in several threads (MTTCG); the shared cache "
		                "model needs one: add -icount shift=0,sleep=off or -accel "
		                "tcg,thread=single\n");
		_exit(2);
	}
}

static void llc_publish(void)
{
	struct vt_llc_page *p = llc_page;
	uint64_t seq = p->seq;
	unsigned n = llc_m.cpus < VT_LLC_CPUS ? llc_m.cpus : VT_LLC_CPUS;

	llc_until_publish = llc_publish_every;
	llc_publishes++;
	/* a seqlock: odd while the counts change, for a reader in QEMU's guest or on the host */
	__atomic_store_n(&p->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (unsigned i = 0; i < n; i++) {
		const struct llc_count *c = &llc_m.count[i];
		struct vt_llc_cpu *d = &p->cpu[i];

		__atomic_store_n(&d->loads, c->loads, __ATOMIC_RELAXED);
		__atomic_store_n(&d->load_hits, c->loads - c->load_misses, __ATOMIC_RELAXED);
		__atomic_store_n(&d->load_misses, c->load_misses, __ATOMIC_RELAXED);
		__atomic_store_n(&d->stores, c->stores, __ATOMIC_RELAXED);
		__atomic_store_n(&d->store_hits, c->stores - c->store_misses, __ATOMIC_RELAXED);
		__atomic_store_n(&d->store_misses, c->store_misses, __ATOMIC_RELAXED);
		if (llc_timed) {
			const struct llct_cpu *k = &llc_t.cpu[i];

			__atomic_store_n(&d->insns, k->insns, __ATOMIC_RELAXED);
			__atomic_store_n(&d->cycles, llct_cycles(&llc_t, i), __ATOMIC_RELAXED);
			__atomic_store_n(&d->bus_bytes, k->bus_bytes, __ATOMIC_RELAXED);
			__atomic_store_n(&d->prefetched, k->misses_seq, __ATOMIC_RELAXED);
		}
	}
	if (llc_timed)
		__atomic_store_n(&p->bus_util, (uint32_t)(llc_t.rho * 1000 + 0.5),
		                 __ATOMIC_RELAXED);
	__atomic_store_n(&p->io, llc_io, __ATOMIC_RELAXED);
	__atomic_store_n(&p->publishes, llc_publishes, __ATOMIC_RELAXED);
	__atomic_store_n(&p->seq, seq + 2, __ATOMIC_RELEASE);
}

/* Every load and store of every vCPU: keep it short. */
static void llc_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);

	(void)udata;
	if (!hw || qemu_plugin_hwaddr_is_io(hw)) {
		llc_io++;
		return;
	}
	uint64_t pa = qemu_plugin_hwaddr_phys_addr(hw);
	if (pa < llc_pa_lo)
		llc_pa_lo = pa;
	if (pa > llc_pa_hi)
		llc_pa_hi = pa;
	bool hit = llc_access(&llc_m, vcpu, pa, qemu_plugin_mem_is_store(info));
	if (llc_timed)
		llct_access(&llc_t, vcpu, pa >> llc_m.line_shift, hit);
	if (!hit && llc_page && vcpu < VT_LLC_CPUS) {
		const struct llc_count *c = &llc_m.count[vcpu];

		__atomic_store_n(&llc_page->cpu[vcpu].bus_live,
		                 (c->load_misses + c->store_misses) << llc_m.line_shift,
		                 __ATOMIC_RELAXED);
	}
	if (llc_page && --llc_until_publish == 0)
		llc_publish();
}

/* A translated block starts: its instructions count before its accesses. */
static void llc_tb_exec(unsigned int vcpu, void *udata)
{
	llct_insns(&llc_t, vcpu, (uint64_t)(uintptr_t)udata);
}

/*
 * A vCPU is about to wait for an interrupt: idle, or held by bandwidth regulation. QEMU
 * tells a plugin of idle vCPUs only when each has a thread of its own, and the model needs
 * one thread for all (-icount), so the instruction itself is the sign.
 */
static void llc_wfi_exec(unsigned int vcpu, void *udata)
{
	(void)udata;
	llct_idle(&llc_t, vcpu);
}

static int llc_is_wfi(const struct qemu_plugin_insn *insn)
{
	uint32_t word;

	if (!llc_wfi || qemu_plugin_insn_size(insn) != sizeof(word))
		return 0;
	memcpy(&word, qemu_plugin_insn_data(insn), sizeof(word));
	return word == llc_wfi;
}

static void llc_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	llc_check_thread();
	if (llc_timed)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, llc_tb_exec, QEMU_PLUGIN_CB_NO_REGS,
		                                     (void *)(uintptr_t)n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		qemu_plugin_register_vcpu_mem_cb(insn, llc_mem, QEMU_PLUGIN_CB_NO_REGS,
		                                 QEMU_PLUGIN_MEM_RW, NULL);
		if (llc_timed && llc_is_wfi(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, llc_wfi_exec,
			                                       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

static void llc_vcpu_resume(qemu_plugin_id_t id, unsigned int vcpu)
{
	(void)id;
	(void)vcpu;
	llc_check_thread();
}

/* "llc: time: vcpu N: insns I cycles C ns T bus_bytes B bus_mbps M prefetched P" */
static void llc_time_summary(FILE *f)
{
	fprintf(f, "llc: timing model:");
#define LLC_PARAM_PRINT(name, def, what) fprintf(f, " " #name " %" PRIu64, llc_t.p.name);
	LLCT_PARAMS(LLC_PARAM_PRINT)
#undef LLC_PARAM_PRINT
	fprintf(f, "; bus utilisation now %.3f\n", llc_t.rho);
	for (unsigned i = 0; i < llc_t.cpus; i++) {
		const struct llct_cpu *k = &llc_t.cpu[i];
		uint64_t cycles = llct_cycles(&llc_t, i), ns = llct_ns(&llc_t, cycles);

		fprintf(f,
		        "llc: time: vcpu %u: insns %" PRIu64 " cycles %" PRIu64 " ns %" PRIu64
		        " bus_bytes %" PRIu64 " bus_mbps %" PRIu64 " prefetched %" PRIu64 "\n",
		        i, k->insns, cycles, ns, k->bus_bytes, ns ? k->bus_bytes * 1000 / ns : 0,
		        k->misses_seq);
	}
}

static void llc_summary(FILE *f)
{
	struct llc_count t;
	char name[32];

	fprintf(f,
	        "llc: shared cache model: %" PRIu64 " KiB, %u ways, %u-byte lines, %" PRIu64
	        " sets, LRU, physically indexed; loads and stores to RAM\n",
	        llc_m.size / 1024, llc_m.ways, 1u << llc_m.line_shift, llc_sets(&llc_m));
	for (unsigned i = 0; i < llc_m.cpus; i++) {
		snprintf(name, sizeof(name), "vcpu %u", i);
		llc_print(f, name, &llc_m.count[i]);
	}
	llc_total(&llc_m, &t);
	llc_print(f, "total", &t);
	fprintf(f, "llc: io accesses (not modelled) %" PRIu64 "; RAM PAs seen ", llc_io);
	if (llc_pa_lo <= llc_pa_hi)
		fprintf(f, "0x%" PRIx64 "-0x%" PRIx64, llc_pa_lo, llc_pa_hi);
	else
		fprintf(f, "none");
	fprintf(f, "; published %" PRIu64 " times\n", llc_publishes);
	if (llc_timed)
		llc_time_summary(f);
}

static void llc_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	if (llc_page)
		llc_publish();
	llc_summary(stderr);
	if (llc_out) {
		FILE *f = fopen(llc_out, "w");

		if (f) {
			llc_summary(f);
			fclose(f);
		} else {
			fprintf(stderr, "llc: cannot write %s: %s\n", llc_out, strerror(errno));
		}
	}
}

/* Maps the counters page of QEMU's RAM file and writes its header. */
static int llc_map(const char *path, uint64_t offset)
{
	struct stat st;
	int fd = open(path, O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "llc: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || (uint64_t)st.st_size < offset + VT_LLC_PAGE_SIZE ||
	    offset % VT_LLC_PAGE_SIZE) {
		fprintf(stderr,
		        "llc: %s: the page at offset 0x%" PRIx64 " is not in the file (its size: "
		        "QEMU's RAM, e.g. truncate -s 1G)\n",
		        path, offset);
		close(fd);
		return -1;
	}
	void *m =
	    mmap(NULL, VT_LLC_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(stderr, "llc: cannot map %s: %s\n", path, strerror(errno));
		return -1;
	}
	llc_page = m;
	memset(llc_page, 0, VT_LLC_PAGE_SIZE);
	llc_page->version = VT_LLC_VERSION;
	llc_page->size = llc_m.size;
	llc_page->ways = llc_m.ways;
	llc_page->line = 1u << llc_m.line_shift;
	llc_page->sets = (uint32_t)llc_sets(&llc_m);
	llc_page->cpus = llc_m.cpus < VT_LLC_CPUS ? llc_m.cpus : VT_LLC_CPUS;
	if (llc_timed) {
		llc_page->freq_mhz = (uint32_t)llc_t.p.freq_mhz;
		llc_page->bus_mbps = (uint32_t)llc_t.p.bus_mbps;
	}
	__atomic_store_n(&llc_page->magic, VT_LLC_MAGIC, __ATOMIC_RELEASE);
	llc_until_publish = llc_publish_every;
	return 0;
}

/* A timing parameter NAME=N (LLCT_PARAMS): 1 if opt names one; *bad if N is not a number. */
static int llc_time_option(const char *opt, size_t k, const char *v, struct llct_params *tp,
                           int *bad)
{
#define LLC_PARAM_OPT(name, def, what)                                                             \
	if (k == sizeof(#name) - 1 && !strncmp(opt, #name, k)) {                                   \
		*bad = plugin_number("llc", opt, v, &tp->name);                                    \
		return 1;                                                                          \
	}
	LLCT_PARAMS(LLC_PARAM_OPT)
#undef LLC_PARAM_OPT
	return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
	uint64_t size = 1024 * 1024, ways = 16, line = 64;
	uint64_t offset = VT_LLC_PAGE_PA - PLAT_RAM_BASE;
	const char *counters = NULL;
	struct llct_params tp;
	int bad = 0;

	llct_defaults(&tp);

	if (!info->system_emulation) {
		fprintf(stderr, "llc: models physical memory: system emulation only\n");
		return -1;
	}
	for (int i = 0; i < argc && !bad; i++) {
		const char *opt = argv[i], *eq = strchr(opt, '=');
		size_t k = eq ? (size_t)(eq - opt) : 0;
		const char *v = eq ? eq + 1 : "";

		if (k == 4 && !strncmp(opt, "size", k))
			bad = plugin_number("llc", opt, v, &size);
		else if (k == 4 && !strncmp(opt, "ways", k))
			bad = plugin_number("llc", opt, v, &ways);
		else if (k == 4 && !strncmp(opt, "line", k))
			bad = plugin_number("llc", opt, v, &line);
		else if (k == 6 && !strncmp(opt, "offset", k))
			bad = plugin_number("llc", opt, v, &offset);
		else if (k == 7 && !strncmp(opt, "publish", k))
			bad =
			    plugin_number("llc", opt, v, &llc_publish_every) || !llc_publish_every;
		else if (k == 8 && !strncmp(opt, "counters", k) && *v)
			counters = v;
		else if (k == 3 && !strncmp(opt, "out", k) && *v)
			llc_out = strdup(v);
		else if (k == 4 && !strncmp(opt, "time", k) &&
		         (!strcmp(v, "on") || !strcmp(v, "off")))
			llc_timed = !strcmp(v, "on");
		else if (llc_time_option(opt, k, v, &tp, &bad))
			;
		else {
			fprintf(stderr,
			        "llc: unknown option %s (size= ways= line= counters= "
			        "offset= publish= out= time=on|off, and the timing model's: see "
			        "tools/llc/llc_time.h)\n",
			        opt);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	if (ways > 1024 || line > 4096) {
		fprintf(stderr, "llc: at most 1024 ways and 4096-byte lines\n");
		return -1;
	}
	int cpus = info->system.max_vcpus > 0 ? info->system.max_vcpus : 1;
	const char *err = llc_init(&llc_m, size, (unsigned)ways, (unsigned)line, (unsigned)cpus);
	if (err) {
		fprintf(stderr, "llc: size=%" PRIu64 ",ways=%" PRIu64 ",line=%" PRIu64 ": %s\n",
		        size, ways, line, err);
		return -1;
	}
	err = llc_timed ? llct_init(&llc_t, &tp, (unsigned)cpus, (unsigned)line) : NULL;
	if (err) {
		fprintf(stderr, "llc: timing model: %s\n", err);
		return -1;
	}
	if (counters && llc_map(counters, offset))
		return -1;
	/* little-endian words; a target not named here keeps the `stale` rule alone */
	if (!strcmp(info->target_name, "aarch64"))
		llc_wfi = 0xd503207f;
	else if (!strcmp(info->target_name, "riscv64"))
		llc_wfi = 0x10500073;
	qemu_plugin_register_vcpu_tb_trans_cb(id, llc_tb_trans);
	qemu_plugin_register_vcpu_resume_cb(id, llc_vcpu_resume);
	qemu_plugin_register_atexit_cb(id, llc_exit, NULL);
	return 0;
}
