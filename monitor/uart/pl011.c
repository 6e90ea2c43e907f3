/* The console UART on Armv8-A `virt`: the PL011, polled. */
#include "con_uart.h"

#include <hw/pl011.h>

#include "platform.h"
#include "rt.h"

#define CON_PL011 ((volatile uint32_t *)PLAT_UART_BASE)

void con_uart_put(uint8_t c)
{
	while (CON_PL011[PL011_FR / 4] & PL011_FR_TXFF)
		rt_relax();
	CON_PL011[PL011_DR / 4] = c;
}

int con_uart_get(void)
{
	if (CON_PL011[PL011_FR / 4] & PL011_FR_RXFE)
		return -1;
	return (int)(CON_PL011[PL011_DR / 4] & 0xff);
}
