/*
 * Guest entry in VS-mode (S-mode natively), translation off, a0 = the hart
 * ID (the vCPU's index). vCPU 0 arrives at _start with the VM's `arg` in
 * a1; the others at rt_secondary_start (SBI hart_start) with a function
 * pointer in a1. tp keeps the hart ID; stvec catches every trap (rt_trap);
 * FP is on.
 */
#define STACK_SIZE 0x4000

.section .text.boot, "ax"
.global _start
_start:
	rdtime	s2			/* the VM's first instruction: for bench/boot.sh */
	mv	s1, a1
	call	rt_cpu_setup
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, (t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, rt_entry_ticks
	sd	s2, (t0)
	mv	a0, s1
	call	rt_main
3:	wfi
	j	3b

.global rt_secondary_start
rt_secondary_start:
	mv	s1, a1
	call	rt_cpu_setup
	mv	a0, s1
	call	rt_secondary_main
4:	wfi
	j	4b

/* a0 = hart ID: tp, the stack by hart ID, the trap vector, FP. No stack used; ra kept. */
rt_cpu_setup:
	mv	tp, a0
	li	t0, 1 << 13		/* sstatus.FS: Initial */
	csrs	sstatus, t0
	fscsr	zero
	la	sp, rt_stacks
	li	t0, STACK_SIZE
	addi	t1, a0, 1
	mul	t1, t1, t0
	add	sp, sp, t1
	la	t0, rt_trap
	csrw	stvec, t0
	ret

/*
 * rt_wait_irq: sleep until an interrupt enabled in sie is taken, and return
 * its scause. The trap lands at 1: (sstatus.SIE off again, as any trap
 * leaves it) and the code runs on from there; nothing else can trap
 * between. Interrupts stay pending until their source is quietened.
 */
.global rt_wait_irq
rt_wait_irq:
	la	t0, 1f
	csrw	stvec, t0
	csrsi	sstatus, 2
0:	wfi
	j	0b
.balign 4
1:	csrr	a0, scause
	la	t0, rt_trap
	csrw	stvec, t0
	ret

/*
 * An interrupt goes to rt_irq (intc.c) on the stack it came on, the
 * registers a C call may change saved around it (no FP ones: handlers are
 * integer code, and GCC has no vector unit to put it in). Every other trap is the
 * end of this VM: rt_exception says so, on a fresh stack (sp may be why).
 */
.balign 4
rt_trap:
	csrw	sscratch, t0
	csrr	t0, scause
	bltz	t0, rt_trap_irq
	la	sp, rt_trap_stack + STACK_SIZE
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	tail	rt_exception

rt_trap_irq:
	csrr	t0, sscratch
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t1, 16(sp)
	sd	t2, 24(sp)
	sd	t3, 32(sp)
	sd	t4, 40(sp)
	sd	t5, 48(sp)
	sd	t6, 56(sp)
	sd	a0, 64(sp)
	sd	a1, 72(sp)
	sd	a2, 80(sp)
	sd	a3, 88(sp)
	sd	a4, 96(sp)
	sd	a5, 104(sp)
	sd	a6, 112(sp)
	sd	a7, 120(sp)
	csrr	a0, scause
	call	rt_irq
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t1, 16(sp)
	ld	t2, 24(sp)
	ld	t3, 32(sp)
	ld	t4, 40(sp)
	ld	t5, 48(sp)
	ld	t6, 56(sp)
	ld	a0, 64(sp)
	ld	a1, 72(sp)
	ld	a2, 80(sp)
	ld	a3, 88(sp)
	ld	a4, 96(sp)
	ld	a5, 104(sp)
	ld	a6, 112(sp)
	ld	a7, 120(sp)
	addi	sp, sp, 128
	sret

.section .bss.stacks, "aw", %nobits
.balign 16
.global rt_stacks
rt_stacks:
	.fill	8 * STACK_SIZE, 1, 0
rt_trap_stack:
	.fill	STACK_SIZE, 1, 0
