/*
 * The EL1 exception vectors. IRQs taken from EL1 (SP_EL1, where the
 * guests run) go to irq_dispatch with every register the AAPCS lets C
 * clobber saved: x0-x18, x29, x30, and the caller-saved half of FP/SIMD
 * (q0-q7, q16-q31, FPCR, FPSR), since GCC vectorizes integer loops at -O2
 * and a handler may clobber what the interrupted code keeps in them.
 * Everything else is a bug in the guest: rt_exception reports it to the
 * hypervisor, which ends (or restarts) the VM.
 */
#include "reg_pairs.S"

#define FRAME_GPRS 192 /* x0-x18, x29, x30, ELR, SPSR, padding */
#define FRAME_SIZE (FRAME_GPRS + 24 * 16 + 16)

/* The frame's layout, for stp to save and ldp to restore. */
.macro gprs op
	reg_pairs \op, x, 0, 17, sp, 0, 8
	\op	x18, x29, [sp, #144]
.endm

/* x0 = the FP/SIMD half of the frame: the caller-saved q registers. */
.macro fpsimd op
	reg_pairs \op, q, 0, 7, x0, 0, 16
	reg_pairs \op, q, 16, 31, x0, 128, 16
.endm

.macro vector_unexpected n
	.balign 0x80
	mov	x0, #\n
	b	rt_vector_fault
.endm

.text
.balign 2048
.global rt_vectors
rt_vectors:
	/* Current EL with SP_EL0: never used by the guests. */
	vector_unexpected 0
	vector_unexpected 1
	vector_unexpected 2
	vector_unexpected 3
	/* Current EL with SP_ELx */
	vector_unexpected 4	/* synchronous */
	.balign 0x80
	b	rt_irq_el1h
	vector_unexpected 6	/* FIQ: Group 0, never enabled */
	vector_unexpected 7	/* SError */
	/* Lower EL: the guests have no EL0 */
	vector_unexpected 8
	vector_unexpected 9
	vector_unexpected 10
	vector_unexpected 11
	vector_unexpected 12
	vector_unexpected 13
	vector_unexpected 14
	vector_unexpected 15

/* The stack may be what faulted (an overflow into a guard page): take the boot stack's top. */
rt_vector_fault:
	mov	x19, x0
	bl	rt_stack_top
	mov	sp, x0
	mov	x0, x19
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	rt_exception
1:	b	1b

rt_irq_el1h:
	sub	sp, sp, #FRAME_SIZE
	gprs stp
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	add	x0, sp, #FRAME_GPRS
	fpsimd stp
	mrs	x1, fpcr
	mrs	x2, fpsr
	stp	x1, x2, [x0, #384]

	bl	irq_dispatch

	add	x0, sp, #FRAME_GPRS
	ldp	x1, x2, [x0, #384]
	msr	fpcr, x1
	msr	fpsr, x2
	fpsimd ldp
	ldp	x30, x0, [sp, #160]
	ldr	x1, [sp, #176]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	gprs ldp
	add	sp, sp, #FRAME_SIZE
	eret
