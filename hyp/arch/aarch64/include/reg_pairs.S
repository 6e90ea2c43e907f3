/*
 * reg_pairs: stores or loads a run of registers two by two, so that a
 * frame's layout is written once and both its save and its restore use it.
 * `reg_pairs stp, x, 0, 19, sp, 0, 8` is `stp x0, x1, [sp, #0]` ... `stp
 * x18, x19, [sp, #144]`; size is a register's size in bytes. The vectors
 * of the hypervisor and of the guests both use it.
 */
.altmacro

.macro reg_pair op, r, a, b, base, off
	\op	\r\a, \r\b, [\base, #\off]
.endm

.macro reg_pairs op, r, from, to, base, off, size
	.set .Lrp_n, \from
	.set .Lrp_off, \off
	.rept (\to - \from + 1) / 2
	reg_pair \op, \r, %(.Lrp_n), %(.Lrp_n + 1), \base, %(.Lrp_off)
	.set .Lrp_n, .Lrp_n + 2
	.set .Lrp_off, .Lrp_off + 2 * \size
	.endr
.endm
