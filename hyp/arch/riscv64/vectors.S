/*
 * Traps into HS-mode. While a guest runs, sscratch holds its vCPU's frame
 * (struct arch_regs, at the top of the pCPU's stack); while the hypervisor
 * runs it holds 0, so a trap of the hypervisor's own is told apart and
 * ends in a panic. Every trap from a guest saves all its registers, sets
 * tp to this pCPU's struct cpu and calls exit_trap on the stack below the
 * frame; the way back (guest_resume) restores them and returns with SRET.
 */
#include "layout.h"

#define REG(n) (8 * (n))
#define SEPC (8 * 32)
#define CPU (8 * 33)

/* x1 and x3-x31 (sp is x2, handled apart). */
.macro regs op
	\op	x1, REG(1)(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	\op	x\n, REG(\n)(sp)
	.endr
.endm

.section .text
.balign 4
.global hyp_trap
hyp_trap:
	csrrw	sp, sscratch, sp
	beqz	sp, hyp_self_trap
	regs	sd
	csrr	t0, sscratch
	sd	t0, REG(2)(sp)
	csrw	sscratch, zero
	csrr	t0, sepc
	sd	t0, SEPC(sp)
	ld	tp, CPU(sp)
	mv	a0, sp
	call	exit_trap
	mv	a0, sp
/* a0 = the frame, which is also where sp belongs under it. */
.global guest_resume
guest_resume:
	mv	sp, a0
	ld	t0, SEPC(sp)
	csrw	sepc, t0
	csrw	sscratch, sp
	regs	ld
	ld	sp, REG(2)(sp)
	sret

hyp_self_trap:
	csrrw	sp, sscratch, sp	/* the hypervisor's sp back, sscratch 0 again */
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	tail	hyp_exception

/* cpu_switch_stack(fn, sp): continue in fn on a fresh stack. */
.global cpu_switch_stack
cpu_switch_stack:
	mv	sp, a1
	jr	a0

/*
 * mmio_insn_parcel(va): 16 bits of guest code through the guest's own
 * translation (HLVX.HU), or -1 if that traps (another vCPU may change the
 * guest's page tables meanwhile): the trap comes back to 1: with stvec
 * swapped for the one load. A trap in HS-mode clears hstatus.SPV, which
 * the way back into the guest needs set.
 */
.global mmio_insn_parcel
mmio_insn_parcel:
	la	t0, 1f
	csrrw	t1, stvec, t0
	.option	push
	.option	arch, +h
	hlvx.hu	a0, (a0)
	.option	pop
	csrw	stvec, t1
	ret
.balign 4
1:	csrw	stvec, t1
	li	t0, 1 << 7		/* HSTATUS_SPV */
	csrs	hstatus, t0
	li	a0, -1
	ret

/*
 * guest_phys_byte(gpa): a byte of the guest's memory at a guest-physical
 * address, read with HLV.BU while vsatp is Bare, so that the G-stage alone
 * translates and checks it, as it would the guest's own access; or -1 if
 * that traps (not the VM's memory), caught as mmio_insn_parcel's is.
 */
.global guest_phys_byte
guest_phys_byte:
	la	t0, 1f
	csrrw	t1, stvec, t0
	csrrw	t2, vsatp, zero
	.option	push
	.option	arch, +h
	hlv.bu	a0, (a0)
	.option	pop
	csrw	vsatp, t2
	csrw	stvec, t1
	ret
.balign 4
1:	csrw	vsatp, t2
	csrw	stvec, t1
	li	t0, 1 << 7		/* HSTATUS_SPV */
	csrs	hstatus, t0
	li	a0, -1
	ret
