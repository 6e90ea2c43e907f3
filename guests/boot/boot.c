/*
 * Says when the VM started (bench/boot.sh): the virtual counter at vCPU 0's
 * first instruction, read by crt0.S, and at main. Under -icount shift=0 a
 * tick is 16 instructions, executed by all pCPUs together since reset.
 * Prints "boot: vm V entered at tick T (main at tick M)".
 */
#include "rt.h"
#include "timer.h"

void main(uint64_t arg)
{
	uint64_t now = timer_now();
	struct rt_vm_info info;

	(void)arg;
	rt_vm_info(&info);
	rt_printf("boot: vm %u entered at tick %llu (main at tick %llu)\n", (unsigned)info.vm,
	          (unsigned long long)rt_entry_ticks, (unsigned long long)now);
}
