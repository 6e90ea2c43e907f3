/*
 * Memory-bandwidth regulation. Each regulated pCPU runs the hypervisor's
 * own timer, MEMBW_TICKS times a period. At each tick it reads how many
 * bytes its vCPU has moved over the memory bus (on QEMU: the emulated LLC's
 * refills, live in its counters page, vitrine/llc.h); once the period's
 * allowance is spent the vCPU waits, in the hypervisor, for the period's
 * end. A tick sees the overrun late by up to a tick's worth of traffic: the
 * next period's allowance is cut by it (MemGuard's debt), and a debt of a
 * whole budget or more is waited out a period at a time, so that over many
 * periods a VM moves its budget and no more. Unused budget is not carried.
 *
 * Time is the generic counter's, QEMU's virtual time under -icount: not the
 * emulated LLC's modelled time (docs/llc-pmu.md says how they differ).
 */
#include "membw.h"

#include <vitrine/abi.h>
#include <vitrine/config.h>
#include <vitrine/llc.h>
#include <vitrine/sysview.h>

#include "arch.h"
#include "cpu.h"
#include "log.h"
#include "trace.h"
#include "vm.h"

/* Ticks a period: the overrun one tick can miss is a tenth of a period's traffic. */
#define MEMBW_TICKS 10

struct membw_cpu {
	const volatile struct vt_llc_cpu *bus; /* this pCPU's row of the counters page */
	struct vm *vm;                         /* regulated, or NULL */
	uint64_t period, tick;                 /* counter ticks */
	uint64_t period_end;                   /* counter value */
	uint64_t at_start;                     /* bus bytes when the period began */
	int64_t allowance;  /* this period's: the budget less last period's overrun */
	uint32_t throttled; /* the vCPU waits for period_end */
};

/* Per VM, for vm.info(): added to by its pCPUs' ticks, read by the monitor's refresh. */
struct membw_stats {
	uint64_t periods;
	uint64_t throttles;
	uint64_t bytes; /* over all its pCPUs' finished periods */
};

static struct membw_cpu membw_cpus[PLAT_CPU_NUM];
static struct membw_stats membw_stats[VM_MAX];

int membw_any(void)
{
	for (uint32_t i = 0; i < cfg_system.nr_vms; i++)
		if (cfg_system.vms[i].membw_bytes)
			return 1;
	return 0;
}

/* Bus bytes of this pCPU so far: refills times the line (the plugin keeps it live). */
static uint64_t membw_bytes(const struct membw_cpu *s)
{
	return __atomic_load_n(&s->bus->bus_live, __ATOMIC_RELAXED);
}

static void membw_arm(const struct membw_cpu *s, uint64_t now)
{
	uint64_t next = now + s->tick;

	arch_hyp_timer_at(next < s->period_end ? next : s->period_end);
}

void membw_start(struct vcpu *v)
{
	const struct cfg_vm *c = v->vm->cfg;
	struct membw_cpu *s = &membw_cpus[v->pcpu];
	const volatile struct vt_llc_page *page;
	uint64_t now;

	if (!c->membw_bytes)
		return;
	page = arch_llc_page();
	if (!page || page->magic != VT_LLC_MAGIC || page->version != VT_LLC_VERSION ||
	    v->pcpu >= page->cpus) {
		log_printf("VM %s: membw: no bus counts (QEMU's emulated LLC: make run LLC=1): "
		           "not regulated\n",
		           c->name);
		return;
	}
	now = arch_counter();
	s->bus = &page->cpu[v->pcpu];
	s->vm = v->vm;
	s->period = c->membw_period_ns * arch_counter_freq() / 1000000000u;
	s->tick = s->period / MEMBW_TICKS ? s->period / MEMBW_TICKS : 1;
	s->period_end = now + s->period;
	s->at_start = membw_bytes(s);
	s->allowance = (int64_t)c->membw_bytes;
	s->throttled = 0;
	membw_arm(s, now);
}

/* The vCPU waits for the period's end, from the next exit on. */
static void membw_throttle(struct membw_cpu *s, const struct vcpu *v, uint64_t used)
{
	struct membw_stats *st = &membw_stats[s->vm->id];

	s->throttled = 1;
	__atomic_fetch_add(&st->throttles, 1, __ATOMIC_RELAXED);
	if (v)
		trace_vcpu(VT_CLASS_STATE, VT_EV_MEMBW, v,
		           used > UINT32_MAX ? UINT32_MAX : (uint32_t)used, s->vm->cfg->membw_bytes,
		           s->period_end);
	arch_hyp_timer_at(s->period_end);
}

/* The period is over: count it, carry its overrun, begin the next. */
static void membw_next_period(struct membw_cpu *s, uint64_t now, uint64_t used)
{
	struct membw_stats *st = &membw_stats[s->vm->id];
	int64_t left = s->allowance - (int64_t)used;

	__atomic_fetch_add(&st->periods, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->bytes, used, __ATOMIC_RELAXED);
	s->allowance = (int64_t)s->vm->cfg->membw_bytes + (left < 0 ? left : 0);
	s->at_start += used;
	/* a period missed whole (the pCPU was held elsewhere) is skipped, not made up */
	s->period_end =
	    now >= s->period_end + s->period ? now + s->period : s->period_end + s->period;
	s->throttled = 0;
}

void membw_tick(void)
{
	struct cpu *self = arch_cpu_this();
	struct membw_cpu *s = &membw_cpus[self->id];
	uint64_t now = arch_counter(), used;

	if (!s->vm) {
		arch_hyp_timer_at(0); /* a stray: regulation is off here */
		return;
	}
	used = membw_bytes(s) - s->at_start;
	if (now >= s->period_end) {
		membw_next_period(s, now, used);
		/*
		 * A debt of a whole budget (one tick moved more than the budget: a vCPU alone
		 * on the bus streams that fast) is paid by waiting out whole periods. Else the
		 * vCPU would move a tick's traffic every period, however deep in debt.
		 */
		if (s->allowance <= 0) {
			membw_throttle(s, self->vcpu, 0);
			return;
		}
	} else if (!s->throttled && (int64_t)used >= s->allowance) {
		membw_throttle(s, self->vcpu, used);
		return;
	}
	membw_arm(s, now);
}

void membw_wait(struct vcpu *v)
{
	const struct membw_cpu *s = &membw_cpus[v->pcpu];

	/* the tick at the period's end (taken in arch_cpu_idle) lifts it; so do a pause or a stop
	 */
	while (__atomic_load_n(&s->throttled, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING)
		arch_cpu_idle();
}

void membw_describe(uint32_t vm, struct vt_sys_vm *out)
{
	const struct membw_stats *st = &membw_stats[vm];

	out->membw_bytes = vm_table[vm].cfg->membw_bytes;
	out->membw_period_ns = vm_table[vm].cfg->membw_period_ns;
	out->membw_periods = __atomic_load_n(&st->periods, __ATOMIC_RELAXED);
	out->membw_throttles = __atomic_load_n(&st->throttles, __ATOMIC_RELAXED);
	out->membw_used = __atomic_load_n(&st->bytes, __ATOMIC_RELAXED);
}
