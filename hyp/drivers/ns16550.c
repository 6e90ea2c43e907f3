/* The physical ns16550a UART (QEMU riscv64 `virt`): byte registers, polled. */
#include <hw/ns16550.h>

#include "uart.h"

static volatile uint8_t *ns16550_regs;

void uart_init(uintptr_t base)
{
	/* QEMU's ns16550a needs no set-up: take it as OpenSBI left it. */
	ns16550_regs = (volatile uint8_t *)base;
}

void uart_putc(char c)
{
	while (!(ns16550_regs[NS16550_LSR] & NS16550_LSR_THRE))
		;
	ns16550_regs[NS16550_THR] = (uint8_t)c;
}

int uart_rx_ready(void)
{
	return ns16550_regs[NS16550_LSR] & NS16550_LSR_DR;
}

int uart_getc(void)
{
	if (!uart_rx_ready())
		return -1;
	return ns16550_regs[NS16550_RBR];
}

void uart_rx_irq(int on)
{
	ns16550_regs[NS16550_IER] = on ? NS16550_IER_RDI : 0;
}

void uart_drain(void)
{
	while (!(ns16550_regs[NS16550_LSR] & NS16550_LSR_TEMT))
		;
}
