/*
 * EL2 exception vectors. While a guest runs, SP_EL2 points at its vCPU's
 * register frame (struct arch_regs, at the top of the pCPU's stack), so an
 * exit saves the guest's registers straight into it and the C handler runs
 * on the stack below. One vCPU per pCPU: EL1 system registers stay live in
 * the CPU and are never switched.
 *
 * An exit saves only what C may clobber (x0-x19, x30, ELR, SPSR; x19 rides
 * along in a pair): C preserves x20-x29 for us. The handler returns 0 to go
 * straight back, or an EXIT_* code (entry.h) when the full frame is wanted
 * (a register above x19 to read, or a vCPU that may be held or parked with
 * its context): then x20-x29 join the frame and exit_slow finishes.
 */
#include "entry.h"
#include "reg_pairs.S"

#define FRAME_ELR 248
#define FRAME_SPSR 256
#define FRAME_SIZE 272

/* The frame's layout (struct arch_regs), for stp to save and ldp to restore. */
.macro x0_x19 op
	reg_pairs \op, x, 0, 19, sp, 0, 8
.endm

.macro x20_x29 op
	reg_pairs \op, x, 20, 29, sp, 16 * 10, 8
.endm

/* x30, ELR (left in elr too), SPSR; x0 = the frame, for the C handler. */
.macro save_lr_elr_spsr elr=x0
	mrs	\elr, elr_el2
	mrs	x1, spsr_el2
	stp	x30, \elr, [sp, #16 * 15]
	str	x1, [sp, #FRAME_SPSR]
	mov	x0, sp
.endm

/* The reverse: x30, ELR and SPSR back from the frame at SP, x0 and x1 used to do it. */
.macro load_lr_elr_spsr
	ldp	x30, x0, [sp, #16 * 15]
	ldr	x1, [sp, #FRAME_SPSR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
.endm

.macro guest_slot handler
.balign 0x80
	x0_x19 stp
	save_lr_elr_spsr
	bl	\handler
	cbnz	w0, exit_slow_path	/* w0: EXIT_DONE or an EXIT_* code (entry.h) */
	b	guest_resume_x0_x19
.endm

/*
 * The synchronous exit, in the copy of exit.c that records its EXIT or the
 * one that does not (x1: this pCPU's struct cpu, x2: its trace_on, which
 * the copy tests for the classes beside EXIT, x3: ELR). Masked, trace_on is
 * stored as last_enter: see trace.h's trace_enter_masked.
 */
.macro guest_sync_slot
.balign 0x80
	x0_x19 stp
	save_lr_elr_spsr x3
	mrs	x1, tpidr_el2
#if ENTRY_TRACED
	ldr	x2, [x1, #ENTRY_CPU_TRACE_ON]
#endif
#if ENTRY_EXIT_TRACED
	tbz	x2, #ENTRY_CLASS_EXIT_BIT, 1f
	bl	exit_sync_traced
	cbnz	w0, exit_slow_path
	b	guest_resume_x0_x19
1:	str	x2, [x1, #ENTRY_CPU_LAST_ENTER]
#endif
	bl	exit_sync_masked
	cbnz	w0, exit_slow_path
	b	guest_resume_x0_x19
.endm

/*
 * An exception taken in the hypervisor itself is a bug: report and stop.
 * hyp_exception returns only for a probe's abort (probe.S), to be resumed.
 */
.macro hyp_slot kind
.balign 0x80
	sub	sp, sp, #FRAME_SIZE
	x0_x19 stp
	x20_x29 stp
	save_lr_elr_spsr
	mov	x1, #\kind
	bl	hyp_exception
	b	hyp_resume
.endm

.section .text.vectors, "ax"
.balign 0x800
.global hyp_vectors
hyp_vectors:
	hyp_slot 0	/* current EL, SP0 */
	hyp_slot 1
	hyp_slot 2
	hyp_slot 3
	hyp_slot 0	/* current EL, SPx */
	hyp_slot 1
	hyp_slot 2
	hyp_slot 3
	guest_sync_slot		/* lower EL, AArch64 */
	guest_slot exit_irq
	guest_slot exit_other
	guest_slot exit_other
	guest_slot exit_other	/* lower EL, AArch32 */
	guest_slot exit_other
	guest_slot exit_other
	guest_slot exit_other

.text
/* The whole frame for exit_slow(frame, w0), then back to the guest. */
exit_slow_path:
	x20_x29 stp
	mov	w1, w0
	mov	x0, sp
	bl	exit_slow

/* Return to the guest whose frame SP points at. */
.global guest_resume
guest_resume:
	x20_x29 ldp
/* The same, when x20-x29 still hold the guest's values. */
guest_resume_x0_x19:
	load_lr_elr_spsr
	x0_x19 ldp
	eret

/* Back into the hypervisor where hyp_exception resumes it, its frame at SP. */
hyp_resume:
	load_lr_elr_spsr
	x0_x19 ldp
	x20_x29 ldp
	add	sp, sp, #FRAME_SIZE
	eret

/* void guest_enter(struct arch_regs *frame): first entry into a vCPU. */
.global guest_enter
guest_enter:
	mov	sp, x0
	b	guest_resume

/* void cpu_switch_stack(void (*fn)(void), uintptr_t sp): never returns. */
.global cpu_switch_stack
cpu_switch_stack:
	mov	sp, x1
	br	x0
