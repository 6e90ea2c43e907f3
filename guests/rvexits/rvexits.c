/*
 * The riscv64 counterpart of guests/exitbench: `arg` exits of each class
 * the riscv64 port handles, one class after the other, for bench/exits.sh
 * to count: Vitrine's vm_info (an SBI call with Vitrine's extension ID), an
 * SBI call of the hypervisor's own (get_spec_version), an emulated MMIO
 * read and write (its PLIC context's threshold, vplic.c), and SBI
 * set_timer deadlines that pass (the call, then the timer interrupt the
 * hypervisor takes and hands on as the virtual one).
 */
#include "csr.h"
#include "rt.h"
#include "sbi.h"

#define RVEXITS_THRESHOLD 0x0c201000ul /* the PLIC threshold of context 1: hart 0's S-mode */

void main(uint64_t arg)
{
	volatile uint32_t *threshold = (volatile uint32_t *)RVEXITS_THRESHOLD;
	uint64_t n = arg ? arg : 1000, sum = 0;
	struct rt_vm_info info;

	for (uint64_t i = 0; i < n; i++)
		rt_vm_info(&info);
	for (uint64_t i = 0; i < n; i++)
		sum += sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
	for (uint64_t i = 0; i < n; i++)
		sum += *threshold;
	for (uint64_t i = 0; i < n; i++)
		*threshold = 0;
	csr_set(sie, 1ul << IRQ_S_TIMER);
	for (uint64_t i = 0; i < n; i++) {
		sbi_call(SBI_EXT_TIME, 0, csr_read(time) + 100, 0, 0);
		sum += rt_wait_irq();
	}
	sbi_call(SBI_EXT_TIME, 0, ~0ull, 0, 0);
	rt_printf("%llu exits of each class done (%llx)\n", (unsigned long long)n,
	          (unsigned long long)sum);
}
