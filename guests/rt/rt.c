/* The guest runtime's architecture-neutral part: console, Vitrine calls, entry. */
#include "rt.h"

#include <stdarg.h>

#include "fmt.h"

uint64_t rt_entry_ticks;

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

/* The vCPU writing a formatted line (RT_PRINT_FREE: none). */
#define RT_PRINT_FREE 0xffffffffu
static uint32_t rt_print_owner = RT_PRINT_FREE;

/*
 * One formatted line at a time, whole: the UART is one device, and the
 * hypervisor shows what it is sent as it comes, so vCPUs that print at once
 * take turns, as an SMP program does on hardware. A handler that prints on
 * a vCPU already printing goes straight through rather than wait on itself.
 */
int rt_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;
	uint32_t me = rt_cpu_id(), free = RT_PRINT_FREE, mine = 0;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (__atomic_load_n(&rt_print_owner, __ATOMIC_RELAXED) != me) {
		while (!__atomic_compare_exchange_n(&rt_print_owner, &free, me, 0, __ATOMIC_ACQUIRE,
		                                    __ATOMIC_RELAXED)) {
			free = RT_PRINT_FREE;
			rt_relax();
		}
		mine = 1;
	}
	rt_puts(buf);
	if (mine)
		__atomic_store_n(&rt_print_owner, RT_PRINT_FREE, __ATOMIC_RELEASE);
	return n;
}

int rt_checks, rt_failed;

void rt_check(const char *what, int64_t got, int64_t want)
{
	rt_checks++;
	if (got != want) {
		rt_failed++;
		rt_printf("FAIL %s: got %lld, want %lld\n", what, (long long)got, (long long)want);
	}
}

int64_t rt_console_write(const char *s, uint64_t len)
{
	uint64_t x[8] = {VT_HC_CONSOLE_WRITE, len};

	for (uint64_t i = 0; i < len && i < 8 * 6; i++)
		x[2 + i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
	rt_hvc_regs(x);
	return (int64_t)x[0];
}

int64_t rt_vm_info(struct rt_vm_info *info)
{
	struct rt_ret r = rt_hvc(VT_HC_VM_INFO, 0, 0, 0);
	uint32_t n = 0;

	if (r.x0 == 0) {
		*info = (struct rt_vm_info){r.x1, r.x2, r.x3, r.x4};
		return 0;
	}
	/* Not under Vitrine (native QEMU): the vCPU and the count from the firmware. */
	while (n < RT_MAX_VCPUS && rt_affinity_info(n) >= 0)
		n++;
	*info = (struct rt_vm_info){0, rt_cpu_id(), n ? n : 1, 0};
	return (int64_t)r.x0;
}

int64_t rt_trace_mark(uint32_t id, uint64_t value)
{
	return (int64_t)rt_hvc(VT_HC_TRACE_MARK, id, value, 0).x0;
}

void rt_secondary_main(void (*fn)(uint32_t));

void rt_main(uint64_t arg)
{
	const volatile uint64_t *native_arg = (const volatile uint64_t *)RT_NATIVE_ARG_ADDR;

	/* QEMU's -kernel boot cannot set arg: bench/native.sh leaves it in memory. */
	if (!arg && rt_native() && native_arg[0] == RT_NATIVE_ARG_MAGIC)
		arg = native_arg[1];
	main(arg);
	rt_system_off();
}

void rt_secondary_main(void (*fn)(uint32_t))
{
	fn(rt_cpu_id());
	rt_cpu_off();
}
