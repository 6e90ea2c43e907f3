/*
 * Traps from the guest. Everything a guest can make the hypervisor do
 * starts here: SBI calls, guest-page faults (an emulated device's access,
 * else a fault that stops the VM), virtual instructions, and the
 * hypervisor's own interrupts (its IPI, the timer of a guest's deadline,
 * the PLIC's pass-through sources).
 */
#include "arch.h"
#include "cpu.h"
#include "entry.h"
#include "log.h"
#include "trace.h"
#include "vm.h"
#include "vplic.h"

static int exit_mapped(const struct vm *vm, uint64_t gpa)
{
	uint64_t pa;

	return gpt_lookup(&vm->arch.g, gpa, &pa) != 0;
}

static const char *exit_fault_kind(const struct vm *vm, uint64_t cause, uint64_t gpa)
{
	int mapped = exit_mapped(vm, gpa);

	if (cause == CAUSE_FETCH_GUEST_PAGE)
		return mapped ? "stage-2 fault: instruction fetch from a non-executable page"
		              : "stage-2 fault: instruction fetch outside the VM's memory";
	if (cause == CAUSE_STORE_GUEST_PAGE)
		return mapped ? "stage-2 fault: write to a read-only page"
		              : "stage-2 fault: write outside the VM's memory";
	return mapped ? "stage-2 fault: read not permitted"
	              : "stage-2 fault: read outside the VM's memory";
}

/* The IPI ("look at your vCPU": its state, its requests, which exit_trap's return does), the
 * timer, or a pass-through source. */
static void exit_irq(struct vcpu *v, uint64_t cause)
{
	if (cause == IRQ_S_SOFT)
		csr_clear(sip, 1ul << IRQ_S_SOFT);
	else if (cause == IRQ_S_TIMER)
		vsbi_timer_fired();
	else if (cause == IRQ_S_EXT)
		vplic_physical_irq();
	else
		vm_fault_report(v, "unexpected interrupt", 0, v->regs->sepc, cause | CAUSE_IRQ);
}

void exit_trap(struct arch_regs *r)
{
	struct vcpu *v = arch_cpu_this()->vcpu;
	uint64_t cause = csr_read(scause);

	v->exits++;
	if (cause & CAUSE_IRQ) {
		trace_exit(v, VT_EXIT_IRQ, cause & ~CAUSE_IRQ, r->sepc);
		exit_irq(v, cause & ~CAUSE_IRQ);
	} else if (cause == CAUSE_ECALL_VS) {
		trace_exit(v, (uint32_t)cause, r->x[17], r->sepc);
		r->sepc += 4;
		vsbi_call(v, r);
	} else if (cause == CAUSE_FETCH_GUEST_PAGE || cause == CAUSE_LOAD_GUEST_PAGE ||
	           cause == CAUSE_STORE_GUEST_PAGE) {
		/* htval: the guest-physical address >> 2; stval's low bits complete it. */
		uint64_t gpa = csr_read(htval) << 2 | (csr_read(stval) & 3);
		int handled = 0;

		trace_exit(v, (uint32_t)cause, cause, gpa);
		if (cause != CAUSE_FETCH_GUEST_PAGE && !exit_mapped(v->vm, gpa))
			handled = mmio_emulate(v, r, gpa, cause == CAUSE_STORE_GUEST_PAGE);
		if (handled <= 0)
			vm_fault_report(v,
			                handled ? "unsupported access to an emulated device"
			                        : exit_fault_kind(v->vm, cause, gpa),
			                gpa, r->sepc, cause);
	} else {
		trace_exit(v, (uint32_t)cause, cause, r->sepc);
		vm_fault_report(
		    v, cause == CAUSE_VIRTUAL_INSN ? "virtual instruction" : "unexpected exception",
		    0, r->sepc, cause);
	}
	vcpu_check_state(v);
	vsbi_serve(v);
	vplic_sync(v);
	trace_enter();
}

void hyp_exception(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	panic("exception in the hypervisor: scause 0x%llx sepc 0x%llx stval 0x%llx\n",
	      (unsigned long long)scause, (unsigned long long)sepc, (unsigned long long)stval);
}
