/*
 * Checks the SBI a riscv64 VM is given, from inside it: base probes, HSM
 * over its own harts and its errors, SRST's errors, Vitrine's calls; then
 * resets its own VM (SRST cold, then warm reboot), each reset giving back
 * a pristine image, and shuts it down at the third boot.
 */
#include "rt.h"

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

static uint32_t sbi_marker = 42; /* .data: must be 42 again after every reset */
static uint32_t sbi_scratch;     /* .bss: must be 0 again after every reset */

static struct rt_ret sbi(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	register uint64_t r6 __asm__("a6") = fid;
	register uint64_t r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r6), "+r"(r7)::"memory");
	return (struct rt_ret){r0, r1, r2, 0, 0};
}

static void sbi_check_base(void)
{
	rt_check("spec version 1.0", (int64_t)sbi(SBI_EXT_BASE, 0, 0, 0, 0).x1, 1 << 24);
	rt_check("probe base", (int64_t)sbi(SBI_EXT_BASE, 3, SBI_EXT_BASE, 0, 0).x1, 1);
	rt_check("probe time", (int64_t)sbi(SBI_EXT_BASE, 3, SBI_EXT_TIME, 0, 0).x1, 1);
	rt_check("probe hsm", (int64_t)sbi(SBI_EXT_BASE, 3, SBI_EXT_HSM, 0, 0).x1, 1);
	rt_check("probe srst", (int64_t)sbi(SBI_EXT_BASE, 3, SBI_EXT_SRST, 0, 0).x1, 1);
	rt_check("probe unknown", (int64_t)sbi(SBI_EXT_BASE, 3, 0x12345678, 0, 0).x1, 0);
	rt_check("unknown extension", (int64_t)sbi(0x12345678, 0, 0, 0, 0).x0,
	         SBI_ERR_NOT_SUPPORTED);
	rt_check("unknown base function", (int64_t)sbi(SBI_EXT_BASE, 99, 0, 0, 0).x0,
	         SBI_ERR_NOT_SUPPORTED);
}

static void sbi_check_hsm(uint32_t nr_vcpus)
{
	rt_check("own status: started", (int64_t)sbi(SBI_EXT_HSM, 2, 0, 0, 0).x1, 0);
	rt_check("status of a hart not ours", (int64_t)sbi(SBI_EXT_HSM, 2, nr_vcpus, 0, 0).x0,
	         SBI_ERR_INVALID_PARAM);
	rt_check("start a hart not ours", (int64_t)sbi(SBI_EXT_HSM, 0, nr_vcpus, 0x80000000, 0).x0,
	         SBI_ERR_INVALID_PARAM);
	rt_check("start a hart far away",
	         (int64_t)sbi(SBI_EXT_HSM, 0, 1ull << 40, 0x80000000, 0).x0, SBI_ERR_INVALID_PARAM);
	rt_check("start outside our RAM", (int64_t)sbi(SBI_EXT_HSM, 0, 0, 0x40000000, 0).x0,
	         SBI_ERR_INVALID_ADDRESS);
	rt_check("start ourselves", (int64_t)sbi(SBI_EXT_HSM, 0, 0, 0x80000000, 0).x0,
	         SBI_ERR_ALREADY_AVAILABLE);
	rt_check("srst: unknown type", (int64_t)sbi(SBI_EXT_SRST, 0, 7, 0, 0).x0,
	         SBI_ERR_INVALID_PARAM);
	rt_check("srst: unknown function", (int64_t)sbi(SBI_EXT_SRST, 1, 0, 0, 0).x0,
	         SBI_ERR_INVALID_PARAM);
}

void main(uint64_t arg)
{
	struct rt_vm_info info;

	(void)arg;
	rt_check("vm_info", rt_vm_info(&info), 0);
	rt_check(".data pristine", sbi_marker, 42);
	rt_check(".bss pristine", sbi_scratch, 0);
	sbi_marker = 7;
	sbi_scratch = 7;
	sbi_check_base();
	sbi_check_hsm((uint32_t)info.nr_vcpus);
	rt_printf("boot %u: %d checks, %d failed\n", (unsigned)info.resets, rt_checks, rt_failed);
	if (info.resets == 0)
		sbi(SBI_EXT_SRST, 0, 1, 0, 0); /* cold reboot: of this VM alone */
	if (info.resets == 1)
		sbi(SBI_EXT_SRST, 0, 2, 0, 0); /* warm reboot */
	rt_puts("shutting down\n");
	sbi(SBI_EXT_SRST, 0, 0, 0, 0);
	rt_puts("SRST RETURNED\n");
}
