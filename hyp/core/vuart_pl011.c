/*
 * PL011 register model, as Linux's amba-pl011 driver programs it: the
 * PrimeCell IDs, baud and line control kept and read back, a receive FIFO
 * (16 deep, 1 without LCR_H.FEN), and the interrupts RX, RT and TX on a
 * level line (vuart.c). The transmit FIFO is always empty: TX is raised
 * while the transmitter is enabled.
 */
#include "vuart.h"

#if PLAT_VUART_MODEL == PLAT_VUART_PL011

#include <hw/pl011.h>

/* Peripheral ID 0x00141011 (ARM, PL011 r1: a 16-byte FIFO to Linux), PrimeCell ID 0xb105f00d. */
static const uint8_t vuart_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO; one byte without it. */
static uint32_t pl011_rx_level(const struct vuart_regs *r)
{
	static const uint8_t eighths[8] = {1, 2, 4, 6, 7, 7, 7, 7};

	if (!(r->lcr_h & PL011_LCR_H_FEN))
		return 1;
	return VUART_FIFO * eighths[r->ifls >> 3 & 7] / 8;
}

/*
 * The raw interrupt state. RT stands for the receive timeout a real PL011
 * raises after 32 idle bit periods: here it is raised at once whenever
 * data sits below the RX level.
 */
static uint32_t pl011_ris(const struct vuart *u)
{
	const struct vuart_regs *r = &u->regs;
	uint32_t ris = 0, n = vuart_rx_count(u);

	if (n >= pl011_rx_level(r))
		ris |= PL011_INT_RX;
	else if (n)
		ris |= PL011_INT_RT;
	if ((r->cr & (PL011_CR_UARTEN | PL011_CR_TXE)) == (PL011_CR_UARTEN | PL011_CR_TXE))
		ris |= PL011_INT_TX;
	return ris & ~r->cleared;
}

int vuart_regs_line(const struct vuart *u)
{
	return (pl011_ris(u) & u->regs.imsc) != 0;
}

void vuart_regs_rx_new(struct vuart *u)
{
	u->regs.cleared &= ~(PL011_INT_RX | PL011_INT_RT); /* new data: its interrupts come again */
}

void vuart_regs_reset(struct vuart *u)
{
#define VUART_RESET(NAME, field, bits, reset) u->regs.field = (reset);
	VUART_KEPT_REGS(VUART_RESET)
#undef VUART_RESET
	u->regs.cleared = 0;
}

static uint32_t pl011_read_fr(const struct vuart *u)
{
	uint32_t n = vuart_rx_count(u);

	return PL011_FR_TXFE | (n ? 0 : PL011_FR_RXFE) |
	       (n >= vuart_regs_depth(&u->regs) ? PL011_FR_RXFF : 0);
}

/* A kept register's case in pl011_read and in pl011_write. */
#define VUART_READ_KEPT(NAME, field, bits, reset)                                                  \
	case PL011_##NAME:                                                                         \
		return r->field;
#define VUART_WRITE_KEPT(NAME, field, bits, reset)                                                 \
	case PL011_##NAME:                                                                         \
		r->field = value & (bits);                                                         \
		break;

/* DR: the oldest byte (no error bits: nothing is ever lost or garbled), 0 if none. */
static uint32_t pl011_read(struct vuart *u, uint64_t offset)
{
	const struct vuart_regs *r = &u->regs;

	switch (offset) {
		VUART_KEPT_REGS(VUART_READ_KEPT)
	case PL011_DR:
		return vuart_rx_pop(u);
	case PL011_FR:
		return pl011_read_fr(u);
	case PL011_RIS:
		return pl011_ris(u);
	case PL011_MIS:
		return pl011_ris(u) & r->imsc;
	}
	if (offset >= PL011_PERIPHID0)
		return vuart_id[(offset - PL011_PERIPHID0) / 4];
	return 0; /* RSR (no errors ever), ICR (write-only), reserved */
}

static void pl011_write(struct vuart_regs *r, uint64_t offset, uint32_t value)
{
	switch (offset) {
		VUART_KEPT_REGS(VUART_WRITE_KEPT)
	case PL011_DR: /* the byte went out at once: the FIFO passed its level, TX comes again */
		r->cleared &= ~PL011_INT_TX;
		break;
	case PL011_ICR:
		r->cleared |= value & PL011_INT_ALL;
		break;
	}
	/* RSR/ECR: a write clears errors there never are; the rest is read-only or reserved. */
}

int vuart_regs_access(struct vuart *u, uint64_t offset, int write, uint64_t *value)
{
	if (!write) {
		*value = pl011_read(u, offset);
		return -1;
	}
	pl011_write(&u->regs, offset, (uint32_t)*value);
	return offset == PL011_DR ? (int)(uint8_t)*value : -1;
}

#endif
