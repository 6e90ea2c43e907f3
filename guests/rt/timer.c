#include "timer.h"

#include "rt.h"

/* 128-bit intermediates: ticks * 10^9 overflows 64 bits after about 5 minutes at 62.5 MHz. */
uint64_t timer_ns_to_ticks(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * timer_freq() / 1000000000u);
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = timer_freq();

	return f ? (uint64_t)((unsigned __int128)ticks * 1000000000u / f) : 0;
}

void timer_wait_until(uint64_t t)
{
	while (timer_now() < t)
		rt_relax();
}
