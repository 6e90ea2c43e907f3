/*
 * zero_bss: zeroes [__bss_start, __bss_end), 16 bytes at a time (every
 * linker script aligns both ends to 16). PC-relative and without a stack,
 * so it works with the MMU off; clobbers x0 and x1. The boot code of the
 * hypervisor (boot.S) and of the guests (guests/rt/crt0.S) both use it.
 */
.macro zero_bss
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
.endm
