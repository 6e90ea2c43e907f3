/*
 * More pending interrupts than list registers (QEMU has 4): with
 * interrupts masked, the vCPU sends itself 12 SGIs, each of a different
 * priority, lowest priority first; once unmasked, all 12 must arrive, in
 * strict priority order (the highest first). Prints "lrflood: 12 of 12 in
 * priority order" or what went wrong.
 */
#include "gic.h"
#include "rt.h"

#define LRF_N 12

static uint32_t lrf_seen[LRF_N], lrf_n;

/* SGI i has priority 0x10 * (LRF_N - i): the higher the SGI, the more urgent. */
static uint8_t lrf_prio(uint32_t sgi)
{
	return (uint8_t)(0x10 * (LRF_N - sgi));
}

static void lrf_irq(uint32_t intid)
{
	if (lrf_n < LRF_N)
		lrf_seen[lrf_n] = intid;
	__atomic_add_fetch(&lrf_n, 1, __ATOMIC_RELEASE);
}

void main(uint64_t arg)
{
	uint32_t in_order = 0, n;

	(void)arg;
	gic_init();
	for (uint32_t i = 0; i < LRF_N; i++) {
		irq_register(i, lrf_irq);
		gic_enable(i, lrf_prio(i));
	}
	irq_disable_local();
	for (uint32_t i = 0; i < LRF_N; i++)
		gic_send_sgi(i, rt_cpu_id());
	irq_enable_local();
	for (uint32_t spins = 0;
	     __atomic_load_n(&lrf_n, __ATOMIC_ACQUIRE) < LRF_N && spins < 1000000; spins++)
		rt_relax();
	n = __atomic_load_n(&lrf_n, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < LRF_N && i < n; i++)
		in_order += lrf_seen[i] == LRF_N - 1 - i;
	rt_printf("lrflood: %u of %u arrived, %u in priority order\n", n, LRF_N, in_order);
	if (in_order != LRF_N)
		for (uint32_t i = 0; i < LRF_N && i < n; i++)
			rt_printf("lrflood: #%u was SGI %u\n", i, lrf_seen[i]);
}
