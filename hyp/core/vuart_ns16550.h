/* The emulated ns16550a's registers (vuart_ns16550.c): what struct vuart keeps for it. */
#ifndef VUART_NS16550_H
#define VUART_NS16550_H

#include <stdint.h>

#include <hw/ns16550.h>

struct vuart_regs {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t fcr; /* as written, less the clear bits: FIFO enable and trigger level */
	uint8_t
	    thr_pending; /* the THR-empty interrupt: set as THR empties, cleared as IIR says so */
};

static inline uint32_t vuart_regs_depth(const struct vuart_regs *r)
{
	return r->fcr & NS16550_FCR_ENABLE ? VUART_FIFO : 1;
}

/* Byte registers 0-7 (`reg-shift` 0). */
static inline int vuart_regs_valid(uint64_t offset, unsigned size)
{
	return offset < NS16550_REGS && size == 1;
}

#endif
