/*
 * libhotpc.so: a QEMU TCG plugin (plugin API v1, QEMU 7.2) that says where
 * the instructions go: every translated block counts the instructions it
 * runs, and at exit the blocks are summed by start address and the top ones
 * listed, most first, as "ADDRESS INSTRUCTIONS PERCENT". addr2line -f on
 * the image the address falls in names the function.
 *
 *   -plugin libhotpc.so[,top=N][,lo=A,hi=A][,cpu=N][,out=FILE]
 *
 * lo/hi keep only blocks starting in [lo, hi): one image's text, since the
 * VMs share virtual addresses; cpu=N counts only what vCPU (QEMU CPU) N
 * runs, for VMs whose texts overlap but whose pCPUs do not (a callback per
 * block run then, not an inline add: slower). Counts are exact under -icount
 * shift=0,sleep=off (one thread runs every vCPU); with a thread per vCPU
 * they are not atomic, and only roughly right.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "plugin_opt.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* One translation of a block: blocks are translated again, so one address may have several. */
struct hotpc_block {
	uint64_t vaddr;
	uint64_t insns; /* added to inline, each time the block runs */
	uint64_t n;     /* its instructions: what cpu=N's callback adds */
	struct hotpc_block *next;
};

static struct hotpc_block *hotpc_blocks;
static pthread_mutex_t hotpc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t hotpc_top = 30, hotpc_lo, hotpc_hi = UINT64_MAX, hotpc_cpu = UINT64_MAX;
static FILE *hotpc_out;

static void hotpc_exec(unsigned int cpu, void *udata)
{
	struct hotpc_block *b = udata;

	if (cpu == hotpc_cpu)
		b->insns += b->n;
}

static void hotpc_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct hotpc_block *b;

	(void)id;
	if (vaddr < hotpc_lo || vaddr >= hotpc_hi || !(b = calloc(1, sizeof(*b))))
		return;
	b->vaddr = vaddr;
	b->n = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_lock(&hotpc_lock);
	b->next = hotpc_blocks;
	hotpc_blocks = b;
	pthread_mutex_unlock(&hotpc_lock);
	if (hotpc_cpu != UINT64_MAX)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, hotpc_exec, QEMU_PLUGIN_CB_NO_REGS, b);
	else
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->insns,
		                                         b->n);
}

static int hotpc_by_count(const void *a, const void *b)
{
	const struct hotpc_block *x = *(struct hotpc_block *const *)a;
	const struct hotpc_block *y = *(struct hotpc_block *const *)b;

	if (x->insns != y->insns)
		return x->insns < y->insns ? 1 : -1;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int hotpc_by_vaddr(const void *a, const void *b)
{
	const struct hotpc_block *x = *(struct hotpc_block *const *)a;
	const struct hotpc_block *y = *(struct hotpc_block *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Sum the translations of each address into its first, then list the top ones. */
static void hotpc_report(qemu_plugin_id_t id, void *p)
{
	struct hotpc_block **v;
	size_t n = 0, m = 0;
	uint64_t total = 0;

	(void)id;
	(void)p;
	for (struct hotpc_block *b = hotpc_blocks; b; b = b->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return;
	for (struct hotpc_block *b = hotpc_blocks; b; b = b->next)
		v[m++] = b;
	qsort(v, n, sizeof(*v), hotpc_by_vaddr);
	m = 0;
	for (size_t i = 0; i < n; i++) {
		total += v[i]->insns;
		if (m && v[m - 1]->vaddr == v[i]->vaddr)
			v[m - 1]->insns += v[i]->insns;
		else
			v[m++] = v[i];
	}
	qsort(v, m, sizeof(*v), hotpc_by_count);
	fprintf(hotpc_out, "hotpc: %" PRIu64 " instructions in %zu blocks\n", total, m);
	for (size_t i = 0; i < m && i < hotpc_top && v[i]->insns; i++)
		fprintf(hotpc_out, "0x%08" PRIx64 " %12" PRIu64 " %5.1f%%\n", v[i]->vaddr,
		        v[i]->insns, total ? 100.0 * (double)v[i]->insns / (double)total : 0.0);
	fflush(hotpc_out);
	free(v);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
	(void)info;
	hotpc_out = stderr;
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *v = eq ? eq + 1 : "";
		size_t k = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		int bad = 0;

		if (k == 3 && !strncmp(argv[i], "top", 3))
			bad = plugin_number("hotpc", argv[i], v, &hotpc_top);
		else if (k == 2 && !strncmp(argv[i], "lo", 2))
			bad = plugin_number("hotpc", argv[i], v, &hotpc_lo);
		else if (k == 2 && !strncmp(argv[i], "hi", 2))
			bad = plugin_number("hotpc", argv[i], v, &hotpc_hi);
		else if (k == 3 && !strncmp(argv[i], "cpu", 3))
			bad = plugin_number("hotpc", argv[i], v, &hotpc_cpu);
		else if (k == 3 && !strncmp(argv[i], "out", 3))
			bad = !(hotpc_out = fopen(v, "w"));
		else
			bad = fprintf(stderr, "hotpc: unknown option %s\n", argv[i]) > 0;
		if (bad)
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, hotpc_translate);
	qemu_plugin_register_atexit_cb(id, hotpc_report, NULL);
	return 0;
}
