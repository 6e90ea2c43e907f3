/*
 * Entry in HS-mode from OpenSBI, MMU off, a0 = hart ID. OpenSBI starts
 * whichever hart wins its boot lottery; pCPU 0 is hart 0, so any other one
 * hands the boot to hart 0 through SBI HSM and stops (pCPU 0 starts it
 * again later, at boot_secondary, like every other hart).
 */
#include "layout.h"
#include "sbi.h"

#define SBI_HSM_FID_START 0
#define SBI_HSM_FID_STOP 1

.section .text.boot, "ax"

.global _start
_start:
	csrw	sie, zero
	beqz	a0, 1f
	li	a0, 0
	la	a1, _start
	li	a2, 0
	li	a6, SBI_HSM_FID_START
	li	a7, SBI_EXT_HSM
	ecall
	li	a6, SBI_HSM_FID_STOP
	li	a7, SBI_EXT_HSM
	ecall
0:	wfi
	j	0b
1:	/* Clear .bss once, before anything is kept in it. */
	la	t0, __bss_start
	la	t1, __bss_end
2:	bgeu	t0, t1, boot_common
	sd	zero, (t0)
	addi	t0, t0, 8
	j	2b

/*
 * From arch_cpu_start (SBI HSM hart_start): a0 = hart ID. The MMU goes on
 * first: a coloured image has moved, and its original, where this runs
 * until then, is stale but for the text and mmu_satp.
 */
.global boot_secondary
boot_secondary:
	csrw	sie, zero
	la	t0, mmu_satp
	ld	t0, (t0)
	csrw	satp, t0
	sfence.vma
boot_common:
	/* sp: the top of this hart's stack, below its vCPU's frame (vectors.S). */
	la	sp, cpu_stacks
	li	t0, CPU_STACK_SIZE
	addi	t1, a0, 1
	mul	t1, t1, t0
	add	sp, sp, t1
	addi	sp, sp, -ARCH_FRAME_SIZE
	csrw	sscratch, zero
	la	t0, hyp_trap
	csrw	stvec, t0
	mv	tp, zero
	tail	cpu_entry
