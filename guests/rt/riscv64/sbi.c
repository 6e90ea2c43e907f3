/* The guest runtime on riscv64: SBI calls (console, HSM, SRST) and Vitrine's, and traps. */
#include "rt.h"
#include "sbi.h"

#define SBI_BASE_IMPL_ID 1
#define SBI_IMPL_OPENSBI 1

void rt_secondary_start(void);

/* Vitrine's calls: the function ID is the SBI extension ID (hyp/arch/riscv64/vsbi.c). */
struct rt_ret rt_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t x[8] = {fid, a1, a2, a3};

	rt_hvc_regs(x);
	return (struct rt_ret){x[0], x[1], x[2], x[3], x[4]};
}

void rt_hvc_regs(uint64_t x[8])
{
	__asm__ volatile("ld a7, 0(%0)\n\tld a0, 8(%0)\n\tld a1, 16(%0)\n\tld a2, 24(%0)\n\t"
	                 "ld a3, 32(%0)\n\tld a4, 40(%0)\n\tld a5, 48(%0)\n\tld a6, 56(%0)\n\t"
	                 "ecall\n\t"
	                 "sd a0, 0(%0)\n\tsd a1, 8(%0)\n\tsd a2, 16(%0)\n\tsd a3, 24(%0)\n\t"
	                 "sd a4, 32(%0)\n\tsd a5, 40(%0)\n\tsd a6, 48(%0)\n\tsd a7, 56(%0)"
	                 :
	                 : "r"(x)
	                 : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "memory");
}

void rt_putc(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

/* Natively the SBI is OpenSBI's; under Vitrine it is the hypervisor's. */
int rt_native(void)
{
	return sbi_call(SBI_EXT_BASE, SBI_BASE_IMPL_ID, 0, 0, 0).value == SBI_IMPL_OPENSBI;
}

uint64_t rt_cpu_hwid(void)
{
	uint64_t hartid;

	__asm__ volatile("mv %0, tp" : "=r"(hartid));
	return hartid;
}

uint32_t rt_cpu_id(void)
{
	return (uint32_t)rt_cpu_hwid();
}

int64_t rt_cpu_on(uint32_t vcpu, void (*fn)(uint32_t vcpu))
{
	uintptr_t entry = (uintptr_t)rt_secondary_start;

	return sbi_call(SBI_EXT_HSM, SBI_HSM_START, vcpu, entry, (uintptr_t)fn).error;
}

void rt_cpu_off(void)
{
	sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0);
	for (;;)
		;
}

/* As PSCI's AFFINITY_INFO answers (PSCI_AFF_*), from SBI's hart_get_status. */
int64_t rt_affinity_info(uint32_t vcpu)
{
	struct sbi_ret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, vcpu, 0, 0);

	if (r.error)
		return (int64_t)r.error;
	return r.value == SBI_HSM_STARTED   ? PSCI_AFF_ON
	       : r.value == SBI_HSM_STOPPED ? PSCI_AFF_OFF
	                                    : PSCI_AFF_ON_PENDING;
}

void rt_system_off(void)
{
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, 0, 0);
	for (;;)
		;
}

void rt_system_reset(void)
{
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_COLD_REBOOT, 0, 0);
	for (;;)
		;
}

void rt_exception(uint64_t scause, uint64_t sepc, uint64_t stval);

/* From rt_trap: any trap is the end of this VM; the hypervisor stops (or restarts) it. */
void rt_exception(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	rt_printf("rt: trap on vCPU %u: scause 0x%llx sepc 0x%llx stval 0x%llx\n", rt_cpu_id(),
	          (unsigned long long)scause, (unsigned long long)sepc, (unsigned long long)stval);
	rt_hvc(VT_HC_GUEST_FAULT, scause, sepc, stval);
	rt_system_off(); /* not reached */
}
