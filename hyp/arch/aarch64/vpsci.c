/*
 * PSCI 1.1 as a VM sees it: CPU_ON/OFF and AFFINITY_INFO over the VM's own
 * vCPUs, SYSTEM_OFF and SYSTEM_RESET of the VM alone. CPU_SUSPEND is a
 * standby that returns at once.
 */
#include "smccc.h"

#include <vitrine/abi.h>

#include "trace.h"
#include "vm.h"

/*
 * The vCPU a PSCI target_cpu names, or NULL. A vCPU's MPIDR_EL1 is its index
 * in Aff0 with Aff1-3 zero (VMPIDR_EL2, vcpu_start.c), and target_cpu holds
 * the affinity fields alone (bits 24-31 and 40-63 zero), so the target is
 * exactly the index: any other bit set names no vCPU of this VM.
 */
static struct vcpu *vpsci_target(struct vcpu *v, uint64_t mpidr)
{
	if (mpidr >= v->vm->nr_vcpus)
		return 0;
	return v->vm->vcpus[mpidr];
}

static int64_t vpsci_cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct vcpu *t = vpsci_target(v, mpidr);

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (!vm_ipa_is_ram(v->vm, entry))
		return PSCI_INVALID_ADDRESS;
	return vcpu_power_on(t, entry, ctx);
}

static int64_t vpsci_affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct vcpu *t = vpsci_target(v, mpidr);

	if (!t || level != 0)
		return PSCI_INVALID_PARAMETERS;
	switch (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) {
	case VCPU_RUNNING:
		return PSCI_AFF_ON;
	case VCPU_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	default:
		return PSCI_AFF_OFF;
	}
}

static int vpsci_implemented(uint32_t fid)
{
	switch (fid & ~PSCI_SMC64) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_64 & ~PSCI_SMC64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_64 & ~PSCI_SMC64:
	case PSCI_AFFINITY_INFO_64 & ~PSCI_SMC64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return 1;
	}
	return 0;
}

/*
 * CPU_OFF, SYSTEM_OFF and SYSTEM_RESET may never return (the machine may
 * even power off): recorded first. Out of line, so that the other calls'
 * way carries none of this.
 */
static __attribute__((noinline)) void vpsci_final(struct vcpu *v, uint64_t *x, uint32_t fid)
{
	if (fid == PSCI_CPU_OFF || fid == PSCI_SYSTEM_OFF || fid == PSCI_SYSTEM_RESET)
		trace_vcpu(VT_CLASS_CALL, VT_EV_PSCI, v, fid, x[1], 0);
	if ((fid & ~PSCI_SMC64) == PSCI_CPU_OFF)
		vcpu_power_off(v);
	if ((fid & ~PSCI_SMC64) == PSCI_SYSTEM_OFF)
		vm_stop(v->vm, VM_OFF);
	else
		vm_reset_request(v->vm);
	x[0] = (uint64_t)PSCI_SUCCESS;
	if (fid != PSCI_SYSTEM_OFF && fid != PSCI_SYSTEM_RESET)
		trace_vcpu(VT_CLASS_CALL, VT_EV_PSCI, v, fid, x[1], x[0]);
}

/* The call, and its record if recorded (a constant: vpsci_call or vpsci_call_quiet). */
static inline __attribute__((always_inline)) void vpsci_do(struct vcpu *v, uint64_t *x,
                                                           int recorded)
{
	uint32_t fid = (uint32_t)x[0];
	int64_t ret = PSCI_SUCCESS;

	if (!vpsci_implemented(fid)) {
		x[0] = (uint64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	if (!(fid & PSCI_SMC64)) /* SMC32 callers pass 32-bit arguments */
		for (int i = 1; i < 4; i++)
			x[i] &= 0xffffffffull;
	switch (fid & ~PSCI_SMC64) {
	case PSCI_VERSION:
		ret = 0x10001; /* 1.1 */
		break;
	case PSCI_CPU_SUSPEND_64 & ~PSCI_SMC64:
		break;
	case PSCI_CPU_ON_64 & ~PSCI_SMC64:
		ret = vpsci_cpu_on(v, x[1], x[2], x[3]);
		break;
	case PSCI_AFFINITY_INFO_64 & ~PSCI_SMC64:
		ret = vpsci_affinity_info(v, x[1], x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2; /* no trusted OS to migrate */
		break;
	case PSCI_FEATURES:
		ret = vpsci_implemented((uint32_t)x[1]) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	default: /* PSCI_CPU_OFF, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET */
		vpsci_final(v, x, fid);
		return;
	}
	x[0] = (uint64_t)ret;
	if (recorded)
		trace_own(VT_CLASS_CALL, VT_EV_PSCI, fid, x[1], x[0]);
}

void vpsci_call(struct vcpu *v, uint64_t *x)
{
	vpsci_do(v, x, 1);
}

/* vpsci_final, out of line, still records as its class says: those calls are rare. */
void vpsci_call_quiet(struct vcpu *v, uint64_t *x)
{
	vpsci_do(v, x, 0);
}
