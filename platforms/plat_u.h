/* For every platform.h: constants usable from C (64-bit) as well as from assembly and linker
 * scripts. */
#ifndef PLAT_U_H
#define PLAT_U_H

#ifdef __ASSEMBLER__
#define PLAT_U(x) x
#else
#define PLAT_U(x) x##ULL
#endif

#endif
