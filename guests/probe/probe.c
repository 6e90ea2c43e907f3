/*
 * Tries one forbidden access, chosen by the VM's `arg`: the address to
 * touch, with bit 0 set for a write, bit 1 for a 32-bit access (else 64).
 * The hypervisor must stop the VM; if it does not, the probe says so loudly.
 */
#include "rt.h"

void main(uint64_t arg)
{
	uint64_t addr = arg & ~3ull;
	volatile uint64_t *p = (volatile uint64_t *)addr;

	if (arg & 1) {
		rt_printf("writing 0x%llx\n", (unsigned long long)addr);
		if (arg & 2)
			*(volatile uint32_t *)addr = 0xffffffff;
		else
			*p = 0xbadc0ffee;
		rt_printf("PROBE ESCAPED: wrote 0x%llx\n", (unsigned long long)addr);
	} else {
		rt_printf("reading 0x%llx\n", (unsigned long long)addr);
		rt_printf("PROBE ESCAPED: read 0x%llx = 0x%llx\n", (unsigned long long)addr,
		          (unsigned long long)(arg & 2 ? *(volatile uint32_t *)addr : *p));
	}
}
