/* The console UART on riscv64 `virt`: the ns16550a (byte registers), polled. */
#include "con_uart.h"

#include <hw/ns16550.h>

#include "platform.h"
#include "rt.h"

#define CON_NS16550 ((volatile uint8_t *)PLAT_UART_BASE)

void con_uart_put(uint8_t c)
{
	while (!(CON_NS16550[NS16550_LSR] & NS16550_LSR_THRE))
		rt_relax();
	CON_NS16550[NS16550_THR] = c;
}

int con_uart_get(void)
{
	if (!(CON_NS16550[NS16550_LSR] & NS16550_LSR_DR))
		return -1;
	return CON_NS16550[NS16550_RBR];
}
