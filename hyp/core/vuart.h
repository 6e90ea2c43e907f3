/* An emulated PL011 at the VM's UART address, so unmodified guest code has a console. */
#ifndef VUART_H
#define VUART_H

#include <stdint.h>

#include "spinlock.h"

struct vcpu;
struct vm;

#define VUART_SIZE 0x1000

#define VUART_FIFO 16 /* a PL011's receive FIFO (LCR_H.FEN set; 1 deep without) */

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

/* What a VM's PL011 remembers between accesses; all of it under lock. */
struct vuart {
	struct spinlock lock;
#define VUART_FIELD(NAME, field, bits, reset) uint32_t field;
	VUART_KEPT_REGS(VUART_FIELD)
#undef VUART_FIELD
	uint32_t cleared; /* interrupts ICR cleared, held off until new data re-arms them */
	uint32_t line;    /* the interrupt line as last driven: MIS != 0 */
	uint32_t rx_head, rx_tail;
	uint8_t rx[VUART_FIFO];
};

/* The PL011 as out of reset, as firmware leaves it (enabled), its FIFO empty. */
void vuart_reset(struct vm *vm);
int vuart_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value);
/* Queue up to n bytes as received by vm's UART; returns how many fitted (0: the FIFO is full). */
uint32_t vuart_input(struct vm *vm, const uint8_t *bytes, uint32_t n);
/* The physical UART's receive interrupt: what it holds goes to the `input` VM's FIFO. */
void vuart_uart_irq(void);
/* The guest ended its UART interrupt: raise it again if the line is still high (level). */
void vuart_resample(struct vm *vm);

#endif
