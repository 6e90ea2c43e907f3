/* The simplest partition: say hello on the UART and through a hypercall, show FP works, power off.
 */
#include "rt.h"

static uint64_t hello_sum(const volatile uint64_t *p, uint64_t n)
{
	uint64_t s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += p[i] ^ i;
	return s;
}

void main(uint64_t arg)
{
	static uint64_t buf[4096];
	struct rt_vm_info info;
	volatile double a = 1.5;
	double b = a * 2.25;

	rt_vm_info(&info);
	rt_printf("Hello from VM %u, vCPU %u of %u\n", (unsigned)info.vm, (unsigned)info.vcpu,
	          (unsigned)info.nr_vcpus);
	rt_printf("FP works: 1.5 * 2.25 = %u/1000\n", (unsigned)(b * 1000));
	rt_trace_mark(1, 4096); /* work begins: trace markers delimit it */
	for (uint64_t i = 0; i < 4096; i++)
		buf[i] = i * 3;
	rt_printf("memory works: checksum 0x%llx\n", (unsigned long long)hello_sum(buf, 4096));
	for (volatile uint64_t i = 0; i < arg; i++)
		;
	rt_trace_mark(2, 0); /* work ends */
	rt_console_write("and hello through the console_write hypercall\n", 46);
	rt_puts("bye\n");
}
