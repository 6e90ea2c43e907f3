/*
 * A bare-metal "hypervisor" for tests/el2count/run.sh, whose every instruction
 * is counted by hand in the comments. QEMU starts it at EL2 with the MMU off;
 * it sets up stage 2 and runs the guest at EL1, which makes 1000 hypercalls
 * and powers off. Every 4th hypercall returns to an address stage 2 does not
 * map, so the guest takes an instruction abort before running anything: an
 * exit right after the ERET (back to back), whose handler resumes the guest.
 */
#define HCR_VM_RW 0x80000001        /* stage 2 on; EL1 is AArch64 */
#define VTCR_4G_L1 0x80003560       /* 4K granule, 32-bit IPA from level 1, WB, inner shareable */
#define S2_BLOCK_RAM 0x400007fd     /* 1 GiB at 0x40000000: normal WB, RW, AF */
#define SPSR_EL1H_MASKED 0x3c5
#define UNMAPPED 0x80000000
#define PSCI_SYSTEM_OFF 0x84000008

	.text
	.global _start
	.global hyp_start, hyp_end, hyp_vectors, hyp_fault, guest_start, guest_end
hyp_start:
_start:                                 /* init: 15 instructions */
	adr	x0, hyp_vectors         /* 1 */
	msr	vbar_el2, x0            /* 2 */
	adr	x0, s2_l1               /* 3 */
	msr	vttbr_el2, x0           /* 4 */
	mov	x0, #VTCR_4G_L1 & 0xffff        /* 5 */
	movk	x0, #VTCR_4G_L1 >> 16, lsl #16  /* 6 */
	msr	vtcr_el2, x0            /* 7 */
	mov	w0, #HCR_VM_RW          /* 8 */
	msr	hcr_el2, x0             /* 9 */
	mov	x0, #SPSR_EL1H_MASKED   /* 10 */
	msr	spsr_el2, x0            /* 11 */
	adr	x0, guest_start         /* 12 */
	msr	elr_el2, x0             /* 13 */
	mov	x12, #0                 /* 14: hypercalls so far */
	eret                            /* 15 */

	.balign 0x800
hyp_vectors:
	.skip	0x400
	/* lower64_sync: a hypercall takes 11 instructions, a fault 4 here + 2 in hyp_fault */
	mrs	x9, esr_el2             /* 1 */
	lsr	x9, x9, #26             /* 2: the exception class */
	cmp	x9, #0x16               /* 3: HVC from AArch64 */
	b.ne	hyp_fault               /* 4 */
	add	x12, x12, #1            /* 5 */
	mrs	x11, elr_el2            /* 6: where the guest resumes */
	mov	x10, #UNMAPPED          /* 7 */
	tst	x12, #3                 /* 8 */
	csel	x10, x11, x10, ne       /* 9: every 4th, the unmapped address */
	msr	elr_el2, x10            /* 10 */
	eret                            /* 11 */
	.balign	0x800

hyp_fault:                              /* the guest's instruction abort at UNMAPPED */
	msr	elr_el2, x11            /* 5 */
	eret                            /* 6 */

	.balign	4096
s2_l1:                                  /* stage 2, level 1: only the RAM's first GiB */
	.quad	0, S2_BLOCK_RAM, 0, 0
hyp_end:

	.balign	4096
guest_start:                            /* EL1: 1 + 1000 x 3 + 3 = 3004 instructions */
	mov	x1, #1000               /* 1 */
1:	hvc	#0                      /* per round: 1 */
	sub	x1, x1, #1              /* 2 */
	cbnz	x1, 1b                  /* 3 */
	mov	w0, #PSCI_SYSTEM_OFF & 0xffff   /* 1 */
	movk	w0, #PSCI_SYSTEM_OFF >> 16, lsl #16     /* 2 */
	smc	#0                      /* 3: QEMU's PSCI, HCR_EL2.TSC being 0 */
guest_end:
