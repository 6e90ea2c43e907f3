/* Per-pCPU set-up at EL2, bringing up the other pCPUs, IPIs, power-off. */
#include "arch.h"
#include "cpu.h"
#include "entry.h"
#include "gicv3.h"
#include "layout.h"
#include "membw.h"
#include "mmu.h"
#include "pcie.h"
#include "uart.h"
#include "pmu_llc.h"
#include "smmuv3.h"
#include "sysreg.h"
#include "trace.h"
#include "vuart.h"
#include "vm.h"

#define FW_PSCI_CPU_ON 0xC4000003ul
#define FW_PSCI_SYSTEM_OFF 0x84000008ul

uint8_t cpu_stacks[PLAT_CPU_NUM][CPU_STACK_SIZE] __attribute__((aligned(16)));

/* QEMU's built-in PSCI answers SMC from EL2. */
static int64_t fw_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
	                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
	                 :
	                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
	                   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

/* The frame of the vCPU on this pCPU sits at the top of its stack. */
static struct arch_regs *cpu_frame(uint32_t id)
{
	return (struct arch_regs *)(cpu_stacks[id] + CPU_STACK_SIZE) - 1;
}

/* The host bridge's functions, given to their VMs behind the SMMU (pcie.c). */
void arch_devices_init(void)
{
	pcie_init();
}

void arch_cpu_init(struct cpu *c)
{
	sysreg_write(tpidr_el2, c);
	if (c->id == 0) {
		mmu_init();
		gicv3_init_dist();
	}
	gicv3_init_cpu(c->id);
	pmu_llc_cpu_init(c->id);
	sysreg_write(cnthp_ctl_el2, 0); /* off until a regulated vCPU starts (membw.c) */
	gicv3_ppi_enable(c->id, PLAT_HYP_TIMER_PPI);
	/* FP/SIMD for guests, trace registers trapped (bits 13,12,9,7:0 are RES1). */
	sysreg_write(cptr_el2, 0x33ffu | (1u << 20));
	/*
	 * Debug and PMU registers trap (TDRA, TDOSA, TDA, TPM): other VMs are visible there.
	 * A VM that owns its pCPUs' PMUs gets them when its vCPU starts (vcpu_start.c);
	 * the counters from HPMN up are the hypervisor's (pmu_llc.c).
	 */
	sysreg_write(mdcr_el2, MDCR_TRAP_DEBUG | MDCR_TPM | pmu_llc_mdcr());
	/* Guests read the physical counter; the EL1 physical timer is not theirs. */
	sysreg_write(cnthctl_el2, 1u);
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(hcr_el2, HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_BSU_IS |
	                          HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW);
	isb();
}

int arch_cpu_start(uint32_t id)
{
	uint64_t entry = (uintptr_t)boot_secondary - HYP_VA_OFFSET;

	return fw_smc(FW_PSCI_CPU_ON, id, entry, id) == 0 ? 0 : -1;
}

void arch_power_off(void)
{
	uart_drain();
	fw_smc(FW_PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfe();
}

void arch_ipi_send(uint32_t pcpu)
{
	trace_emit(VT_CLASS_IRQ, VT_EV_IPI, VT_NONE, VT_NONE, pcpu, 0, 0);
	gicv3_send_sgi(pcpu, GIC_SGI_IPI);
}

void cpu_own_irq(uint32_t intid)
{
	/* The IPI's other meaning, "look at your vCPU", needs nothing here. */
	if (intid == GIC_SGI_IPI &&
	    __atomic_load_n(&arch_cpu_this()->requests, __ATOMIC_ACQUIRE) & CPU_REQ_LLC_SAMPLE)
		pmu_llc_serve();
	else if (intid == PLAT_PMU_PPI)
		pmu_llc_overflow(); /* level-triggered: cleared before it is deactivated */
	else if (intid == PLAT_UART_INTID)
		vuart_uart_irq(); /* the `input` VM's: emptied or masked before it is deactivated */
	else if (intid == PLAT_SMMU_EVENTQ_INTID)
		smmu_event_irq(); /* edge: the queue is drained, later events raise it again */
	else if (intid == PLAT_HYP_TIMER_PPI)
		membw_tick(); /* level-triggered: re-armed or stopped before it is deactivated */
}

void arch_hyp_timer_at(uint64_t at)
{
	if (at) {
		sysreg_write(cnthp_cval_el2, at);
		sysreg_write(cnthp_ctl_el2, 1); /* ENABLE, not IMASK */
	} else {
		sysreg_write(cnthp_ctl_el2, 0);
	}
	isb();
}

/*
 * Sleep until another pCPU wakes this one with an IPI. WFI, not WFE: the
 * core (and QEMU, which then skips idle time under -icount) sees an idle
 * CPU. Guest interrupts are held off by the priority mask meanwhile, so
 * only the hypervisor's own interrupts (its IPI, the PMU's overflow, the SMMU's events) wake
 * it, and are handled here.
 */
void arch_cpu_idle(void)
{
	uint32_t intid;

	sysreg_write(ICC_PMR_EL1, GIC_GUEST_PRIO);
	isb();
	__asm__ volatile("wfi" ::: "memory");
	intid = sysreg_read(icc_hppir1_el1) & 0xffffff;
	if (intid == GIC_SGI_IPI || intid == PLAT_PMU_PPI || intid == PLAT_SMMU_EVENTQ_INTID ||
	    intid == PLAT_HYP_TIMER_PPI) {
		intid = gicv3_ack();
		gicv3_eoi(intid);
		cpu_own_irq(intid);
		gicv3_deactivate(intid);
	}
	sysreg_write(ICC_PMR_EL1, 0xff);
}

void arch_cpu_wake(uint32_t pcpu)
{
	if (pcpu != arch_cpu_this()->id)
		gicv3_send_sgi(pcpu, GIC_SGI_IPI);
}

/* Back to vcpu_loop with the vCPU's timer and interrupt interface quiet. */
void arch_cpu_park(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cnthp_ctl_el2, 0); /* a regulated vCPU's tick: membw_start sets it again */
	sysreg_write(ich_hcr_el2, 0);
	cpu_switch_stack(vcpu_loop, (uintptr_t)cpu_frame(arch_cpu_this()->id));
}

struct arch_regs *arch_vcpu_frame(uint32_t pcpu)
{
	return cpu_frame(pcpu);
}
