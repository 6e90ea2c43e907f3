/*
 * Entry at EL2 with the MMU off, at the physical load address. CPU 0 comes
 * from QEMU's -kernel; the others from PSCI CPU_ON with their index in x0.
 * Everything here is PC-relative until the MMU is on, then we branch to the
 * linked (virtual) address of the C entry.
 */
#include "layout.h"
#include "zero_bss.S"

.section .text.boot, "ax"

.global _start
_start:
	mov	x19, #0
	/* Clear .bss once, before anything is kept in it. */
	zero_bss
	bl	boot_common_setup
	bl	mmu_boot_build
	b	boot_mmu_on

.global boot_secondary
boot_secondary:
	mov	x19, x0
	bl	boot_common_setup
	b	boot_mmu_on

/* x19 = CPU index. Sets SP to the top of this CPU's stack (physical). */
boot_common_setup:
	msr	daifset, #0xf
	mov	x0, #0x0830		/* SCTLR_EL2 RES1 bits, MMU and caches off */
	movk	x0, #0x30c5, lsl #16
	msr	sctlr_el2, x0
	isb
	adrp	x0, cpu_stacks
	add	x0, x0, :lo12:cpu_stacks
	mov	x1, #CPU_STACK_SIZE
	madd	x0, x19, x1, x0		/* stack of CPU x19 ... */
	add	sp, x0, x1		/* ... grows down from its end */
	ret

boot_mmu_on:
	ldr	x0, =0x04ff		/* attr0 normal WB RA WA, attr1 device nGnRE */
	msr	mair_el2, x0
	/* T0SZ 16, WBWA inner shareable walks, 4 KiB granule, 40-bit PA. */
	ldr	x0, =(16 | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16) | (1 << 23) | (1 << 31))
	msr	tcr_el2, x0
	adrp	x0, mmu_root_pa
	ldr	x0, [x0, :lo12:mmu_root_pa]
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	nsh
	isb
	/* M, C, SA, I, WXN on top of the RES1 bits. */
	ldr	x0, =(0x30c50830 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | (1 << 19))
	msr	sctlr_el2, x0
	isb
	ldr	x0, =HYP_VA_OFFSET
	add	sp, sp, x0
	ldr	x1, =hyp_vectors
	msr	vbar_el2, x1
	isb
	mov	x0, x19
	ldr	x1, =cpu_entry
	br	x1
.ltorg
