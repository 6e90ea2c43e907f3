/* The guest runtime on Armv8-A: SMCCC calls, the PL011, PSCI, exceptions. */
#include "rt.h"

#include <hw/pl011.h>

#define UART_BASE 0x09000000ul

void rt_secondary_start(void);

static struct rt_ret rt_call(int smc, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = 0;

	if (smc)
		__asm__ volatile("smc #0"
		                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)::"memory");
	else
		__asm__ volatile("hvc #0"
		                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)::"memory");
	return (struct rt_ret){x0, x1, x2, x3, x4};
}

struct rt_ret rt_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return rt_call(0, fid, a1, a2, a3);
}

void rt_hvc_regs(uint64_t x[8])
{
	__asm__ volatile("ldp x0, x1, [%0]\n\tldp x2, x3, [%0, #16]\n\t"
	                 "ldp x4, x5, [%0, #32]\n\tldp x6, x7, [%0, #48]\n\thvc #0\n\t"
	                 "stp x0, x1, [%0]\n\tstp x2, x3, [%0, #16]\n\t"
	                 "stp x4, x5, [%0, #32]\n\tstp x6, x7, [%0, #48]"
	                 :
	                 : "r"(x)
	                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "memory");
}

struct rt_ret rt_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return rt_call(1, fid, a1, a2, a3);
}

void rt_putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;

	while (uart[PL011_FR / 4] & PL011_FR_TXFF)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
}

int rt_native(void)
{
	uint64_t pfr0;

	/* ID_AA64PFR0_EL1.EL2: Vitrine runs the guests on a CPU with EL2, native runs lack it. */
	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return ((pfr0 >> 8) & 0xf) == 0;
}

uint64_t rt_cpu_hwid(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return mpidr;
}

uint32_t rt_cpu_id(void)
{
	return rt_cpu_hwid() & 0xff;
}

int64_t rt_cpu_on(uint32_t vcpu, void (*fn)(uint32_t vcpu))
{
	return (int64_t)rt_hvc(PSCI_CPU_ON_64, vcpu, (uintptr_t)rt_secondary_start, (uintptr_t)fn)
	    .x0;
}

void rt_cpu_off(void)
{
	rt_hvc(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		;
}

int64_t rt_affinity_info(uint32_t vcpu)
{
	return (int64_t)rt_hvc(PSCI_AFFINITY_INFO_64, vcpu, 0, 0).x0;
}

void rt_system_off(void)
{
	rt_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		;
}

void rt_system_reset(void)
{
	rt_hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		;
}

void rt_main(uint64_t arg);
void rt_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far);

/*
 * From rt_vectors (on a fresh stack: the old one may be what faulted): any
 * exception but an IRQ at EL1 is the end of this VM. The hypervisor is
 * told, and stops or restarts the VM as after a stage-2 fault.
 */
void rt_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
{
	static const char *const kind[] = {"synchronous", "IRQ", "FIQ", "SError"};
	static const char *const from[] = {"EL1 with SP_EL0", "EL1", "EL0 (AArch64)",
	                                   "EL0 (AArch32)"};

	rt_printf("rt: %s exception from %s on vCPU %u: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
	          kind[vector % 4], from[vector / 4 % 4], rt_cpu_id(), (unsigned long long)esr,
	          (unsigned long long)elr, (unsigned long long)far);
	rt_hvc(VT_HC_GUEST_FAULT, esr, elr, far);
	rt_system_off(); /* not reached */
}
