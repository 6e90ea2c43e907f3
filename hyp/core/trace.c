/*
 * The per-pCPU trace rings and their dump. Records are timestamped with
 * the generic counter; the dump goes out on the console as base64 between
 * marker lines, which scripts/run.sh (TRACE=file) turns back into a file.
 */
#include "trace.h"

#include <vitrine/trace_ring.h>
#include <vitrine/trace_wire.h>

#include "arch.h"
#include "bootparam.h"
#include "color.h"
#include "cpu.h"
#include "log.h"
#include "uart.h"
#include "string.h"
#include "vm.h"

/* Page aligned and sized: the monitor partition is shown each ring, read-only. */
struct trace_cpu_ring {
	struct vt_ring ring;
	struct vt_record records[TRACE_RECORDS];
} __attribute__((aligned(4096)));

_Static_assert(sizeof(struct trace_cpu_ring) <= CFG_MONITOR_RING_STRIDE, "ring window");
_Static_assert(sizeof(struct trace_cpu_ring) == CFG_TRACE_RING_BYTES, "as vmconfig places them");

/*
 * A record is read only once written: the rings need no zeroing at boot.
 * They are here, in the hypervisor's RAM, unless the config colours them
 * (`trace colors`): then trace_place maps their pages, placed by vmconfig
 * in those colours, at HYP_RINGS_VA.
 */
static struct trace_cpu_ring trace_ring_ram[PLAT_CPU_NUM] __attribute__((section(".noinit")));
static struct trace_cpu_ring *trace_rings = trace_ring_ram;
uint32_t trace_mask = VT_CLASS_ALL;
/* Beside trace_mask in trace_on: TRACE_ON_NO_ENTER, and TRACE_ON_STREAM in stream mode. */
static uint64_t trace_on_mode = TRACE_ON_NO_ENTER;

static struct cfg_region trace_region(void)
{
	return (struct cfg_region){.pa = cfg_system.trace_pa,
	                           .size = PLAT_CPU_NUM * sizeof *trace_rings,
	                           .colors = cfg_system.trace_colors};
}

/* Coloured, page by page, each page's colour checked as it is mapped. */
void trace_place(void)
{
	struct cfg_region r = trace_region();
	uint64_t outside = 0;
	char list[64];

	if (!cfg_system.trace_colors)
		return;
	for (uint64_t off = 0; off < r.size; off += COLOR_PAGE) {
		uint64_t pa = color_pa(&r, off);

		arch_map_ring_page(off, pa);
		outside += !(r.colors >> color_of(pa) & 1);
	}
	trace_rings = arch_rings_mapped(r.size);
	log_printf("trace rings: colours %s: %llu frames mapped " ARCH_HYP_MAP
	           ", %llu outside their colours\n",
	           color_list(r.colors, list, sizeof list),
	           (unsigned long long)(r.size / COLOR_PAGE), (unsigned long long)outside);
}

void trace_show_rings(struct vm *vm)
{
	struct cfg_region r = trace_region();

	for (uint32_t c = 0; c < PLAT_CPU_NUM; c++) {
		uint64_t ipa = CFG_MONITOR_RINGS_IPA + c * CFG_MONITOR_RING_STRIDE;

		if (!cfg_system.trace_colors) {
			arch_vm_map_readonly(vm, ipa, &trace_rings[c], sizeof trace_rings[c]);
			continue;
		}
		for (uint64_t off = 0; off < sizeof trace_rings[c]; off += COLOR_PAGE)
			arch_vm_map_pa_readonly(vm, ipa + off,
			                        color_pa(&r, c * sizeof trace_rings[c] + off),
			                        COLOR_PAGE);
	}
}

void trace_init_cpu(struct cpu *c)
{
	uint32_t mode =
	    arch_boot_param() & BOOTPARAM_TRACE_STREAM ? VT_MODE_STREAM : VT_MODE_FLIGHT;

	if (c->id == 0 && BOOTPARAM_TRACE_CLASSES(arch_boot_param()))
		trace_mask = BOOTPARAM_TRACE_CLASSES(arch_boot_param()) | VT_CLASS_RING;
	trace_on_mode = TRACE_ON_NO_ENTER | (mode == VT_MODE_STREAM ? TRACE_ON_STREAM : 0);
	c->trace_on = trace_mask | trace_on_mode;
	c->trace = &trace_rings[c->id].ring;
	c->trace_head = &c->trace->head;
	c->last_enter = VT_ENTER_NONE;
	c->run_limit = mode == VT_MODE_STREAM ? 0 : VT_RUN_NONE;
	vt_ring_init(c->trace, c->id, TRACE_RECORDS, mode, arch_counter_freq());
}

void trace_set_mask(uint32_t mask)
{
	__atomic_store_n(&trace_mask, mask | VT_CLASS_RING, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < PLAT_CPU_NUM; i++)
		__atomic_store_n(&cpus[i].trace_on, mask | VT_CLASS_RING | trace_on_mode,
		                 __ATOMIC_RELAXED);
}

/* Stream mode: a full ring drops the record and counts it (vitrine/trace_ring.h). */
void trace_put_stream(uint64_t w1, uint64_t b, uint64_t c)
{
	vt_ring_write(arch_cpu_this()->trace, arch_counter(), w1, b, c);
}

/*
 * An EXIT trace_exit could not write inline: to be streamed, or with a run
 * that does not fold (none since the vCPU started, or over a minute), the
 * ENTER then a record of its own first. Either mode (vt_ring_write).
 */
void trace_exit_slow(uint64_t w1, uint64_t b, uint64_t c)
{
	struct cpu *self = arch_cpu_this();
	uint64_t ts = arch_counter();
	uint32_t run = vt_fold_run(ts, self->last_enter);

	if (run == VT_RUN_NONE)
		trace_enter_unfolded(self, w1 & 0xffff0000u);
	vt_ring_write(self->trace, ts, w1, vt_fold_b(b, run), c);
}

/*
 * An ENTER too long ago to fold into the EXIT about to be written: a record
 * at its own time, which is after every earlier record of this ring (they
 * were written before that return to the guest). `who`: VM and vCPU as in
 * struct vcpu's trace_who. Nothing if there was no entry since the start.
 */
void trace_enter_unfolded(struct cpu *self, uint64_t who)
{
	if (self->last_enter >= VT_ENTER_NONE) /* none, or an exit's with EXIT masked */
		return;
	vt_ring_write(self->trace, self->last_enter, who | VT_EV_ENTER, 0, 0);
	self->last_enter = VT_ENTER_NONE;
}

/* base64, streamed: 3 bytes in, 4 characters out, 76 to a line. */
struct trace_b64 {
	uint8_t in[3];
	uint32_t n_in, col;
};

static void trace_b64_flush(struct trace_b64 *e, int last)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v = (uint32_t)e->in[0] << 16 | (uint32_t)e->in[1] << 8 | e->in[2];

	if (e->n_in) {
		uart_putc(abc[v >> 18 & 63]);
		uart_putc(abc[v >> 12 & 63]);
		uart_putc(e->n_in > 1 ? abc[v >> 6 & 63] : '=');
		uart_putc(e->n_in > 2 ? abc[v & 63] : '=');
		e->col += 4;
	}
	e->n_in = 0;
	e->in[0] = e->in[1] = e->in[2] = 0;
	if (e->col >= 76 || (last && e->col)) {
		uart_putc('\r');
		uart_putc('\n');
		e->col = 0;
	}
}

static void trace_b64_put(struct trace_b64 *e, const void *data, uint64_t len)
{
	const uint8_t *p = data;

	for (uint64_t i = 0; i < len; i++) {
		e->in[e->n_in++] = p[i];
		if (e->n_in == 3)
			trace_b64_flush(e, 0);
	}
}

/*
 * Records a reader can take from a ring now. In flight mode vt_ring_read
 * leaves out the oldest slot of a full ring (it could be half rewritten by
 * a running producer), so a dump promises one record less.
 */
static uint64_t trace_readable(const struct vt_ring *r)
{
	uint64_t avail = r->head - r->tail;
	uint64_t room = r->mode == VT_MODE_FLIGHT ? r->capacity - 1 : r->capacity;

	return avail < room ? avail : room;
}

static uint64_t trace_dump_size(void)
{
	uint64_t size = VT_DUMP_HDR_SIZE + vm_count * VT_DUMP_VM_SIZE;

	for (uint32_t i = 0; i < vm_count; i++)
		size += vm_table[i].nr_vcpus * VT_DUMP_VCPU_SIZE;
	for (uint32_t c = 0; c < PLAT_CPU_NUM; c++)
		size += VT_DUMP_RING_SIZE + trace_readable(&trace_rings[c].ring) * VT_RECORD_SIZE;
	return size;
}

static void trace_dump_ring(struct trace_b64 *e, struct vt_ring *r)
{
	struct vt_record buf[32];
	uint8_t bytes[VT_DUMP_RING_SIZE];
	uint64_t n = trace_readable(r), pos = r->head - n, skipped = 0;
	struct vt_dump_ring dr = {
	    .cpu = r->cpu,
	    .mode = r->mode,
	    .first = pos,
	    .count = n,
	    .lost = r->lost,
	    .skipped = r->head - r->tail - n,
	};
	uint32_t got;

	vt_dump_ring_put(bytes, &dr);
	trace_b64_put(e, bytes, sizeof bytes);
	/* Every pCPU is parked or in this power-off: the ring holds still while we read it. */
	while (n && (got = vt_ring_read(r, &pos, buf, n < 32 ? (uint32_t)n : 32, &skipped)) != 0) {
		for (uint32_t i = 0; i < got; i++) {
			uint8_t rec[VT_RECORD_SIZE];

			vt_record_put(rec, &buf[i]);
			trace_b64_put(e, rec, sizeof rec);
		}
		n -= got;
	}
}

void trace_dump(void)
{
	struct trace_b64 e = {{0, 0, 0}, 0, 0};
	uint8_t bytes[VT_DUMP_VM_SIZE]; /* the largest of the headers */
	struct vt_dump d = {
	    .magic = VT_DUMP_MAGIC,
	    .version = VT_VERSION,
	    .record_size = VT_RECORD_SIZE,
	    .nr_rings = PLAT_CPU_NUM,
	    .nr_vms = vm_count,
	    .arch = ARCH_TRACE_ARCH,
	    .timer_freq = arch_counter_freq(),
	};

	if (!(arch_boot_param() & BOOTPARAM_TRACE_DUMP))
		return;
	for (uint32_t i = 0; i < vm_count; i++)
		d.nr_vcpus += vm_table[i].nr_vcpus;
	log_printf("trace: dumping %llu bytes\n", (unsigned long long)trace_dump_size());
	log_hold(); /* nothing may interleave with the encoded lines */
	log_raw("vitrine-trace-begin\n");
	vt_dump_put(bytes, &d);
	trace_b64_put(&e, bytes, VT_DUMP_HDR_SIZE);
	for (uint32_t i = 0; i < vm_count; i++) {
		struct vt_dump_vm dv = {
		    .id = i, .nr_vcpus = vm_table[i].nr_vcpus, .cpus = vm_table[i].cfg->cpus};

		for (uint32_t k = 0; k + 1 < sizeof dv.name && vm_table[i].cfg->name[k]; k++)
			dv.name[k] = vm_table[i].cfg->name[k];
		vt_dump_vm_put(bytes, &dv);
		trace_b64_put(&e, bytes, VT_DUMP_VM_SIZE);
	}
	for (uint32_t i = 0; i < vm_count; i++)
		for (uint32_t j = 0; j < vm_table[i].nr_vcpus; j++) {
			struct vcpu *v = vm_table[i].vcpus[j];
			struct vt_dump_vcpu dc = {.vm = (uint8_t)i,
			                          .vcpu = (uint8_t)j,
			                          .pcpu = (uint8_t)v->pcpu,
			                          .exits = v->exits};

			vt_dump_vcpu_put(bytes, &dc);
			trace_b64_put(&e, bytes, VT_DUMP_VCPU_SIZE);
		}
	for (uint32_t c = 0; c < PLAT_CPU_NUM; c++)
		trace_dump_ring(&e, &trace_rings[c].ring);
	trace_b64_flush(&e, 1);
	log_raw("vitrine-trace-end\n");
	log_release();
}
