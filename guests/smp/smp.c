/*
 * A multi-vCPU VM: vCPU 0 starts every other vCPU (PSCI CPU_ON, SBI hart_start). The
 * VM's `arg` picks what happens next:
 *   0  the secondaries report and power themselves off; vCPU 0 waits for that;
 *   1  the secondaries keep printing; vCPU 0 then makes a forbidden access,
 *      so the hypervisor must stop the secondaries in the middle of their work;
 *   2  the secondaries spin; vCPU 0 resets the VM, which boots again in mode 0.
 */
#include "rt.h"

static uint32_t smp_up;
static uint32_t smp_mode;

static void smp_secondary(uint32_t vcpu)
{
	rt_printf("vCPU %u up (" RT_HWID " 0x%llx)\n", vcpu, (unsigned long long)rt_cpu_hwid());
	__atomic_add_fetch(&smp_up, 1, __ATOMIC_SEQ_CST);
	for (uint32_t tick = 0; smp_mode; tick++) {
		if (smp_mode == 1)
			rt_printf("vCPU %u tick %u .\n", vcpu, tick);
		rt_relax();
	}
}

void main(uint64_t arg)
{
	struct rt_vm_info info;
	uint32_t n, off = 0;

	rt_vm_info(&info);
	smp_mode = info.resets ? 0 : (uint32_t)arg;
	n = (uint32_t)info.nr_vcpus;
	rt_printf("VM %u has %u vCPUs; starting vCPUs 1..%u\n", (unsigned)info.vm, n, n - 1);
	for (uint32_t i = 1; i < n; i++) {
		int64_t r = rt_cpu_on(i, smp_secondary);

		if (r)
			rt_printf("CPU_ON %u failed: %lld\n", i, (long long)r);
	}
	while (__atomic_load_n(&smp_up, __ATOMIC_SEQ_CST) != n - 1)
		rt_relax();
	if (smp_mode == 1) {
		rt_printf("all up; now touching memory that is not ours\n");
		(void)*(volatile uint64_t *)0x7ff00000;
	}
	if (smp_mode == 2) {
		rt_printf("all up; resetting the VM with its vCPUs busy\n");
		rt_system_reset();
	}
	/* Each secondary powers itself off once it has reported. */
	while (off != n - 1) {
		off = 0;
		for (uint32_t i = 1; i < n; i++)
			off += rt_affinity_info(i) == PSCI_AFF_OFF;
	}
	rt_printf("all %u vCPUs up, %u back off\n", n, off);
}
