/*
 * Periodic virtual-timer interrupts: takes N of them at a fixed period and
 * measures how late each handler starts (the counter at handler entry minus the
 * deadline), and marks each handler's start in the trace (VT_MARK_IRQ_ENTRY,
 * for the monitor's irq.latency). Each deadline is the previous one plus
 * the period, so a late interrupt does not shift the ones after it.
 *
 * arg: bits 0..31  N, the number of interrupts (0: 1000)
 *      bits 32..63 the period in microseconds (0: 1000)
 *
 * Prints (then powers off):
 *   timer: N interrupts, period P ticks, lateness min A avg B max C ticks
 *   timer: N interrupts, period P ns, lateness min A avg B max C ns
 *   timer: ok                            or   timer: FAIL
 * and before the verdict, on a problem:
 *   timer: EARLY: K interrupts before their deadline (worst D ticks)
 *   timer: COUNT: got K interrupts, want N
 * and, for information, "timer: S spurious interrupts" if the GIC or PLIC had any.
 */
#include "intc.h"
#include "rt.h"
#include "timer.h"

#define TIMER_PRIO 0x80

static uint64_t timer_deadline, timer_period;
static uint64_t timer_min = UINT64_MAX, timer_max, timer_sum;
static uint64_t timer_early_worst;
static uint32_t timer_count, timer_want, timer_early;

static void timer_irq(uint32_t intid)
{
	uint64_t now = timer_now();

	/* After the counter read: the marker's hypercall stays out of the guest's own figure. */
	rt_trace_mark(VT_MARK_IRQ_ENTRY, intid);
	if (now < timer_deadline) {
		timer_early++;
		if (timer_deadline - now > timer_early_worst)
			timer_early_worst = timer_deadline - now;
	} else {
		uint64_t late = now - timer_deadline;

		timer_sum += late;
		if (late < timer_min)
			timer_min = late;
		if (late > timer_max)
			timer_max = late;
	}
	if (timer_count + 1 < timer_want) {
		timer_deadline += timer_period;
		timer_arm_at(timer_deadline);
	} else {
		timer_stop();
	}
	__atomic_store_n(&timer_count, timer_count + 1, __ATOMIC_RELEASE);
}

void main(uint64_t arg)
{
	uint64_t us = arg >> 32 ? arg >> 32 : 1000;
	uint64_t n_ok, avg;
	uint32_t seen = 0;
	int ok;

	timer_want = (uint32_t)arg ? (uint32_t)arg : 1000;
	timer_period = timer_ns_to_ticks(us * 1000);
	if (!timer_period)
		timer_period = 1;

	intc_init();
	irq_register(TIMER_VIRT_INTID, timer_irq);
	intc_enable(TIMER_VIRT_INTID, TIMER_PRIO);

	timer_deadline = timer_now() + timer_period;
	timer_arm_at(timer_deadline);
	while (seen < timer_want)
		seen = irq_wait_change(&timer_count, seen);
	/* A few more periods: no interrupt may come after the timer was stopped. */
	timer_wait_until(timer_now() + 3 * timer_period);
	irq_disable_local();

	n_ok = timer_want - timer_early;
	avg = n_ok ? timer_sum / n_ok : 0;
	if (!n_ok)
		timer_min = 0;
	rt_printf("timer: %u interrupts, period %llu ticks, lateness min %llu avg %llu max %llu "
	          "ticks\n",
	          timer_count, (unsigned long long)timer_period, (unsigned long long)timer_min,
	          (unsigned long long)avg, (unsigned long long)timer_max);
	rt_printf("timer: %u interrupts, period %llu ns, lateness min %llu avg %llu max %llu ns\n",
	          timer_count, (unsigned long long)timer_ticks_to_ns(timer_period),
	          (unsigned long long)timer_ticks_to_ns(timer_min),
	          (unsigned long long)timer_ticks_to_ns(avg),
	          (unsigned long long)timer_ticks_to_ns(timer_max));
	ok = 1;
	if (timer_early) {
		rt_printf("timer: EARLY: %u interrupts before their deadline (worst %llu ticks)\n",
		          timer_early, (unsigned long long)timer_early_worst);
		ok = 0;
	}
	if (irq_spurious())
		rt_printf("timer: %u spurious interrupts\n", irq_spurious());
	if (timer_count != timer_want) {
		rt_printf("timer: COUNT: got %u interrupts, want %u\n", timer_count, timer_want);
		ok = 0;
	}
	rt_printf("timer: %s\n", ok ? "ok" : "FAIL");
}
