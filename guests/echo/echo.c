/*
 * Reads one line from its UART and echoes it back. Polls for at most `arg`
 * rounds (0: forever), then says it got nothing: the VM the config does
 * not name as `input` must see an empty receive FIFO.
 */
#include "rt.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_RXFE (1u << 4)

static int echo_getc(uint64_t rounds)
{
	volatile uint32_t *uart = (volatile uint32_t *)0x09000000ul;

	for (uint64_t i = 0; !rounds || i < rounds; i++)
		if (!(uart[UART_FR / 4] & FR_RXFE))
			return (int)(uart[UART_DR / 4] & 0xff);
	return -1;
}

void main(uint64_t arg)
{
	char line[80];
	unsigned n = 0;
	int c;

	rt_printf("ready for a line\n");
	while ((c = echo_getc(arg)) >= 0 && c != '\n' && c != '\r' && n < sizeof line - 1)
		line[n++] = (char)c;
	line[n] = 0;
	if (c < 0 && n == 0)
		rt_printf("no input\n");
	else
		rt_printf("got: %s\n", line);
}
