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
static inline __attribute__((always_inline)) void
exit_sysreg(int framed, struct vcpu *v, struct arch_regs *r, uint64_t esr, uint64_t elr)
{
	unsigned rt = ESR_SYSREG_RT(esr);
	int xzr = framed && rt == 31; /* unframed, rt is one of x0-x19 (exit_sync_handle) */
	int read = ESR_SYSREG_READ(esr);

	r->elr = elr + 4;

	if ((esr & SYSREG_ISS_MASK) == ICC_SGI1R_ISS && !read)
		vgic_sgi_write(v, xzr ? 0 : r->x[rt]);
	else if (read && !xzr)
		r->x[rt] = 0;
	v->sysreg_traps++;
}

/* The flush, out of line: the inline exit paths then make no call of their own. */
static __attribute__((noinline)) uint32_t exit_flush(struct vcpu *v)
{
	vgic_flush(v);
	trace_enter();
	return EXIT_DONE;
}

/* The same for an exit with EXIT masked, which keeps no time (see exit_resume). */
static __attribute__((noinline)) uint32_t exit_flush_masked(struct vcpu *v)
{
	vgic_flush(v);
	return EXIT_DONE;
}

/*
 * Back to the guest with its interrupts in list registers. pending_any is
 * read relaxed, as volatile (an atomic load costs an ADD): vgic_flush's
 * exchange orders what it reads after. traced: the exit found EXIT
 * recorded; a constant in each copy of an exit (exit_sync_kind), so a
 * masked exit (which stored trace_enter_masked's "none" as it began) keeps
 * no time on its way back, nor tests anything for it.
 */
static inline uint32_t exit_resume(struct vcpu *v, int traced)
{
	if (*(volatile uint32_t *)&v->arch.vgic.pending_any)
		return traced ? exit_flush(v) : exit_flush_masked(v);
	if (traced)
		trace_enter(); /* self again: kept from the exit, it would take a register pair */
	return EXIT_DONE;
}

/*
 * The way back, if the vCPU is still meant to run; if not, exit_slow holds
 * or parks it, reading the state again with acquire (vcpu_check_state).
 * RUNNING was stored by this pCPU: relaxed is enough to see it.
 */
static inline uint32_t exit_return(struct vcpu *v, int traced)
{
	if (__builtin_expect(*(volatile uint32_t *)&v->state != VCPU_RUNNING, 0))
		return EXIT_FINISH;
	return exit_resume(v, traced);
}

/*
 * A register x20-x30 (rt) the exit reads or writes: those are saved on the
 * slow path only, so the exit without them (framed 0) leaves it to that.
 */
static inline __attribute__((always_inline)) int exit_needs_frame(int framed, unsigned rt)
{
	return !framed && rt >= 20 && rt != 31;
}

_Static_assert(__builtin_offsetof(struct cpu, trace_on) == ENTRY_CPU_TRACE_ON, "vectors.S");
_Static_assert(__builtin_offsetof(struct cpu, last_enter) == ENTRY_CPU_LAST_ENTER, "vectors.S");
_Static_assert(VT_CLASS_EXIT == 1u << ENTRY_CLASS_EXIT_BIT, "vectors.S");
_Static_assert(ENTRY_TRACED == !!VT_TRACE_CLASSES, "vectors.S");
_Static_assert(ENTRY_EXIT_TRACED == !!(VT_TRACE_CLASSES & VT_CLASS_EXIT), "vectors.S");

/*
 * The EXIT, in the copy of an exit that records it (traced: a constant
 * there). Its second word is v's for the class (exit_vcpu_init): in each
 * case of the switch, one load at a constant offset.
 */
static inline __attribute__((always_inline)) void
exit_record(struct cpu *self, int traced, const struct vcpu *v, uint64_t esr, uint64_t c)
{
	if (traced)
		trace_exit_word(self, v->arch.trace_exit[ESR_EC(esr)], esr, c);
}

void exit_vcpu_init(struct vcpu *v)
{
	for (uint64_t ec = 0; ec < ARCH_EXIT_CLASSES; ec++)
		v->arch.trace_exit[ec] = v->trace_exit | ec << 32;
}

/*
 * Inlined into exit_sync_traced and exit_sync_masked: a call and a second
 * prologue on every exit otherwise. The EXIT is written in each case, so
 * that the switch is taken once.
 */
/* The call, with its record or not, as on says (the exit's trace_on). */
static inline __attribute__((always_inline)) void exit_call(uint64_t on, struct vcpu *v,
                                                            uint64_t *x)
{
	if (trace_classes(on, VT_CLASS_CALL))
		smccc_call(v, x);
	else
		smccc_call_quiet(v, x);
}

static inline __attribute__((always_inline)) uint32_t
exit_sync_handle(struct cpu *self, int traced, uint64_t on, int framed, struct vcpu *v,
                 struct arch_regs *r, uint64_t esr, uint64_t elr)
{
	uint64_t ipa;

	switch (ESR_EC(esr)) {
	case EC_SYSREG: /* XZR too, rare here: the fast path's rt is then one of x0-x19 */
		if (!framed && ESR_SYSREG_RT(esr) >= 20)
			return EXIT_HANDLE;
		break;
	case EC_DABT_LOW:
		if (ESR_DABT_ISV(esr) && exit_needs_frame(framed, ESR_DABT_SRT(esr)))
			return EXIT_HANDLE;
		break;
	}
	v->exits++;
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		exit_record(self, traced, v, esr, elr);
		exit_call(on, v, r->x);
		break;
	case EC_SMC64:
		exit_record(self, traced, v, esr, elr);
		exit_call(on, v, r->x);
		r->elr += 4; /* a trapped SMC returns to itself */
		break;
	case EC_SYSREG:
		exit_record(self, traced, v, esr, elr);
		exit_sysreg(framed, v, r, esr, elr);
		break;
	case EC_DABT_LOW:
		ipa = exit_fault_ipa(); /* read once: the record and the handler */
		exit_record(self, traced, v, esr, ipa);
		exit_data_abort(v, r, esr, ipa);
		break;
	case EC_IABT_LOW:
		ipa = exit_fault_ipa();
		exit_record(self, traced, v, esr, ipa);
		exit_fault(v, exit_abort_kind(esr, 1), ipa, esr);
		break;
	case EC_WFX:
		exit_record(self, traced, v, esr, elr);
		r->elr = elr + 4;
		break;
	default: /* a debugger's: only while a session routes them here (MDCR_EL2.TDE) */
		exit_record(self, traced, v, esr, elr);
		if (!arch_debug_exit(v, esr))
			exit_fault(v, "unexpected exception", 0, esr);
	}
	return EXIT_DONE;
}

static inline __attribute__((always_inline)) uint32_t
exit_sync_copy(struct arch_regs *r, struct cpu *self, int traced, uint64_t on, uint64_t elr)
{
	struct vcpu *v = self->vcpu;

	if (exit_sync_handle(self, traced, on, 0, v, r, sysreg_read(esr_el2), elr) == EXIT_HANDLE)
		return EXIT_HANDLE;
	return exit_return(v, traced);
}

/*
 * A synchronous exit is compiled twice, and the vector takes one copy or
 * the other on trace_on's EXIT bit (vectors.S): a masked exit then pays
 * that load and that branch, and the store of the word it loaded as
 * last_enter (trace_enter_masked), with no other test and no other
 * register kept.
 */
uint32_t exit_sync_traced(struct arch_regs *r, struct cpu *self, uint64_t on, uint64_t elr)
{
	return exit_sync_copy(r, self, 1, on, elr);
}

uint32_t exit_sync_masked(struct arch_regs *r, struct cpu *self, uint64_t on, uint64_t elr)
{
	return exit_sync_copy(r, self, 0, VT_TRACE_CLASSES ? on : 0, elr);
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
	struct cpu *self = arch_cpu_this();
	uint64_t on = VT_TRACE_CLASSES & VT_CLASS_EXIT ? trace_on_read(self) : 0;
	int traced = trace_classes(on, VT_CLASS_EXIT) != 0;

	v->exits++;
	if (traced)
		trace_exit_on(self, v, VT_EXIT_IRQ, intid, r->elr);
	else
		trace_enter_masked(self, on);
	if (intid != GIC_SPURIOUS) {
		gicv3_eoi(intid);
		if (!vgic_physical_irq(v, intid)) {
			cpu_own_irq(intid);
			gicv3_deactivate(intid);
			if (intid == PLAT_HYP_TIMER_PPI)
				membw_wait(v); /* a regulated vCPU out of budget */
		}
	}
	return exit_return(v, traced);
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
	uint64_t on = VT_TRACE_CLASSES & (VT_CLASS_EXIT | VT_CLASS_IRQ) ? trace_on_read(self) : 0;
	uint64_t ts, lr = vgic_vtimer_lr_ready(v);
	uint32_t rec = trace_classes(on, VT_CLASS_EXIT | VT_CLASS_IRQ);

	if (!lr)
		return exit_irq_any(r, v, VGIC_VTIMER_INTID);
	if (!rec) {
		trace_enter_masked(self, on);
		gicv3_eoi(VGIC_VTIMER_INTID);
		vgic_lr0_write(lr);
		v->exits++;
		return exit_return(v, 0);
	}
	/* Both records, or exit_irq_any: one class of the two alone is rare. */
	if (rec != (VT_CLASS_EXIT | VT_CLASS_IRQ))
		return exit_irq_any(r, v, VGIC_VTIMER_INTID);
	ts = arch_counter();
	if (__builtin_expect(!trace_folds(self, ts), 0))
		return exit_irq_any(r, v, VGIC_VTIMER_INTID);
	trace_flight2(self, ts, v->arch.vgic.trace_vtimer[0],
	              trace_exit_b(self, VGIC_VTIMER_INTID, ts), r->elr,
	              v->arch.vgic.trace_vtimer[1], VGIC_VTIMER_INTID, 0);
	gicv3_eoi(VGIC_VTIMER_INTID);
	vgic_lr0_write(lr);
	v->exits++;
	return exit_return(v, 1);
}

/*
 * The hypervisor's IPI when it only says "look at your vCPU" (no request
 * for this pCPU), its EXIT inline; exit_irq_any does the same otherwise.
 */
static inline __attribute__((always_inline)) uint32_t exit_ipi(struct cpu *self, struct vcpu *v,
                                                               struct arch_regs *r)
{
	uint64_t ts, on;

	/* Relaxed, as volatile: cpu_own_irq reads a request again with acquire. */
	if (*(volatile uint32_t *)&self->requests)
		return exit_irq_any(r, v, GIC_SGI_IPI);
	on = VT_TRACE_CLASSES & VT_CLASS_EXIT ? trace_on_read(self) : 0;
	if (!trace_classes(on, VT_CLASS_EXIT)) {
		trace_enter_masked(self, on);
		gicv3_eoi(GIC_SGI_IPI);
		gicv3_deactivate_nosync(GIC_SGI_IPI); /* the ERET synchronizes */
		v->exits++;
		return exit_return(v, 0);
	}
	ts = arch_counter();
	if (__builtin_expect(!trace_folds(self, ts), 0))
		return exit_irq_any(r, v, GIC_SGI_IPI);
	trace_flight(self, ts, v->trace_exit | (uint64_t)VT_EXIT_IRQ << 32,
	             trace_exit_b(self, GIC_SGI_IPI, ts), r->elr);
	gicv3_eoi(GIC_SGI_IPI);
	gicv3_deactivate_nosync(GIC_SGI_IPI);
	v->exits++;
	return exit_return(v, 1);
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

/* With the whole frame: finish what exit_sync_*, exit_irq or exit_other could not. */
void exit_slow(struct arch_regs *r, uint32_t what)
{
	struct cpu *self = arch_cpu_this();
	struct vcpu *v = self->vcpu;
	uint64_t on = VT_TRACE_CLASSES ? trace_on_read(self) : 0;

	if (what == EXIT_HANDLE)
		(void)exit_sync_handle(self, trace_classes(on, VT_CLASS_EXIT) != 0, on, 1, v, r,
		                       sysreg_read(esr_el2), r->elr);
	vcpu_check_state(v);
	(void)exit_resume(v, 1); /* a counter is always a right last_enter */
}

/*
 * A data abort of arch_probe_read32's load (probe.S) is its answer: nothing
 * is there. Anything else the hypervisor takes is a bug.
 */
void hyp_exception(struct arch_regs *r, uint64_t kind)
{
	extern char probe_read32_load[], probe_read32_fault[];

	if (kind == 0 && ESR_EC(sysreg_read(esr_el2)) == EC_DABT_CUR &&
	    r->elr == (uintptr_t)probe_read32_load) {
		r->elr = (uintptr_t)probe_read32_fault;
		return;
	}
	panic("exception %llu in the hypervisor: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
	      (unsigned long long)kind, (unsigned long long)sysreg_read(esr_el2),
	      (unsigned long long)r->elr, (unsigned long long)sysreg_read(far_el2));
}
