/*
 * Guest entry at EL1 with the MMU off. vCPU 0 arrives at _start with the
 * VM's `arg` in x0; secondaries at rt_secondary_start (PSCI CPU_ON) with a
 * function pointer in x0. Every vCPU turns on its MMU with one shared
 * identity map (1 GiB blocks: device below 1 GiB, normal memory above) so
 * caches and exclusives behave as on any real guest.
 */
#include "zero_bss.S"

#define STACK_SIZE 0x4000

.section .text.boot, "ax"
.global _start
_start:
	mrs	x20, cntvct_el0		/* the VM's first instruction: for bench/boot.sh */
	mov	x19, x0
	bl	rt_cpu_setup
	zero_bss
	adrp	x0, rt_entry_ticks
	str	x20, [x0, :lo12:rt_entry_ticks]
	mov	x0, x19
	bl	rt_main
3:	b	3b

.global rt_secondary_start
rt_secondary_start:
	mrs	x20, cntvct_el0		/* the VM's first instruction: for bench/boot.sh */
	mov	x19, x0
	bl	rt_cpu_setup
	mov	x0, x19
	bl	rt_secondary_main
4:	b	4b

/* x0 = the top of this vCPU's boot stack (by MPIDR Aff0). Clobbers x1, x2; no stack used. */
.global rt_stack_top
rt_stack_top:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	adrp	x1, rt_stacks
	add	x1, x1, :lo12:rt_stacks
	mov	x2, #STACK_SIZE
	madd	x1, x0, x2, x1
	add	x0, x1, x2
	ret

/* Stack by vCPU index, FP on, exception vectors, MMU and caches on. Clobbers x0-x3, x30 kept. */
rt_cpu_setup:
	adrp	x0, rt_vectors
	add	x0, x0, :lo12:rt_vectors
	msr	vbar_el1, x0
	mov	x3, x30
	bl	rt_stack_top
	mov	sp, x0
	mov	x30, x3
	mov	x0, #(3 << 20)
	msr	cpacr_el1, x0
	ldr	x0, =0x04ff
	msr	mair_el1, x0
	/* T0SZ 32 (4 GiB), WBWA inner shareable walks, no TTBR1, 40-bit IPA */
	ldr	x0, =(32 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))
	msr	tcr_el1, x0
	adrp	x0, rt_pgtable
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =(0x30d00800 | (1 << 0) | (1 << 2) | (1 << 12))
	msr	sctlr_el1, x0
	isb
	ret
.ltorg

.section .data.pgtable, "aw"
.balign 4096
rt_pgtable:
	.quad	0x0000000000000000 | (1 << 2) | (1 << 10) | (3 << 53) | 1	/* device */
	.quad	0x0000000040000000 | (3 << 8) | (1 << 10) | 1			/* normal */
	.quad	0x0000000080000000 | (3 << 8) | (1 << 10) | 1
	.quad	0x00000000c0000000 | (3 << 8) | (1 << 10) | 1
	.fill	508, 8, 0

.section .bss.stacks, "aw", %nobits
.balign 16
.global rt_stacks
rt_stacks:
	.fill	8 * STACK_SIZE, 1, 0
