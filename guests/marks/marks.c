/*
 * A paced trace source for the stream's benchmark (bench/net.sh with
 * configs/monitor-net-marks.cfg): `trace_mark` calls at a steady rate, arg's
 * low 32 bits the marks a second (default 50,000), its high 32 bits the
 * seconds to run (default 60). Each mark is a hypercall exit, written as its
 * EXIT, its CALL and its MARK. The pace is the counter's: a vCPU that QEMU
 * kept from running catches up at once, so the rate holds over any second,
 * not within it. Between batches the vCPU sleeps until the next
 * millisecond's timer interrupt: a spinning source would keep a host core
 * from the monitor and QEMU's network, whose pace the benchmark measures.
 * Prints "marks: N in S s".
 */
#include "intc.h"
#include "rt.h"
#include "timer.h"

#define MARKS_PRIO 0x80

static uint32_t marks_ticks;

static void marks_tick(uint32_t intid)
{
	(void)intid;
	timer_stop();
	__atomic_store_n(&marks_ticks, marks_ticks + 1, __ATOMIC_RELEASE);
}

void main(uint64_t arg)
{
	uint64_t rate = (uint32_t)arg ? (uint32_t)arg : 50000, secs = arg >> 32 ? arg >> 32 : 60;
	uint64_t freq = timer_freq(), start = timer_now(), end = start + secs * freq, n = 0;
	uint64_t ms = freq / 1000 ? freq / 1000 : 1;
	uint32_t ticks = 0;

	intc_init();
	irq_register(TIMER_VIRT_INTID, marks_tick);
	intc_enable(TIMER_VIRT_INTID, MARKS_PRIO);
	for (uint64_t now = start; now < end; now = timer_now()) {
		for (uint64_t due = (now - start) * rate / freq; n < due; n++)
			rt_trace_mark(1, n);
		timer_arm_at(now + ms - (now - start) % ms);
		ticks = irq_wait_change(&marks_ticks, ticks);
	}
	irq_disable_local();
	rt_printf("marks: %llu in %llu s\n", (unsigned long long)n, (unsigned long long)secs);
}
