#include "pl011.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IMSC 0x38
#define IMSC_RX (1u << 4 | 1u << 6) /* receive, receive timeout */
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)

static volatile uint32_t *pl011_regs;

static uint32_t pl011_read(unsigned off)
{
	return pl011_regs[off / 4];
}

void pl011_init(uintptr_t base)
{
	/* QEMU's PL011 needs no set-up: take it as the firmware left it. */
	pl011_regs = (volatile uint32_t *)base;
}

void pl011_putc(char c)
{
	while (pl011_read(UART_FR) & FR_TXFF)
		;
	pl011_regs[UART_DR / 4] = (uint8_t)c;
}

int pl011_rx_ready(void)
{
	return !(pl011_read(UART_FR) & FR_RXFE);
}

int pl011_getc(void)
{
	if (!pl011_rx_ready())
		return -1;
	return (int)(pl011_read(UART_DR) & 0xff);
}

void pl011_rx_irq(int on)
{
	pl011_regs[UART_IMSC / 4] = on ? IMSC_RX : 0;
}

void pl011_drain(void)
{
	while (pl011_read(UART_FR) & FR_BUSY)
		;
}
