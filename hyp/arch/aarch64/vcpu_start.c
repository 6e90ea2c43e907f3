/*
 * Starting a vCPU: its EL1 state reset to what an Armv8-A core has out of
 * reset (MMU and caches off, no vectors), its identity (MIDR, MPIDR) set,
 * and an ERET into the entry point at EL1h with interrupts masked.
 */
#include <vitrine/trace_fold.h>

#include "arch.h"
#include "cpu.h"
#include "entry.h"
#include "mmu.h"
#include "pmu_llc.h"
#include "sysreg.h"
#include "vm.h"

static void vcpu_reset_el1(void)
{
	sysreg_write(sctlr_el1, 0x30d00800ul); /* RES1 bits only */
	sysreg_write(ttbr0_el1, 0);
	sysreg_write(ttbr1_el1, 0);
	sysreg_write(tcr_el1, 0);
	sysreg_write(mair_el1, 0);
	sysreg_write(amair_el1, 0);
	sysreg_write(vbar_el1, 0);
	sysreg_write(contextidr_el1, 0);
	sysreg_write(cpacr_el1, 0);
	sysreg_write(tpidr_el1, 0);
	sysreg_write(tpidr_el0, 0);
	sysreg_write(tpidrro_el0, 0);
	sysreg_write(sp_el0, 0);
	sysreg_write(sp_el1, 0);
	sysreg_write(elr_el1, 0);
	sysreg_write(spsr_el1, 0);
	sysreg_write(esr_el1, 0);
	sysreg_write(far_el1, 0);
	sysreg_write(afsr0_el1, 0);
	sysreg_write(afsr1_el1, 0);
	sysreg_write(par_el1, 0);
	sysreg_write(cntkctl_el1, 0);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntv_cval_el0, 0);
	fp_regs_zero();
}

/*
 * PMU registers trap (read as zero) unless the VM owns its pCPUs' PMUs (the
 * monitor): then the event counters below HPMN are EL1's (those above are
 * the hypervisor's, pmu_llc.c) and a (re)start finds them all stopped,
 * zero and without interrupts. Its filters leave EL2 out unless the VM
 * sets their NSH bits.
 */
static void vcpu_pmu(const struct vm *vm)
{
	uint64_t mdcr = pmu_llc_mdcr(), mine = (1ull << (mdcr & MDCR_HPMN_MASK)) - 1;

	if (!vm->pmu || !(mdcr & MDCR_HPMN_MASK)) { /* not its PMU, or no PMU at all */
		sysreg_write(mdcr_el2, MDCR_TRAP_DEBUG | MDCR_TPM | mdcr);
		return;
	}
	sysreg_write(mdcr_el2, MDCR_TRAP_DEBUG | mdcr);
	mine |= 1ull << 31; /* the cycle counter */
	sysreg_write(pmcntenclr_el0, mine);
	sysreg_write(pmintenclr_el1, mine);
	sysreg_write(pmovsclr_el0, mine);
	for (uint32_t i = 0; i < (mdcr & MDCR_HPMN_MASK); i++) {
		sysreg_write(pmselr_el0, i);
		isb();
		sysreg_write(pmxevcntr_el0, 0);
	}
	sysreg_write(pmuserenr_el0, 0);
	sysreg_write(pmselr_el0, 0);
	sysreg_write(pmccfiltr_el0, 0);
	sysreg_write(pmcr_el0, PMCR_C); /* not P: at EL2 it would zero the hypervisor's too */
}

void arch_vcpu_start(struct vcpu *v)
{
	struct arch_regs *r = arch_vcpu_frame(v->pcpu);

	v->regs = r;
	s2_activate(v->vm);
	vcpu_reset_el1();
	vcpu_pmu(v->vm);
	if (__atomic_load_n(&v->vm->debug.attached, __ATOMIC_ACQUIRE))
		arch_debug_trap(1); /* started within a session: its breakpoints trap too */
	vgic_vcpu_reset(v);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vmpidr_el2, (1ul << 31) | v->id);
	for (int i = 0; i < 31; i++)
		r->x[i] = 0;
	r->x[0] = v->context;
	r->elr = v->entry;
	r->spsr = SPSR_EL1H_MASKED;
	arch_cpu_this()->last_enter = VT_ENTER_NONE; /* a first entry: no ENTER, as in format 1 */
	isb();
	guest_enter(r);
}
