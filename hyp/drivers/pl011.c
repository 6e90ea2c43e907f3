#include <hw/pl011.h>

#include "uart.h"

static volatile uint32_t *pl011_regs;

static uint32_t pl011_read(unsigned off)
{
	return pl011_regs[off / 4];
}

void uart_init(uintptr_t base)
{
	/* QEMU's PL011 needs no set-up: take it as the firmware left it. */
	pl011_regs = (volatile uint32_t *)base;
}

void uart_putc(char c)
{
	while (pl011_read(PL011_FR) & PL011_FR_TXFF)
		;
	pl011_regs[PL011_DR / 4] = (uint8_t)c;
}

int uart_rx_ready(void)
{
	return !(pl011_read(PL011_FR) & PL011_FR_RXFE);
}

int uart_getc(void)
{
	if (!uart_rx_ready())
		return -1;
	return (int)(pl011_read(PL011_DR) & 0xff);
}

void uart_rx_irq(int on)
{
	pl011_regs[PL011_IMSC / 4] = on ? (PL011_INT_RX | PL011_INT_RT) : 0;
}

void uart_drain(void)
{
	while (pl011_read(PL011_FR) & PL011_FR_BUSY)
		;
}
