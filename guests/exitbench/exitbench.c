/*
 * Makes `arg` exits of each class the hypervisor handles today, one class
 * after the other, for bench/exits.sh to count: a hypercall (vm_info), an
 * emulated MMIO read (the PL011 flag register), a trapped system register
 * (PMCR_EL0, read as zero) and a PSCI call (PSCI_VERSION).
 */
#include "rt.h"

void main(uint64_t arg)
{
	volatile uint32_t *uart_fr = (volatile uint32_t *)0x09000018ul;
	uint64_t n = arg ? arg : 1000, sum = 0;
	struct rt_vm_info info;

	for (uint64_t i = 0; i < n; i++)
		rt_vm_info(&info);
	for (uint64_t i = 0; i < n; i++)
		sum += *uart_fr;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v;

		__asm__ volatile("mrs %0, pmcr_el0" : "=r"(v));
		sum += v;
	}
	for (uint64_t i = 0; i < n; i++)
		sum += rt_hvc(PSCI_VERSION, 0, 0, 0).x0;
	rt_printf("%llu exits of each class done (%llx)\n", (unsigned long long)n,
	          (unsigned long long)sum);
}
