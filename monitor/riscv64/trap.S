/*
 * The monitor's trap vector on riscv64, once it takes interrupts
 * (irq.c): an interrupt is handled by mon_irq_dispatch and returned
 * from, with every register C may clobber saved, FP ones included; any
 * exception is the monitor's end, as rt's own vector has it (rt_exception
 * reports it to the hypervisor, on a stack of its own: sp may be why).
 */
#define MON_TRAP_STACK 0x2000
#define FRAME 304 /* 16 integer, 20 FP registers and fcsr, 16-byte aligned */

.section .text
.balign 4
.global mon_trap
mon_trap:
	csrw	sscratch, t0
	csrr	t0, scause
	bgez	t0, 1f			/* bit 63 clear: an exception */
	csrr	t0, sscratch
	addi	sp, sp, -FRAME
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
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	fsd	ft\n, (128 + \n * 8)(sp)
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	fsd	fa\n, (224 + \n * 8)(sp)
	.endr
	frcsr	t0
	sd	t0, 288(sp)
	call	mon_irq_dispatch
	ld	t0, 288(sp)
	fscsr	t0
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	fld	fa\n, (224 + \n * 8)(sp)
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	fld	ft\n, (128 + \n * 8)(sp)
	.endr
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
	addi	sp, sp, FRAME
	sret
1:	la	sp, mon_trap_stack + MON_TRAP_STACK
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	tail	rt_exception

.section .bss
.balign 16
mon_trap_stack:
	.fill	MON_TRAP_STACK, 1, 0
