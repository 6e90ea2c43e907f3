/*
 * Guest exits. Everything a guest can make the hypervisor do starts here:
 * calls (HVC/SMC), trapped system registers, stage-2 aborts (emulated MMIO
 * or a fault that stops the VM) and interrupts.
 */
#include "arch.h"
#include "cpu.h"
#include "entry.h"
#include "gicv3.h"
#include "log.h"
#include "membw.h"
#include "smccc.h"
#include "sysreg.h"
#include "trace.h"
#include "vgic_state.h"
#include "vm.h"

static struct vcpu *exit_vcpu(void)
{
	return arch_cpu_this()->vcpu;
}

static __attribute__((noreturn)) void exit_fault(struct vcpu *v, const char *what, uint64_t ipa,
                                                 uint64_t esr)
{
	vm_fault_report(v, what, ipa, v->regs->elr, esr);
}

static uint64_t exit_fault_ipa(void)
{
	return ((sysreg_read(hpfar_el2) >> 4) << 12) | (sysreg_read(far_el2) & 0xfff);
}

static const char *exit_abort_kind(uint64_t esr, int fetch)
{
	unsigned kind = FSC_KIND(ESR_ABT_FSC(esr));
	int write = !fetch && ESR_DABT_WNR(esr);

	if (kind == FSC_PERMISSION)
		return fetch   ? "stage-2 fault: instruction fetch from a non-executable page"
		       : write ? "stage-2 fault: write to a read-only page"
		               : "stage-2 fault: read not permitted";
	if (kind == FSC_TRANSLATION)
		return fetch   ? "stage-2 fault: instruction fetch outside the VM's memory"
		       : write ? "stage-2 fault: write outside the VM's memory"
		               : "stage-2 fault: read outside the VM's memory";
	return fetch ? "instruction abort" : "data abort";
}

static void exit_data_abort(struct vcpu *v, struct arch_regs *r, uint64_t esr, uint64_t ipa)
{
	unsigned srt = ESR_DABT_SRT(esr), size = 1u << ESR_DABT_SAS(esr);
	int write = ESR_DABT_WNR(esr);
	uint64_t value = 0;
	int handled;

	/* Only simple loads and stores to unmapped IPAs. */
	if (!ESR_DABT_ISV(esr) || FSC_KIND(ESR_ABT_FSC(esr)) != FSC_TRANSLATION)
		exit_fault(v, exit_abort_kind(esr, 0), ipa, esr);
	if (write && srt != 31)
		value = r->x[srt] & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
	handled = vmmio_access(v, ipa, size, write, &value);
	if (handled <= 0)
		exit_fault(v,
		           handled ? "unsupported access to an emulated device"
		                   : exit_abort_kind(esr, 0),
		           ipa, esr);
	if (!write && srt != 31) {
		if (ESR_DABT_SSE(esr) && size < 8 && value >> (8 * size - 1) & 1)
			value |= ~0ull << (8 * size);
		if (!ESR_DABT_SF(esr))
			value &= 0xffffffffull;
		r->x[srt] = value;
	}
	r->elr += 4;
}

#define SYSREG_ISS(op0, op1, crn, crm, op2)                                                        \
	((op0) << 20 | (op2) << 17 | (op1) << 14 | (crn) << 10 | (crm) << 1)
#define SYSREG_ISS_MASK SYSREG_ISS(3, 7, 15, 15, 7)
#define ICC_SGI1R_ISS SYSREG_ISS(3, 0, 12, 11, 5)

/*
 * ICC_SGI1R_EL1 writes (trapped because HCR_EL2.IMO is set) become virtual
 * SGIs. Everything else trapped for isolation (debug, PMU, ACTLR, set/way,
 * impdef) reads as zero and ignores writes.
 */
static inline __attribute__((always_inline)) void exit_sysreg(struct vcpu *v, struct arch_regs *r,
                                                              uint64_t esr)
{
	unsigned rt = ESR_SYSREG_RT(esr);
	int read = ESR_SYSREG_READ(esr);

	if ((esr & SYSREG_ISS_MASK) == ICC_SGI1R_ISS && !read)
		vgic_sgi_write(v, rt == 31 ? 0 : r->x[rt]);
	else if (read && rt != 31)
		r->x[rt] = 0;
	v->sysreg_traps++;
	r->elr += 4;
}

/* The flush, out of line: the inline exit paths then make no call of their own. */
static __attribute__((noinline)) uint32_t exit_flush(struct vcpu *v)
{
	vgic_flush(v);
	trace_enter();
	return EXIT_DONE;
}

/*
 * Back to the guest with its interrupts in list registers. pending_any is
 * read relaxed, as volatile (an atomic load costs an ADD): vgic_flush's
 * exchange orders what it reads after.
 */
static inline uint32_t exit_resume(struct cpu *self, struct vcpu *v)
{
	if (*(volatile uint32_t *)&v->arch.vgic.pending_any)
		return exit_flush(v);
	trace_enter_at(self);
	return EXIT_DONE;
}

/*
 * The way back, if the vCPU is still meant to run; if not, exit_slow holds
 * or parks it, reading the state again with acquire (vcpu_check_state).
 * RUNNING was stored by this pCPU: relaxed is enough to see it.
 */
static inline uint32_t exit_return(struct cpu *self, struct vcpu *v)
{
	if (*(volatile uint32_t *)&v->state != VCPU_RUNNING)
		return EXIT_FINISH;
	return exit_resume(self, v);
}

/* A register x20-x30 the exit reads or writes: those are saved on the slow path only. */
static int exit_needs_frame(uint64_t esr)
{
	unsigned rt = ESR_EC(esr) == EC_SYSREG ? ESR_SYSREG_RT(esr) : ESR_DABT_SRT(esr);

	if (ESR_EC(esr) == EC_SYSREG || (ESR_EC(esr) == EC_DABT_LOW && ESR_DABT_ISV(esr)))
		return rt >= 20 && rt != 31;
	return 0;
}

/*
 * ESR's class for the EXIT record, hidden from GCC: in each case of the
 * switch it would build the constant into the record, up to three
 * instructions, where the register takes one.
 */
static inline uint32_t exit_class(uint64_t esr)
{
	uint32_t ec = ESR_EC(esr);

	__asm__("" : "+r"(ec));
	return ec;
}

/*
 * Inlined into exit_sync: a call and a second prologue on every exit
 * otherwise. The EXIT is written in each case, so that the switch is taken
 * once.
 */
static inline __attribute__((always_inline)) void
exit_sync_handle(struct vcpu *v, struct arch_regs *r, uint64_t esr)
{
	uint32_t ec = exit_class(esr);
	uint64_t ipa;

	v->exits++;
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		trace_exit(v, ec, esr, r->elr);
		smccc_call(v, r->x);
		break;
	case EC_SMC64:
		trace_exit(v, ec, esr, r->elr);
		smccc_call(v, r->x);
		r->elr += 4; /* a trapped SMC returns to itself */
		break;
	case EC_SYSREG:
		trace_exit(v, ec, esr, r->elr);
		exit_sysreg(v, r, esr);
		break;
	case EC_DABT_LOW:
		ipa = exit_fault_ipa(); /* read once: the record and the handler */
		trace_exit(v, ec, esr, ipa);
		exit_data_abort(v, r, esr, ipa);
		break;
	case EC_IABT_LOW:
		ipa = exit_fault_ipa();
		trace_exit(v, ec, esr, ipa);
		exit_fault(v, exit_abort_kind(esr, 1), ipa, esr);
		break;
	case EC_WFX:
		trace_exit(v, ec, esr, r->elr);
		r->elr += 4;
		break;
	default: /* a debugger's: only while a session routes them here (MDCR_EL2.TDE) */
		trace_exit(v, ec, esr, r->elr);
		if (!arch_debug_exit(v, esr))
			exit_fault(v, "unexpected exception", 0, esr);
	}
}

uint32_t exit_sync(struct arch_regs *r)
{
	struct vcpu *v = exit_vcpu();
	uint64_t esr = sysreg_read(esr_el2);

	if (exit_needs_frame(esr))
		return EXIT_HANDLE;
	exit_sync_handle(v, r, esr);
	return exit_return(arch_cpu_this(), v);
}

/*
 * A physical interrupt while the guest ran. The running priority drops at
 * once; an interrupt the guest owns stays active until the guest's EOI
 * deactivates it through its hardware-linked list register. The
 * hypervisor's own (the IPI, the maintenance interrupt, the PMU's) are
 * deactivated here, after cpu_own_irq did what they ask beyond what
 * exit_return does (look at the vCPU's state, refill the list registers).
 * The virtual timer and the IPI usually take exit_vtimer and exit_ipi.
 */
static __attribute__((noinline)) uint32_t exit_irq_any(struct arch_regs *r, struct vcpu *v,
                                                       uint32_t intid)
{
	v->exits++;
	trace_exit(v, VT_EXIT_IRQ, intid, r->elr);
	if (intid != GIC_SPURIOUS) {
		gicv3_eoi(intid);
		if (!vgic_physical_irq(v, intid)) {
			cpu_own_irq(intid);
			gicv3_deactivate(intid);
			if (intid == PLAT_HYP_TIMER_PPI)
				membw_wait(v); /* a regulated vCPU out of budget */
		}
	}
	return exit_return(arch_cpu_this(), v);
}

/*
 * The virtual timer when nothing is unusual (exit_irq_any does the same
 * otherwise): its list register value ready, all of them free, the records
 * inline, both at one counter read (the INJECT as vgic_raise writes it).
 * No call, so no stack frame.
 */
static inline __attribute__((always_inline)) uint32_t exit_vtimer(struct cpu *self, struct vcpu *v,
                                                                  struct arch_regs *r)
{
	uint32_t on = trace_on_read(self), rec = trace_classes(on, VT_CLASS_EXIT | VT_CLASS_IRQ);
	uint64_t ts, lr = vgic_vtimer_lr_ready(v);

	if (!lr)
		return exit_irq_any(r, v, VGIC_VTIMER_INTID);
	if (rec) { /* both records or none: one class of the two alone is rare */
		if (rec != (VT_CLASS_EXIT | VT_CLASS_IRQ))
			return exit_irq_any(r, v, VGIC_VTIMER_INTID);
		ts = arch_counter();
		if (__builtin_expect(!trace_folds(self, ts), 0))
			return exit_irq_any(r, v, VGIC_VTIMER_INTID);
		trace_flight2(self, ts, v->arch.vgic.trace_vtimer[0],
		              trace_exit_b(self, VGIC_VTIMER_INTID, ts), r->elr,
		              v->arch.vgic.trace_vtimer[1], VGIC_VTIMER_INTID, 0);
	}
	gicv3_eoi(VGIC_VTIMER_INTID);
	vgic_lr0_write(lr);
	v->exits++;
	return exit_return(self, v);
}

/*
 * The hypervisor's IPI when it only says "look at your vCPU" (no request
 * for this pCPU), its EXIT inline; exit_irq_any does the same otherwise.
 */
static inline __attribute__((always_inline)) uint32_t exit_ipi(struct cpu *self, struct vcpu *v,
                                                               struct arch_regs *r)
{
	uint64_t ts;

	/* Relaxed, as volatile: cpu_own_irq reads a request again with acquire. */
	if (*(volatile uint32_t *)&self->requests)
		return exit_irq_any(r, v, GIC_SGI_IPI);
	if (trace_classes(trace_on_read(self), VT_CLASS_EXIT)) {
		ts = arch_counter();
		if (__builtin_expect(!trace_folds(self, ts), 0))
			return exit_irq_any(r, v, GIC_SGI_IPI);
		trace_flight(self, ts, v->trace_exit | (uint64_t)VT_EXIT_IRQ << 32,
		             trace_exit_b(self, GIC_SGI_IPI, ts), r->elr);
	}
	gicv3_eoi(GIC_SGI_IPI);
	gicv3_deactivate_nosync(GIC_SGI_IPI); /* the ERET synchronizes */
	v->exits++;
	return exit_return(self, v);
}

uint32_t exit_irq(struct arch_regs *r)
{
	struct cpu *self = arch_cpu_this();
	uint32_t intid = gicv3_ack();

	if (intid == VGIC_VTIMER_INTID)
		return exit_vtimer(self, self->vcpu, r);
	if (intid == GIC_SGI_IPI)
		return exit_ipi(self, self->vcpu, r);
	return exit_irq_any(r, self->vcpu, intid);
}

uint32_t exit_other(struct arch_regs *r)
{
	(void)r;
	trace_enter_flush(exit_vcpu()); /* no EXIT to fold the guest's entry into */
	exit_fault(exit_vcpu(), "SError or FIQ from the guest", 0, sysreg_read(esr_el2));
}

/* With the whole frame: finish what exit_sync, exit_irq or exit_other could not. */
void exit_slow(struct arch_regs *r, uint32_t what)
{
	struct vcpu *v = exit_vcpu();

	if (what == EXIT_HANDLE)
		exit_sync_handle(v, r, sysreg_read(esr_el2));
	vcpu_check_state(v);
	(void)exit_resume(arch_cpu_this(), v);
}

void hyp_exception(struct arch_regs *r, uint64_t kind)
{
	panic("exception %llu in the hypervisor: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
	      (unsigned long long)kind, (unsigned long long)sysreg_read(esr_el2),
	      (unsigned long long)r->elr, (unsigned long long)sysreg_read(far_el2));
}
