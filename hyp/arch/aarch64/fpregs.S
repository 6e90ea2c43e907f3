/*
 * The FP/SIMD registers: zeroed so a reset VM inherits nothing; saved and
 * loaded for a debugger (debug.c): q0-q31, then FPSR and FPCR, 528 bytes.
 */
.arch armv8-a+fp+simd
.text
.global fp_regs_zero
fp_regs_zero:
	movi	v0.2d, #0
	movi	v1.2d, #0
	movi	v2.2d, #0
	movi	v3.2d, #0
	movi	v4.2d, #0
	movi	v5.2d, #0
	movi	v6.2d, #0
	movi	v7.2d, #0
	movi	v8.2d, #0
	movi	v9.2d, #0
	movi	v10.2d, #0
	movi	v11.2d, #0
	movi	v12.2d, #0
	movi	v13.2d, #0
	movi	v14.2d, #0
	movi	v15.2d, #0
	movi	v16.2d, #0
	movi	v17.2d, #0
	movi	v18.2d, #0
	movi	v19.2d, #0
	movi	v20.2d, #0
	movi	v21.2d, #0
	movi	v22.2d, #0
	movi	v23.2d, #0
	movi	v24.2d, #0
	movi	v25.2d, #0
	movi	v26.2d, #0
	movi	v27.2d, #0
	movi	v28.2d, #0
	movi	v29.2d, #0
	movi	v30.2d, #0
	movi	v31.2d, #0
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret

/* q0-q31 to or from [x0], by pairs: op is stp or ldp. */
.macro fp_pair op, a, b
	\op	q\a, q\b, [x0, #\a * 16]
.endm
.macro fp_pairs op
	fp_pair	\op, 0, 1
	fp_pair	\op, 2, 3
	fp_pair	\op, 4, 5
	fp_pair	\op, 6, 7
	fp_pair	\op, 8, 9
	fp_pair	\op, 10, 11
	fp_pair	\op, 12, 13
	fp_pair	\op, 14, 15
	fp_pair	\op, 16, 17
	fp_pair	\op, 18, 19
	fp_pair	\op, 20, 21
	fp_pair	\op, 22, 23
	fp_pair	\op, 24, 25
	fp_pair	\op, 26, 27
	fp_pair	\op, 28, 29
	fp_pair	\op, 30, 31
.endm

.global fp_regs_save
fp_regs_save:
	fp_pairs stp
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #512
	stp	x1, x2, [x0]
	ret

.global fp_regs_load
fp_regs_load:
	fp_pairs ldp
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
