/*
 * Checks the SBI a riscv64 VM of two vCPUs is given, from inside it: base
 * probes, the debug console, HSM over its own harts and its errors, SRST's errors, the timer,
 * IPIs and remote fences between
 * its vCPUs (both fencing the other at once); then resets its own VM (SRST
 * cold, then warm reboot), each reset giving back a pristine image, and
 * shuts it down at the third boot.
 */
#include "csr.h"
#include "rt.h"
#include "sbi.h"

#define SBI_ROUNDS 100
#define SBI_TICKS_PER_MS 10000 /* the `time` CSR's 10 MHz on QEMU virt */
#define SIP_SSIP (1ul << IRQ_S_SOFT)
#define SIP_STIP (1ul << IRQ_S_TIMER)

static uint32_t sbi_ipis_taken, sbi_fences_failed, sbi_fences_done;
static uint32_t sbi_marker = 42; /* .data: must be 42 again after every reset */
static uint32_t sbi_scratch;     /* .bss: must be 0 again after every reset */

static const char sbi_dbcn_line[] = "dbcn: a line from the VM's memory\n";

/* The debug console: bytes read from the VM's memory by address, or passed one by one. */
static void sbi_check_dbcn(void)
{
	const uint64_t n = sizeof sbi_dbcn_line - 1;
	const char *byte = "dbcn: a line byte by byte\n";

	rt_check("dbcn write",
	         (int64_t)sbi_call(SBI_EXT_DBCN, 0, n, (uintptr_t)sbi_dbcn_line, 0).value,
	         (int64_t)n);
	rt_check("dbcn write outside our RAM",
	         (int64_t)sbi_call(SBI_EXT_DBCN, 0, 4, 0x40000000, 0).error, SBI_ERR_INVALID_PARAM);
	rt_check("dbcn write above 4 GiB",
	         (int64_t)sbi_call(SBI_EXT_DBCN, 0, 4, 0x80000000, 1).error, SBI_ERR_INVALID_PARAM);
	while (*byte)
		sbi_call(SBI_EXT_DBCN, 2, (uint8_t)*byte++, 0, 0);
}

static void sbi_check_base(void)
{
	rt_check("spec version 2.0", (int64_t)sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value, 2 << 24);
	rt_check("probe dbcn", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_DBCN, 0, 0).value, 1);
	rt_check("probe base", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_BASE, 0, 0).value, 1);
	rt_check("probe time", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_TIME, 0, 0).value, 1);
	rt_check("probe hsm", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_HSM, 0, 0).value, 1);
	rt_check("probe ipi", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_IPI, 0, 0).value, 1);
	rt_check("probe rfence", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_RFENCE, 0, 0).value, 1);
	rt_check("probe srst", (int64_t)sbi_call(SBI_EXT_BASE, 3, SBI_EXT_SRST, 0, 0).value, 1);
	rt_check("probe unknown", (int64_t)sbi_call(SBI_EXT_BASE, 3, 0x12345678, 0, 0).value, 0);
	rt_check("unknown extension", (int64_t)sbi_call(0x12345678, 0, 0, 0, 0).error,
	         SBI_ERR_NOT_SUPPORTED);
	rt_check("unknown base function", (int64_t)sbi_call(SBI_EXT_BASE, 99, 0, 0, 0).error,
	         SBI_ERR_NOT_SUPPORTED);
}

static void sbi_check_hsm(uint32_t nr_vcpus)
{
	rt_check("own status: started", (int64_t)sbi_call(SBI_EXT_HSM, 2, 0, 0, 0).value, 0);
	rt_check("status of a hart not ours",
	         (int64_t)sbi_call(SBI_EXT_HSM, 2, nr_vcpus, 0, 0).error, SBI_ERR_INVALID_PARAM);
	rt_check("start a hart not ours",
	         (int64_t)sbi_call(SBI_EXT_HSM, 0, nr_vcpus, 0x80000000, 0).error,
	         SBI_ERR_INVALID_PARAM);
	rt_check("start a hart far away",
	         (int64_t)sbi_call(SBI_EXT_HSM, 0, 1ull << 40, 0x80000000, 0).error,
	         SBI_ERR_INVALID_PARAM);
	rt_check("start outside our RAM", (int64_t)sbi_call(SBI_EXT_HSM, 0, 0, 0x40000000, 0).error,
	         SBI_ERR_INVALID_ADDRESS);
	rt_check("start ourselves", (int64_t)sbi_call(SBI_EXT_HSM, 0, 0, 0x80000000, 0).error,
	         SBI_ERR_ALREADY_AVAILABLE);
	rt_check("srst: unknown type", (int64_t)sbi_call(SBI_EXT_SRST, 0, 7, 0, 0).error,
	         SBI_ERR_INVALID_PARAM);
	rt_check("srst: unknown function", (int64_t)sbi_call(SBI_EXT_SRST, 1, 0, 0, 0).error,
	         SBI_ERR_INVALID_PARAM);
}

static uint64_t sbi_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/*
 * SBI_ROUNDS deadlines 1 ms apart, set through SBI: each arrives as the
 * timer interrupt, none early (a deadline that did not lower the pending
 * interrupt would end the next wait at once).
 */
static void sbi_check_timer(void)
{
	uint32_t early = 0, other = 0;

	csr_set(sie, SIP_STIP);
	for (int i = 0; i < SBI_ROUNDS; i++) {
		uint64_t deadline = sbi_now() + SBI_TICKS_PER_MS;

		sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
		other += rt_wait_irq() != (1ull << 63 | IRQ_S_TIMER);
		early += sbi_now() < deadline;
	}
	csr_clear(sie, SIP_STIP);
	sbi_call(SBI_EXT_TIME, 0, ~0ull, 0, 0);
	rt_check("set_timer: the timer interrupt each time", other, 0);
	rt_check("set_timer: no deadline early", early, 0);
}

/* Remote FENCE.I and SFENCE.VMA to the other vCPU, SBI_ROUNDS of each; failures counted. */
static void sbi_fence_other(uint32_t me)
{
	for (int i = 0; i < SBI_ROUNDS; i++) {
		sbi_fences_failed += sbi_call(SBI_EXT_RFENCE, 0, 1, !me, 0).error != 0;
		sbi_fences_failed += sbi_call(SBI_EXT_RFENCE, 1, 1, !me, 0).error != 0;
	}
}

/* vCPU 1: take SBI_ROUNDS IPIs, then fence vCPU 0 while it fences this one. */
static void sbi_vcpu1(uint32_t vcpu)
{
	csr_set(sie, SIP_SSIP);
	while (__atomic_load_n(&sbi_ipis_taken, __ATOMIC_ACQUIRE) < SBI_ROUNDS) {
		if (rt_wait_irq() != (1ull << 63 | IRQ_S_SOFT))
			break;
		csr_clear(sip, SIP_SSIP);
		__atomic_add_fetch(&sbi_ipis_taken, 1, __ATOMIC_RELEASE);
	}
	csr_clear(sie, SIP_SSIP);
	sbi_fence_other(vcpu);
	__atomic_add_fetch(&sbi_fences_done, 1, __ATOMIC_RELEASE);
}

/* vCPU 0: IPIs to vCPU 1, one at a time (each taken before the next), then the fences. */
static void sbi_check_ipi_fence(void)
{
	uint32_t sent = 0;

	rt_check("start vCPU 1", rt_cpu_on(1, sbi_vcpu1), 0);
	for (uint32_t i = 0; i < SBI_ROUNDS; i++) {
		sent += sbi_call(SBI_EXT_IPI, 0, 1, 1, 0).error == 0;
		while (__atomic_load_n(&sbi_ipis_taken, __ATOMIC_ACQUIRE) == i)
			rt_relax();
	}
	rt_check("IPIs sent", sent, SBI_ROUNDS);
	rt_check("IPIs taken", __atomic_load_n(&sbi_ipis_taken, __ATOMIC_ACQUIRE), SBI_ROUNDS);
	rt_check("IPI to a hart not ours", (int64_t)sbi_call(SBI_EXT_IPI, 0, 1, 2, 0).error,
	         SBI_ERR_INVALID_PARAM);
	sbi_fence_other(0);
	while (!__atomic_load_n(&sbi_fences_done, __ATOMIC_ACQUIRE))
		rt_relax();
	rt_check("remote fences both ways at once", sbi_fences_failed, 0);
	rt_check("hfence for a guest", (int64_t)sbi_call(SBI_EXT_RFENCE, 3, 1, 1, 0).error,
	         SBI_ERR_NOT_SUPPORTED);
	while (rt_affinity_info(1) != PSCI_AFF_OFF)
		rt_relax();
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
	sbi_check_dbcn();
	sbi_check_hsm((uint32_t)info.nr_vcpus);
	sbi_check_timer();
	sbi_check_ipi_fence();
	rt_printf("boot %u: %d checks, %d failed\n", (unsigned)info.resets, rt_checks, rt_failed);
	if (info.resets == 0)
		sbi_call(SBI_EXT_SRST, 0, 1, 0, 0); /* cold reboot: of this VM alone */
	if (info.resets == 1)
		sbi_call(SBI_EXT_SRST, 0, 2, 0, 0); /* warm reboot */
	rt_puts("shutting down\n");
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
	rt_puts("SRST RETURNED\n");
}
