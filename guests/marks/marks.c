/*
 * A paced trace source for the stream's benchmark (bench/net.sh with
 * configs/monitor-net-marks.cfg): `trace_mark` calls at a steady rate, arg's
 * low 32 bits the marks a second (default 50,000), its high 32 bits the
 * seconds to run (default 60). Each mark is a hypercall exit, written as its
 * EXIT, its CALL and its MARK. The pace is the counter's: a vCPU that QEMU kept from
 * running catches up at once, so the rate holds over any second, not within it.
 * Prints "marks: N in S s".
 */
#include "rt.h"
#include "timer.h"

void main(uint64_t arg)
{
	uint64_t rate = (uint32_t)arg ? (uint32_t)arg : 50000, secs = arg >> 32 ? arg >> 32 : 60;
	uint64_t freq = timer_freq(), start = timer_now(), end = start + secs * freq, n = 0;

	for (uint64_t now = start; now < end; now = timer_now())
		for (uint64_t due = (now - start) * rate / freq; n < due; n++)
			rt_trace_mark(1, n);
	rt_printf("marks: %llu in %llu s\n", (unsigned long long)n, (unsigned long long)secs);
}
