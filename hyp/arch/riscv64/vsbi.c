/*
 * SBI as a VM sees it: base, the timer, legacy console putchar, HSM over
 * the VM's own harts (a hart ID is a vCPU's index in its VM), SRST of the
 * VM alone; and Vitrine's own calls, whose extension IDs are their SMCCC
 * function IDs (vitrine/abi.h: VT_HC_*), x1-x7 in a0-a6, x0-x7 back in a0-a7.
 */
#include <vitrine/abi.h>

#include "entry.h"
#include "hypercall.h"
#include "sbi.h"
#include "trace.h"
#include "vm.h"

#define VSBI_SPEC_VERSION (1ul << 24) /* SBI 1.0 */
#define VSBI_IMPL_ID 0x5654           /* "VT": not a registered implementation ID */

#define VSBI_EXTENSIONS(X)                                                                         \
	X(SBI_EXT_BASE)                                                                            \
	X(SBI_EXT_LEGACY_PUTCHAR)                                                                  \
	X(SBI_EXT_TIME)                                                                            \
	X(SBI_EXT_HSM)                                                                             \
	X(SBI_EXT_SRST)

static int vsbi_has(unsigned long ext)
{
#define VSBI_CASE(e) case e:
	switch (ext) {
		VSBI_EXTENSIONS(VSBI_CASE)
		return 1;
	}
#undef VSBI_CASE
	return 0;
}

static struct sbi_ret vsbi_base(unsigned long fid, unsigned long a0)
{
	switch (fid) {
	case 0:
		return (struct sbi_ret){SBI_SUCCESS, VSBI_SPEC_VERSION};
	case 1:
		return (struct sbi_ret){SBI_SUCCESS, VSBI_IMPL_ID};
	case 2:
		return (struct sbi_ret){SBI_SUCCESS, 1};
	case 3:
		return (struct sbi_ret){SBI_SUCCESS, vsbi_has(a0)};
	case 4: /* mvendorid, marchid, mimpid: none to show */
	case 5:
	case 6:
		return (struct sbi_ret){SBI_SUCCESS, 0};
	}
	return (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
}

/*
 * The guest's deadline on the hypervisor's own SBI timer (the vCPU owns its
 * pCPU): when it passes, the virtual timer interrupt is raised (hvip.VSTIP)
 * until the guest sets a new deadline.
 */
static struct sbi_ret vsbi_set_timer(struct vcpu *v, uint64_t deadline)
{
	csr_clear(hvip, 1ul << IRQ_VS_TIMER);
	v->arch.timer_set = 1;
	sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
	return (struct sbi_ret){SBI_SUCCESS, 0};
}

void vsbi_timer_fired(struct vcpu *v)
{
	sbi_call(SBI_EXT_TIME, 0, ~0ul, 0, 0); /* clears STIP */
	if (v->arch.timer_set) {
		v->arch.timer_set = 0;
		csr_set(hvip, 1ul << IRQ_VS_TIMER);
	}
}

static struct vcpu *vsbi_hart(struct vcpu *v, unsigned long hartid)
{
	return hartid < v->vm->nr_vcpus ? v->vm->vcpus[hartid] : 0;
}

static struct sbi_ret vsbi_hsm(struct vcpu *v, unsigned long fid, unsigned long a0,
                               unsigned long a1, unsigned long a2)
{
	struct vcpu *t = vsbi_hart(v, a0);

	switch (fid) {
	case SBI_HSM_START:
		if (!t)
			return (struct sbi_ret){SBI_ERR_INVALID_PARAM, 0};
		if (!vm_ipa_is_ram(v->vm, a1))
			return (struct sbi_ret){SBI_ERR_INVALID_ADDRESS, 0};
		return (struct sbi_ret){
		    vcpu_power_on(t, a1, a2) ? SBI_ERR_ALREADY_AVAILABLE : SBI_SUCCESS, 0};
	case SBI_HSM_STOP:
		vcpu_power_off(v);
	case SBI_HSM_STATUS:
		if (!t)
			return (struct sbi_ret){SBI_ERR_INVALID_PARAM, 0};
		switch (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) {
		case VCPU_RUNNING:
		case VCPU_PAUSED:
			return (struct sbi_ret){SBI_SUCCESS, SBI_HSM_STARTED};
		case VCPU_ON_PENDING:
			return (struct sbi_ret){SBI_SUCCESS, SBI_HSM_START_PENDING};
		default:
			return (struct sbi_ret){SBI_SUCCESS, SBI_HSM_STOPPED};
		}
	}
	return (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
}

/* SRST acts on the calling VM alone: its shutdown or reboot, as PSCI's SYSTEM_OFF/RESET on Arm. */
static struct sbi_ret vsbi_srst(struct vcpu *v, unsigned long fid, unsigned long type)
{
	if (fid != 0 || type > SBI_SRST_WARM_REBOOT)
		return (struct sbi_ret){SBI_ERR_INVALID_PARAM, 0};
	trace_vcpu(VT_CLASS_CALL, VT_EV_PSCI, v, SBI_EXT_SRST, type, 0);
	if (type == SBI_SRST_SHUTDOWN)
		vm_stop(v->vm, VM_OFF);
	else
		vm_reset_request(v->vm);
	return (struct sbi_ret){SBI_SUCCESS, 0}; /* seen only if the VM is already going down */
}

static int vsbi_vitrine(unsigned long ext)
{
	return (ext & 0xff000000) == (VT_HC_BASE & 0xff000000) ||
	       (ext & 0xff000000) == (VT_HC_CALL_UID & 0xff000000);
}

void vsbi_call(struct vcpu *v, struct arch_regs *r)
{
	uint64_t *a = &r->x[10]; /* a0-a7 */
	unsigned long ext = a[7], fid = a[6];
	struct sbi_ret ret;

	if (vsbi_vitrine(ext)) {
		uint64_t x[8] = {ext, a[0], a[1], a[2], a[3], a[4], a[5], a[6]};

		hypercall(v, x);
		for (int i = 0; i < 8; i++)
			a[i] = x[i];
		return;
	}
	switch (ext) {
	case SBI_EXT_BASE:
		ret = vsbi_base(fid, a[0]);
		break;
	case SBI_EXT_LEGACY_PUTCHAR:
		vconsole_putc(v, (char)a[0]);
		a[0] = 0;
		return;
	case SBI_EXT_TIME:
		ret =
		    fid == 0 ? vsbi_set_timer(v, a[0]) : (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
		break;
	case SBI_EXT_HSM:
		ret = vsbi_hsm(v, fid, a[0], a[1], a[2]);
		break;
	case SBI_EXT_SRST:
		ret = vsbi_srst(v, fid, a[0]);
		break;
	default:
		ret = (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
	}
	a[0] = (uint64_t)ret.error;
	a[1] = (uint64_t)ret.value;
}
