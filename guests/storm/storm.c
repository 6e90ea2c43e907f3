/*
 * An interrupt storm: two vCPUs bounce an SGI between them as fast as they
 * can for `arg` milliseconds (default 500), every bounce a trapped SGI
 * write and a hypervisor IPI. Other VMs, on their own pCPUs, must not
 * notice. Prints "storm: N SGIs in T ms (per vCPU: A, B)".
 */
#include "gic.h"
#include "rt.h"
#include "timer.h"

#define STORM_SGI 1

static uint32_t storm_count[2], storm_stop, storm_ready;

static void storm_irq(uint32_t intid)
{
	uint32_t me = rt_cpu_id() & 1;

	__atomic_add_fetch(&storm_count[me], 1, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&storm_stop, __ATOMIC_ACQUIRE))
		gic_send_sgi(intid, !me);
}

static void storm_setup(void)
{
	gic_init();
	irq_register(STORM_SGI, storm_irq);
	gic_enable(STORM_SGI, 0x80);
	irq_enable_local();
}

static void storm_secondary(uint32_t vcpu)
{
	(void)vcpu;
	storm_setup();
	__atomic_store_n(&storm_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&storm_stop, __ATOMIC_ACQUIRE))
		rt_relax();
	irq_disable_local();
}

void main(uint64_t arg)
{
	uint64_t ms = arg ? arg : 500, start;

	storm_setup();
	if (rt_cpu_on(1, storm_secondary)) {
		rt_printf("storm: cannot start vCPU 1\n");
		return;
	}
	while (!__atomic_load_n(&storm_ready, __ATOMIC_ACQUIRE))
		rt_relax();
	start = timer_now();
	gic_send_sgi(STORM_SGI, 1);
	while (timer_now() - start < timer_ns_to_ticks(ms * 1000000))
		rt_relax();
	__atomic_store_n(&storm_stop, 1, __ATOMIC_RELEASE);
	irq_disable_local();
	rt_printf("storm: %u SGIs in %llu ms (per vCPU: %u, %u)\n", storm_count[0] + storm_count[1],
	          (unsigned long long)ms, storm_count[0], storm_count[1]);
}
