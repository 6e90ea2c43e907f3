/*
 * What the core asks of a port that riscv64 does not build yet
 * (docs/riscv.md): the monitor's LLC figures, the debugger, bandwidth
 * regulation, PCIe pass-through.
 * arch_vm_init refuses, at boot, every config that would need them; the
 * functions here are then never reached, and panic if they are, rather
 * than pretend.
 */
#include <vitrine/abi.h>

#include "arch.h"
#include "entry.h"
#include "log.h"
#include "vm.h"

#define NOT_BUILT(what) panic("%s is not built on riscv64\n", what)

/* At boot, per VM: a config that needs what is not built stops here, saying which part. */
void notbuilt_check_vm(const struct vm *vm)
{
	const struct cfg_vm *c = vm->cfg;
	const char *what = 0;

	if (c->flags & CFG_VM_DEBUG)
		what = "debugging (`debug`)";
	else if (cfg_system.monitor_vm == vm->id)
		what = "the monitor";
	else if (c->membw_bytes)
		what = "memory-bandwidth regulation (`membw`)";
	else if (c->nr_pcis)
		what = "PCIe pass-through (`pci`: no IOMMU on riscv64 `virt`)";
	if (what)
		panic("VM %s: %s is not built on riscv64\n", c->name, what);
}

void arch_hyp_timer_at(uint64_t at)
{
	(void)at;
	NOT_BUILT("memory-bandwidth regulation");
}

const volatile struct vt_llc_page *arch_llc_page(void)
{
	NOT_BUILT("memory-bandwidth regulation");
}

void arch_llc_geometry(struct vt_sys_llc *llc)
{
	(void)llc;
	NOT_BUILT("the monitor's LLC figures");
}

void arch_llc_pmu_describe(struct vt_sys *s)
{
	(void)s;
	NOT_BUILT("the monitor's LLC figures");
}

int arch_llc_sample(struct vt_sys *s)
{
	(void)s;
	return SMCCC_NOT_SUPPORTED;
}

void arch_debug_save(struct vcpu *v)
{
	(void)v;
	NOT_BUILT("debugging");
}

void arch_debug_restore(struct vcpu *v, int session, int step)
{
	(void)v;
	(void)session;
	(void)step;
	NOT_BUILT("debugging");
}

void arch_debug_trap(int on)
{
	(void)on;
	NOT_BUILT("debugging");
}

uint64_t *arch_debug_reg(struct vcpu *v, uint32_t n)
{
	(void)v;
	(void)n;
	NOT_BUILT("debugging");
}

int arch_debug_reg_check(uint32_t n, uint64_t value)
{
	(void)n;
	(void)value;
	NOT_BUILT("debugging");
}

uint32_t arch_debug_break_insn(void)
{
	NOT_BUILT("debugging");
}

uint32_t arch_debug_hw_slots(int watch)
{
	(void)watch;
	NOT_BUILT("debugging");
}

int arch_debug_translate(struct vcpu *v, uint64_t va, uint64_t *ipa)
{
	(void)v;
	(void)va;
	(void)ipa;
	NOT_BUILT("debugging");
}

int arch_debug_exit(struct vcpu *v, uint64_t esr)
{
	(void)v;
	(void)esr;
	NOT_BUILT("debugging");
}
