/*
 * Checks the call ABI from inside a VM: PSCI and SMCCC answers over both
 * conduits, error codes for bad calls, Vitrine's hypercalls; then resets
 * its own VM twice and checks that each reset gives back a pristine image.
 *
 * arg 1: reset at every boot, for ever (the hypervisor's bound on restarts stops it).
 */
#include <vitrine/trace.h>

#include "fmt.h"
#include "rt.h"

static uint32_t psci_marker = 42; /* .data: must be 42 again after every reset */
static uint32_t psci_scratch;     /* .bss: must be 0 again after every reset */

/* Target MPIDRs that name no vCPU of a 1-vCPU VM, though their Aff0 is 0. */
static const uint64_t psci_bad_mpidr[] = {
    0x40000000,            /* U (bit 30) */
    0x80000000,            /* bit 31: RES1 in MPIDR_EL1, zero in a PSCI target */
    1u << 24,              /* MT */
    1ull << 40,            /* above Aff3 */
    1ull << 63,            /* the top bit */
    0x10000,               /* Aff2 */
    0x100000000ull,        /* Aff3 */
    0xffffffff00000000ull, /* an SMC64 caller's garbage in the top half */
};

/* CPU_ON and AFFINITY_INFO of an MPIDR that names no vCPU: both refuse it. */
static void psci_bad_target(uint64_t mpidr)
{
	char what[48];

	fmt_snprintf(what, sizeof what, "CPU_ON 0x%llx", (unsigned long long)mpidr);
	rt_check(what, (int64_t)rt_hvc(PSCI_CPU_ON_64, mpidr, 0x40000000, 0).x0,
	         PSCI_INVALID_PARAMETERS);
	fmt_snprintf(what, sizeof what, "AFFINITY_INFO 0x%llx", (unsigned long long)mpidr);
	rt_check(what, (int64_t)rt_hvc(PSCI_AFFINITY_INFO_64, mpidr, 0, 0).x0,
	         PSCI_INVALID_PARAMETERS);
}

static void psci_never(uint32_t vcpu)
{
	(void)vcpu;
}

/* Only the monitor owns its PMU; here PMCR_EL0 (its IMP and N fields are never all zero) traps. */
static uint64_t psci_pmcr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(v));
	return v;
}

static void psci_abi(void)
{
	struct rt_vm_info info;

	rt_check("PSCI_VERSION (hvc)", (int64_t)rt_hvc(PSCI_VERSION, 0, 0, 0).x0, 0x10001);
	rt_check("PSCI_VERSION (smc)", (int64_t)rt_smc(PSCI_VERSION, 0, 0, 0).x0, 0x10001);
	rt_check("SMCCC_VERSION", (int64_t)rt_hvc(SMCCC_VERSION, 0, 0, 0).x0, 0x10001);
	rt_check("FEATURES(CPU_ON)", (int64_t)rt_hvc(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0).x0, 0);
	rt_check("FEATURES(SYSTEM_RESET)",
	         (int64_t)rt_hvc(PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0).x0, 0);
	rt_check("FEATURES(0x84000012)", (int64_t)rt_hvc(PSCI_FEATURES, 0x84000012, 0, 0).x0,
	         PSCI_NOT_SUPPORTED);
	rt_check("unknown PSCI function", (int64_t)rt_hvc(0x84000012, 0, 0, 0).x0,
	         PSCI_NOT_SUPPORTED);
	rt_check("unknown vendor hypercall", (int64_t)rt_hvc(VT_HC_BASE + 0x77, 0, 0, 0).x0,
	         SMCCC_NOT_SUPPORTED);
	rt_check("unknown owner (SiP)", (int64_t)rt_smc(0xC2000000, 0, 0, 0).x0,
	         SMCCC_NOT_SUPPORTED);
	rt_check("yielding call", (int64_t)rt_hvc(0x06000000, 0, 0, 0).x0, SMCCC_NOT_SUPPORTED);
	rt_check("MIGRATE_INFO_TYPE", (int64_t)rt_hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0).x0, 2);
	rt_check("CPU_ON self", rt_cpu_on(0, psci_never), PSCI_ALREADY_ON);
	rt_check("CPU_ON vCPU 5", rt_cpu_on(5, psci_never), PSCI_INVALID_PARAMETERS);
	rt_check("CPU_ON Aff1", (int64_t)rt_hvc(PSCI_CPU_ON_64, 0x100, 0x40000000, 0).x0,
	         PSCI_INVALID_PARAMETERS);
	for (unsigned i = 0; i < sizeof psci_bad_mpidr / sizeof psci_bad_mpidr[0]; i++)
		psci_bad_target(psci_bad_mpidr[i]);
	/* SMC32 callers' arguments are 32 bits: the top half is not theirs. */
	rt_check(
	    "AFFINITY_INFO (SMC32) 0x40000000",
	    (int64_t)rt_hvc(PSCI_AFFINITY_INFO_64 & ~PSCI_SMC64, 0xffffffff40000000ull, 0, 0).x0,
	    PSCI_INVALID_PARAMETERS);
	rt_check(
	    "AFFINITY_INFO (SMC32) self",
	    (int64_t)rt_hvc(PSCI_AFFINITY_INFO_64 & ~PSCI_SMC64, 0xffffffff00000000ull, 0, 0).x0,
	    PSCI_AFF_ON);
	rt_check("CPU_ON bad entry", (int64_t)rt_hvc(PSCI_CPU_ON_64, 0, 0x1000, 0).x0,
	         PSCI_INVALID_ADDRESS);
	rt_check("AFFINITY_INFO self", rt_affinity_info(0), PSCI_AFF_ON);
	rt_check("AFFINITY_INFO level 1", (int64_t)rt_hvc(PSCI_AFFINITY_INFO_64, 0, 1, 0).x0,
	         PSCI_INVALID_PARAMETERS);
	rt_check("console_write len 0", rt_console_write("", 0), SMCCC_INVALID_PARAMETER);
	rt_check("console_write len 49", (int64_t)rt_hvc(VT_HC_CONSOLE_WRITE, 49, 0, 0).x0,
	         SMCCC_INVALID_PARAMETER);
	rt_check("console_write", rt_console_write("console_write ok\n", 17), SMCCC_OK);
	rt_check("vm_info", rt_vm_info(&info), SMCCC_OK);
	rt_check("vm_info vcpu", (int64_t)info.vcpu, 0);
	rt_check("vm_info nr_vcpus", (int64_t)info.nr_vcpus, 1);
	rt_check("CALL_UID", (int64_t)rt_hvc(VT_HC_CALL_UID, 0, 0, 0).x0, 0x5669b0c1);
	rt_check("monitor-only call refused", (int64_t)rt_hvc(VT_HC_SYS_REFRESH, 0, 0, 0).x0,
	         VT_ERR_DENIED);
	rt_check("monitor-only vm_reset refused", (int64_t)rt_hvc(VT_HC_VM_RESET, 1, 0, 0).x0,
	         VT_ERR_DENIED);
	rt_check("monitor-only trace_enable refused",
	         (int64_t)rt_hvc(VT_HC_TRACE_ENABLE, VT_CLASS_MARK, 0, 0).x0, VT_ERR_DENIED);
	rt_check("monitor-only vm_pause refused", (int64_t)rt_hvc(VT_HC_VM_PAUSE, 1, 0, 0).x0,
	         VT_ERR_DENIED);
	rt_check("monitor-only vm_resume refused", (int64_t)rt_hvc(VT_HC_VM_RESUME, 1, 0, 0).x0,
	         VT_ERR_DENIED);
	rt_check("monitor-only console_input refused",
	         (int64_t)rt_hvc(VT_HC_CONSOLE_INPUT, 1, 1, 'x').x0, VT_ERR_DENIED);
	rt_check("monitor-only llc_sample refused", (int64_t)rt_hvc(VT_HC_LLC_SAMPLE, 0, 0, 0).x0,
	         VT_ERR_DENIED);
	rt_check("PMU trapped: PMCR_EL0 reads zero", (int64_t)psci_pmcr(), 0);
}

void main(uint64_t arg)
{
	struct rt_vm_info info;

	rt_vm_info(&info);
	rt_check("pristine .data after reset", psci_marker, 42);
	rt_check("zeroed .bss after reset", psci_scratch, 0);
	psci_marker = 7;
	psci_scratch = 7;
	psci_abi();
	rt_printf("boot %u: %d checks, %d failed\n", (unsigned)info.resets, rt_checks, rt_failed);
	if (info.resets < 2 || arg == 1) {
		rt_printf("resetting\n");
		rt_system_reset();
	}
}
