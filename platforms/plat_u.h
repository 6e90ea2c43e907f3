/* For every platform.h: constants usable from C (64-bit) as well as from assembly and linker
 * scripts. */
#ifndef PLAT_U_H
#define PLAT_U_H

#ifdef __ASSEMBLER__
#define PLAT_U(x) x
#else
#define PLAT_U(x) x##ULL
/* The emulated UART register models a platform.h names as PLAT_VUART_MODEL (hyp/core/vuart_*.c). */
#define PLAT_VUART_PL011 1
#define PLAT_VUART_NS16550A 2

#endif

/* The emulated UART register models a platform.h names as PLAT_VUART_MODEL (hyp/core/vuart_*.c). */
#define PLAT_VUART_PL011 1
#define PLAT_VUART_NS16550A 2

#endif
