/* The emulated ns16550a's registers (vuart_ns16550.c): what struct vuart keeps for it. */
#ifndef VUART_NS16550_H
#define VUART_NS16550_H

#include <stdint.h>

struct vuart_regs {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t fcr; /* as written, less the clear bits: FIFO enable and trigger level */
	uint8_t
	    thr_pending; /* the THR-empty interrupt: set as THR empties, cleared as IIR says so */
};

#endif
