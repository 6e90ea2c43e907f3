/* The guest runtime on riscv64: SBI calls (console, HSM, SRST) and Vitrine's, and traps. */
#include "rt.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_BASE_IMPL_ID 1
#define SBI_IMPL_OPENSBI 1
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

void rt_secondary_start(void);

static struct rt_ret rt_sbi(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r3 __asm__("a3") = 0;
	register uint64_t r4 __asm__("a4") = 0;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
	                 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r6), "+r"(r7)
	                 :
	                 : "a5", "memory");
	return (struct rt_ret){r0, r1, r2, r3, r4};
}

/* Vitrine's calls: the function ID is the SBI extension ID (hyp/arch/riscv64/vsbi.c). */
struct rt_ret rt_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return rt_sbi(fid, 0, a1, a2, a3);
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
	rt_sbi(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

/* Natively the SBI is OpenSBI's; under Vitrine it is the hypervisor's. */
int rt_native(void)
{
	return rt_sbi(SBI_EXT_BASE, SBI_BASE_IMPL_ID, 0, 0, 0).x1 == SBI_IMPL_OPENSBI;
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
	return (int64_t)rt_sbi(SBI_EXT_HSM, 0, vcpu, (uintptr_t)rt_secondary_start, (uintptr_t)fn)
	    .x0;
}

void rt_cpu_off(void)
{
	rt_sbi(SBI_EXT_HSM, 1, 0, 0, 0);
	for (;;)
		;
}

/* As PSCI's AFFINITY_INFO answers (PSCI_AFF_*), from SBI's hart_get_status. */
int64_t rt_affinity_info(uint32_t vcpu)
{
	struct rt_ret r = rt_sbi(SBI_EXT_HSM, 2, vcpu, 0, 0);

	if (r.x0)
		return (int64_t)r.x0;
	return r.x1 == SBI_HSM_STARTED   ? PSCI_AFF_ON
	       : r.x1 == SBI_HSM_STOPPED ? PSCI_AFF_OFF
	                                 : PSCI_AFF_ON_PENDING;
}

void rt_system_off(void)
{
	rt_sbi(SBI_EXT_SRST, 0, 0, 0, 0);
	for (;;)
		;
}

void rt_system_reset(void)
{
	rt_sbi(SBI_EXT_SRST, 0, 1, 0, 0);
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
