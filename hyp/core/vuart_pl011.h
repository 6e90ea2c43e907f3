/* The emulated PL011's registers (vuart_pl011.c): what struct vuart keeps for it. */
#ifndef VUART_PL011_H
#define VUART_PL011_H

#include <stdint.h>

#include <hw/pl011.h>

/*
 * The registers that keep what the guest wrote and read it back:
 * X(NAME, field, writable bits, value at reset) for PL011_NAME. At reset:
 * 115200 8N1 from QEMU virt's 24 MHz clock, FIFOs on, interrupt levels half
 * full (a driver that finds the UART enabled derives the console's speed
 * from IBRD/FBRD). A new LCR_H leaves bytes beyond a 1-deep FIFO where they
 * are (they are read out first); DMACR is accepted, there is no DMA.
 */
#define VUART_KEPT_REGS(X)                                                                         \
	X(ILPR, ilpr, 0xff, 0)                                                                     \
	X(IBRD, ibrd, 0xffff, 13)                                                                  \
	X(FBRD, fbrd, 0x3f, 1)                                                                     \
	X(LCR_H, lcr_h, 0xff, PL011_LCR_H_WLEN8 | PL011_LCR_H_FEN)                                 \
	X(CR, cr, 0xff87, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE)                           \
	X(IFLS, ifls, 0x3f, 0x12)                                                                  \
	X(IMSC, imsc, PL011_INT_ALL, 0)                                                            \
	X(DMACR, dmacr, 7, 0)

struct vuart_regs {
#define VUART_FIELD(NAME, field, bits, reset) uint32_t field;
	VUART_KEPT_REGS(VUART_FIELD)
#undef VUART_FIELD
	uint32_t cleared; /* interrupts ICR cleared, held off until new data re-arms them */
};

static inline uint32_t vuart_regs_depth(const struct vuart_regs *r)
{
	return r->lcr_h & PL011_LCR_H_FEN ? VUART_FIFO : 1;
}

/* Word registers, read and written whole or in part. */
static inline int vuart_regs_valid(uint64_t offset, unsigned size)
{
	return !(offset & 3) && size <= 4;
}

#endif
