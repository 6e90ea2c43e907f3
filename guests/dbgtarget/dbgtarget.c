/*
 * A guest to debug (configs/debug.cfg): a global counter that a function,
 * called once a tick, counts up. It says when the counter jumped (someone
 * wrote it) and ends when it reaches DBG_END, which only such a write
 * makes it reach in a test's time. The tests look its symbols up in
 * dbgtarget.elf. No interrupts: a step is always the next instruction.
 * First it tries the monitor's debug calls itself: they must be refused.
 * It leaves known values in FP registers for a debugger to read. Any
 * other vCPU spins until the counter is done.
 */
#include "rt.h"

#include <vitrine/debug.h>

#define DBG_END 1000000000ull
/* What a debugger finds in v31 and FPSR (QC, IXC, IOC): registers nothing here uses. */
#define DBG_V31_LO 0x0123456789abcdefull
#define DBG_V31_HI 0xfedcba9876543210ull
#define DBG_FPSR 0x08000011ull

volatile uint64_t dbg_counter;
static volatile uint32_t dbg_done;

/* The breakpoint's target: not inlined, so it has an address of its own. */
__attribute__((noinline)) uint64_t dbg_tick(void)
{
	dbg_counter = dbg_counter + 1;
	return dbg_counter;
}

/* Not a wait for anyone: no yield, which under -icount would hand the monitor a slice each time. */
static void dbg_delay(void)
{
	for (volatile uint32_t i = 0; i < 20000; i++)
		;
}

/* vCPUs past the first (debug-net.cfg has two): a debugger's other threads, till the end. */
static void dbg_spin(uint32_t vcpu)
{
	(void)vcpu;
	while (!dbg_done)
		rt_relax();
}

static void dbg_fp_marks(void)
{
	__asm__ volatile("fmov d31, %0\n\tmov v31.d[1], %1\n\tmsr fpsr, %2" ::"r"(DBG_V31_LO),
	                 "r"(DBG_V31_HI), "r"(DBG_FPSR)
	                 : "v31");
}

void main(uint64_t arg)
{
	struct rt_vm_info info;
	uint64_t seen = 0, now = 0;

	(void)arg;
	rt_vm_info(&info);
	rt_printf("dbgtarget: attach itself: %lld, status: %lld\n",
	          (long long)rt_hvc(VT_HC_DBG_ATTACH, info.vm, 0, 0).x0,
	          (long long)rt_hvc(VT_HC_DBG_STATUS, info.vm, 0, 0).x0);
	for (uint32_t i = 1; i < info.nr_vcpus; i++)
		rt_cpu_on(i, dbg_spin);
	dbg_fp_marks();
	while (now < DBG_END) {
		now = dbg_tick();
		if (now != seen + 1)
			rt_printf("dbgtarget: counter jumped to %llu\n", (unsigned long long)now);
		seen = now;
		dbg_delay();
	}
	dbg_done = 1;
	rt_printf("dbgtarget: done at %llu\n", (unsigned long long)now);
}
