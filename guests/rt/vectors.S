/*
 * The EL1 exception vectors. IRQs taken from EL1 (SP_EL1, where the
 * guests run) go to irq_dispatch with every register the AAPCS lets C
 * clobber saved: x0-x18, x29, x30, and the caller-saved half of FP/SIMD
 * (q0-q7, q16-q31, FPCR, FPSR), since GCC vectorizes integer loops at -O2
 * and a handler may clobber what the interrupted code keeps in them.
 * Everything else is a bug in the guest: rt_exception reports it to the
 * hypervisor, which ends (or restarts) the VM.
 */
#define FRAME_GPRS 192 /* x0-x18, x29, x30, ELR, SPSR, padding */
#define FRAME_SIZE (FRAME_GPRS + 24 * 16 + 16)

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
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	add	x0, sp, #FRAME_GPRS
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q16, q17, [x0, #128]
	stp	q18, q19, [x0, #160]
	stp	q20, q21, [x0, #192]
	stp	q22, q23, [x0, #224]
	stp	q24, q25, [x0, #256]
	stp	q26, q27, [x0, #288]
	stp	q28, q29, [x0, #320]
	stp	q30, q31, [x0, #352]
	mrs	x1, fpcr
	mrs	x2, fpsr
	stp	x1, x2, [x0, #384]

	bl	irq_dispatch

	add	x0, sp, #FRAME_GPRS
	ldp	x1, x2, [x0, #384]
	msr	fpcr, x1
	msr	fpsr, x2
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q16, q17, [x0, #128]
	ldp	q18, q19, [x0, #160]
	ldp	q20, q21, [x0, #192]
	ldp	q22, q23, [x0, #224]
	ldp	q24, q25, [x0, #256]
	ldp	q26, q27, [x0, #288]
	ldp	q28, q29, [x0, #320]
	ldp	q30, q31, [x0, #352]
	ldp	x30, x0, [sp, #160]
	ldr	x1, [sp, #176]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	add	sp, sp, #FRAME_SIZE
	eret
