/*
 * SBI as a VM sees it (2.0): base, the timer, legacy console
 * putchar and the debug console (DBCN: Linux's `earlycon=sbi`), IPI and RFENCE, HSM over the VM's
 * own harts (a hart ID is a vCPU's index in its VM), SRST of the VM alone; and Vitrine's own calls,
 * whose extension IDs are their SMCCC function IDs (vitrine/abi.h: VT_HC_*), x1-x7 in a0-a6, x0-x7
 * back in a0-a7.
 */
#include <vitrine/abi.h>

#include "arch.h"
#include "entry.h"
#include "hypercall.h"
#include "sbi.h"
#include "trace.h"
#include "vm.h"
#include "vplic.h"

#define VSBI_SPEC_VERSION (2ul << 24) /* SBI 2.0: DBCN is its */
#define VSBI_IMPL_ID 0x5654           /* "VT": not a registered implementation ID */

#define VSBI_EXTENSIONS(X)                                                                         \
	X(SBI_EXT_BASE)                                                                            \
	X(SBI_EXT_LEGACY_PUTCHAR)                                                                  \
	X(SBI_EXT_TIME)                                                                            \
	X(SBI_EXT_IPI)                                                                             \
	X(SBI_EXT_RFENCE)                                                                          \
	X(SBI_EXT_HSM)                                                                             \
	X(SBI_EXT_SRST)                                                                            \
	X(SBI_EXT_DBCN)

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
 * The guest's deadline on the hypervisor's own timer (the vCPU owns its
 * pCPU): once it passes, the virtual timer interrupt is raised (hvip.VSTIP)
 * until the guest sets a new deadline.
 */
static struct sbi_ret vsbi_set_timer(uint64_t deadline)
{
	csr_clear(hvip, 1ul << IRQ_VS_TIMER);
	sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
	return (struct sbi_ret){SBI_SUCCESS, 0};
}

void vsbi_timer_fired(void)
{
	sbi_call(SBI_EXT_TIME, 0, ~0ul, 0, 0); /* lowers STIP */
	csr_set(hvip, 1ul << IRQ_VS_TIMER);
}

/* Do what was asked of v (ARCH_REQ_*), on its pCPU, and only then say it is done. */
static void vsbi_do(struct vcpu *v, uint32_t req)
{
	if (req & ARCH_REQ_IPI)
		csr_set(hvip, 1ul << IRQ_VS_SOFT);
	if (req & ARCH_REQ_FENCE_I)
		__asm__ volatile("fence.i" ::: "memory");
	if (req & ARCH_REQ_VMA) /* the current hgatp's VMID: this VM's */
		__asm__ volatile(H_INSN("hfence.vvma")::: "memory");
	__atomic_and_fetch(&v->arch.requests, ~req, __ATOMIC_RELEASE);
}

void vsbi_serve(struct vcpu *v)
{
	uint32_t req = __atomic_load_n(&v->arch.requests, __ATOMIC_ACQUIRE);

	if (req)
		vsbi_do(v, req);
}

/*
 * All of vm's vCPUs are parked: what they asked of each other is void, and
 * its PLIC is as out of reset, so that a restart begins clean.
 */
void arch_vm_quiesce(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		__atomic_store_n(&vm->vcpus[i]->arch.requests, 0, __ATOMIC_RELEASE);
	vplic_vm_reset(vm);
}

/* The vCPUs an SBI hart mask names (bits from hart base; base -1: all), or -1 for a hart not v's
 * VM's. */
static int64_t vsbi_harts(const struct vcpu *v, uint64_t mask, uint64_t base)
{
	uint32_t n = v->vm->nr_vcpus;
	uint64_t set = 0;

	if (base == ~0ull)
		return (int64_t)((1ull << n) - 1);
	for (uint32_t i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		if (base + i < base || base + i >= n)
			return -1;
		set |= 1ull << (base + i);
	}
	return (int64_t)set;
}

/*
 * Ask the named vCPUs for req: v itself at once, the others by an IPI to
 * their pCPUs. Fences are waited for (SBI returns once they are done),
 * while v does what it is asked meanwhile (two vCPUs may fence each other)
 * and gives up on a vCPU that parks (it fences as it starts again) or if v
 * itself is to stop.
 */
static struct sbi_ret vsbi_request(struct vcpu *v, uint64_t mask, uint64_t base, uint32_t req)
{
	int64_t set = vsbi_harts(v, mask, base);

	if (set < 0)
		return (struct sbi_ret){SBI_ERR_INVALID_PARAM, 0};
	for (uint32_t i = 0; i < v->vm->nr_vcpus; i++) {
		struct vcpu *t = v->vm->vcpus[i];

		if (!(set >> i & 1) || t == v)
			continue;
		__atomic_or_fetch(&t->arch.requests, req, __ATOMIC_ACQ_REL);
		arch_ipi_send(t->pcpu);
	}
	if (set >> v->id & 1)
		vsbi_do(v, req);
	for (uint32_t i = 0; i < v->vm->nr_vcpus && req != ARCH_REQ_IPI; i++) {
		const struct vcpu *t = v->vm->vcpus[i];

		while (set >> i & 1 && __atomic_load_n(&t->arch.requests, __ATOMIC_ACQUIRE) & req &&
		       !__atomic_load_n(&t->parked, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING) {
			vsbi_serve(v);
			arch_cpu_relax();
		}
	}
	return (struct sbi_ret){SBI_SUCCESS, 0};
}

/* FENCE.I, SFENCE.VMA (all of it: more than asked is allowed); the HFENCEs are for hypervisors. */
static struct sbi_ret vsbi_rfence(struct vcpu *v, unsigned long fid, uint64_t mask, uint64_t base)
{
	if (fid == 0)
		return vsbi_request(v, mask, base, ARCH_REQ_FENCE_I);
	if (fid == 1 || fid == 2)
		return vsbi_request(v, mask, base, ARCH_REQ_VMA);
	return (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
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

#define VSBI_DBCN_CHUNK 256 /* bytes one write call takes at most: the guest calls again */

/*
 * DBCN: write (a0 bytes at guest-physical a2:a1), read (nothing to read:
 * console input is the emulated UART's) and write_byte. The bytes are read
 * through the VM's G-stage (guest_phys_byte), so an address outside its
 * memory is an error, not a read of someone else's.
 */
static struct sbi_ret vsbi_dbcn(struct vcpu *v, unsigned long fid, const uint64_t *a)
{
	uint64_t gpa = a[1] | a[2] << 32, n = a[0] < VSBI_DBCN_CHUNK ? a[0] : VSBI_DBCN_CHUNK;

	switch (fid) {
	case 0:
		for (uint64_t i = 0; i < n; i++) {
			long c = guest_phys_byte(gpa + i);

			if (c < 0)
				return (struct sbi_ret){i ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM,
				                        (long)i};
			vconsole_putc(v, (char)c);
		}
		return (struct sbi_ret){SBI_SUCCESS, (long)n};
	case 1:
		return (struct sbi_ret){SBI_SUCCESS, 0};
	case 2:
		vconsole_putc(v, (char)a[0]);
		return (struct sbi_ret){SBI_SUCCESS, 0};
	}
	return (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
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
		ret = fid == 0 ? vsbi_set_timer(a[0]) : (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
		break;
	case SBI_EXT_IPI:
		ret = fid == 0 ? vsbi_request(v, a[0], a[1], ARCH_REQ_IPI)
		               : (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
		break;
	case SBI_EXT_RFENCE:
		ret = vsbi_rfence(v, fid, a[0], a[1]);
		break;
	case SBI_EXT_HSM:
		ret = vsbi_hsm(v, fid, a[0], a[1], a[2]);
		break;
	case SBI_EXT_SRST:
		ret = vsbi_srst(v, fid, a[0]);
		break;
	case SBI_EXT_DBCN:
		ret = vsbi_dbcn(v, fid, a);
		break;
	default:
		ret = (struct sbi_ret){SBI_ERR_NOT_SUPPORTED, 0};
	}
	a[0] = (uint64_t)ret.error;
	a[1] = (uint64_t)ret.value;
}
