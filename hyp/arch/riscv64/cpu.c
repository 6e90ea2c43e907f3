/*
 * Per-pCPU set-up in HS-mode, bringing up the other harts (SBI HSM), IPIs
 * (SBI IPI, taken as the supervisor software interrupt), power-off (SRST).
 */
#include "arch.h"
#include "cpu.h"
#include "entry.h"
#include "layout.h"
#include "log.h"
#include "mmu.h"
#include "sbi.h"
#include "trace.h"
#include "plic.h"
#include "uart.h"
#include "vm.h"
#include "vplic.h"

uint8_t cpu_stacks[PLAT_CPU_NUM][CPU_STACK_SIZE] __attribute__((aligned(16)));

/* The frame of the vCPU on this pCPU sits at the top of its stack. */
static struct arch_regs *cpu_frame(uint32_t id)
{
	return (struct arch_regs *)(cpu_stacks[id] + CPU_STACK_SIZE) - 1;
}

/* The vCPU's timer and virtual interrupts quiet. */
static void cpu_guest_quiet(void)
{
	sbi_call(SBI_EXT_TIME, 0, ~0ul, 0, 0);
	csr_write(hvip, 0);
}

void arch_cpu_init(struct cpu *c)
{
	__asm__ volatile("mv tp, %0" ::"r"(c));
	cpu_frame(c->id)->cpu = (uintptr_t)c;
	if (c->id == 0)
		mmu_init();
	mmu_enable();
	if (c->id == 0)
		plic_init();
	plic_cpu_init();
	vplic_cpu_online(c->id);
	csr_write(hedeleg, HEDELEG_GUEST);
	csr_write(hideleg, HIDELEG_GUEST);
	csr_write(hcounteren, HCOUNTEREN_TM);
	csr_write(htimedelta, 0);
	/* No Sstc for guests: QEMU 7.2 loses vstimecmp's interrupts at times (riscv.md). */
	csr_write(henvcfg, 0);
	cpu_guest_quiet();
	/* The hypervisor's own interrupts: its IPI, its timer (a guest's deadline), the PLIC. */
	csr_write(sie, (1ul << IRQ_S_SOFT) | (1ul << IRQ_S_TIMER) | (1ul << IRQ_S_EXT));
}

static void cpu_send_ipi(uint32_t pcpu)
{
	sbi_call(SBI_EXT_IPI, 0, 1ul << pcpu, 0, 0);
}

/* The hart's HSM state as OpenSBI has it (SBI_HSM_*), or -1. */
static long cpu_hart_status(uint32_t id)
{
	struct sbi_ret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, id, 0, 0);

	return r.error ? -1 : r.value;
}

/*
 * Start hart id at boot_secondary and wait until it has left the firmware.
 * OpenSBI 1.1 under QEMU 7.2 now and then leaves a started hart waiting
 * (about once in a hundred boots: hart_start fails, or succeeds and the
 * hart never comes), so the start is asked again, and the hart nudged
 * with an IPI, for up to CPU_START_TRIES milliseconds.
 */
#define CPU_START_TRIES 200

int arch_cpu_start(uint32_t id)
{
	uint64_t ms = arch_counter_freq() / 1000;

	for (int i = 0; i < CPU_START_TRIES; i++) {
		uint64_t t0 = arch_counter();
		long state = cpu_hart_status(id);

		if (state == SBI_HSM_STARTED)
			return 0;
		if (state == SBI_HSM_STOPPED)
			sbi_call(SBI_EXT_HSM, SBI_HSM_START, id, (uintptr_t)boot_secondary, 0);
		else
			cpu_send_ipi(id);
		while (arch_counter() - t0 < ms)
			arch_cpu_relax();
	}
	log_printf("hart %u did not leave the firmware (HSM state %ld)\n", id, cpu_hart_status(id));
	return -1;
}

/* Nothing of the boot to undo: the hypervisor ran at its final addresses from the start. */
/* No PCIe scan: notbuilt_check_vm refused every VM with a `pci` function. */
void arch_devices_init(void)
{
}

void arch_boot_done(void)
{
}

void arch_power_off(void)
{
	uart_drain();
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void arch_ipi_send(uint32_t pcpu)
{
	trace_emit(VT_CLASS_IRQ, VT_EV_IPI, VT_NONE, VT_NONE, pcpu, 0, 0);
	cpu_send_ipi(pcpu);
}

/*
 * Sleep until another pCPU's IPI: WFI wakes on any interrupt enabled in
 * sie, though SIE keeps it from being taken; the IPI's pending bit is
 * cleared here (callers look again at what they wait for).
 */
void arch_cpu_idle(void)
{
	__asm__ volatile("wfi" ::: "memory");
	csr_clear(sip, 1ul << IRQ_S_SOFT);
}

void arch_cpu_wake(uint32_t pcpu)
{
	if (pcpu != arch_cpu_this()->id)
		cpu_send_ipi(pcpu);
}

/* Back to vcpu_loop with the vCPU's timer and interrupts quiet. */
void arch_cpu_park(void)
{
	cpu_guest_quiet();
	cpu_switch_stack(vcpu_loop, (uintptr_t)cpu_frame(arch_cpu_this()->id));
}

/*
 * Starting a vCPU: VS-mode state as a hart has it out of reset (no
 * translation, no vectors, interrupts off), a0 its hart ID (its index in
 * the VM) and a1 the context (the VM's arg, or SBI hart_start's opaque),
 * and an SRET into VS-mode at its entry.
 */
void arch_vcpu_start(struct vcpu *v)
{
	struct arch_regs *r = cpu_frame(v->pcpu);

	v->regs = r;
	gstage_activate(v->vm);
	csr_write(vsstatus, 0);
	csr_write(vsie, 0);
	csr_write(vstvec, 0);
	csr_write(vsscratch, 0);
	csr_write(vsepc, 0);
	csr_write(vscause, 0);
	csr_write(vstval, 0);
	csr_write(vsatp, 0);
	cpu_guest_quiet();
	__asm__ volatile("fence.i" ::: "memory");
	csr_set(hstatus, HSTATUS_SPV | HSTATUS_SPVP);
	csr_set(sstatus, SSTATUS_SPP | SSTATUS_FS_INITIAL);
	for (int i = 0; i < 32; i++)
		r->x[i] = 0;
	r->x[10] = v->id;
	r->x[11] = v->context;
	r->sepc = v->entry;
	arch_cpu_this()->last_enter = VT_ENTER_NONE; /* a first entry: no ENTER, as in format 1 */
	vsbi_serve(v); /* an IPI sent while it was starting is pending as it starts */
	vplic_sync(v);
	guest_resume(r);
}
