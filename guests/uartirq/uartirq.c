/*
 * Reads one console line by interrupt: the PL011's receive interrupts
 * (UARTIMSC RXIM and RTIM) on, its SPI (INTID 33, level) enabled and routed
 * to vCPU 0, then WFI until the handler, which drains the receive FIFO at
 * every interrupt, has seen a line end. Empty lines are skipped.
 *
 * arg: a timeout in milliseconds (0: wait forever)
 *
 * Prints:
 *   uartirq: waiting for a line
 *   uartirq: got "<line>" in K interrupts
 * or, if arg ms pass without a line (a VM that is not `input` sees nothing):
 *   uartirq: no line after T ms, K interrupts, "<what came>"
 */
#include <hw/pl011.h>

#include "gic.h"
#include "rt.h"
#include "timer.h"

#define UART_BASE 0x09000000ul

#define UART_INTID 33
#define UART_PRIO 0x80

static char uart_line[80];
static uint32_t uart_len, uart_irqs, uart_done, uart_timeout;

static uint32_t uart_read(uint32_t off)
{
	return *(volatile uint32_t *)(UART_BASE + off);
}

static void uart_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(UART_BASE + off) = v;
}

static void uart_irq(uint32_t intid)
{
	(void)intid;
	uart_irqs++;
	while (!(uart_read(PL011_FR) & PL011_FR_RXFE)) {
		char c = (char)(uart_read(PL011_DR) & 0xff);

		if (uart_done)
			continue;
		if (c == '\r' || c == '\n')
			uart_done = uart_len > 0;
		else if (uart_len < sizeof uart_line - 1)
			uart_line[uart_len++] = c;
	}
	uart_write(PL011_ICR, PL011_INT_RX | PL011_INT_RT);
	if (uart_done) {
		/* The line is in: no more receive interrupts. */
		uart_write(PL011_IMSC, uart_read(PL011_IMSC) & ~(PL011_INT_RX | PL011_INT_RT));
		__atomic_store_n(&uart_done, 1, __ATOMIC_RELEASE);
	}
}

static void uart_timer_irq(uint32_t intid)
{
	(void)intid;
	timer_stop();
	__atomic_store_n(&uart_timeout, 1, __ATOMIC_RELEASE);
}

void main(uint64_t arg)
{
	gic_init();
	irq_register(UART_INTID, uart_irq);
	irq_register(TIMER_VIRT_INTID, uart_timer_irq);
	gic_set_edge(UART_INTID, 0);
	gic_route_spi(UART_INTID, 0);
	gic_enable(UART_INTID, UART_PRIO);
	if (arg) {
		gic_enable(TIMER_VIRT_INTID, UART_PRIO);
		timer_arm_at(timer_now() + timer_ns_to_ticks(arg * 1000000));
	}
	uart_write(PL011_IMSC, uart_read(PL011_IMSC) | PL011_INT_RX | PL011_INT_RT);
	rt_printf("uartirq: waiting for a line\n");

	irq_disable_local();
	while (!__atomic_load_n(&uart_done, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&uart_timeout, __ATOMIC_ACQUIRE)) {
		irq_wfi();
		irq_enable_local();
		irq_disable_local();
	}
	timer_stop();
	uart_write(PL011_IMSC, uart_read(PL011_IMSC) & ~(PL011_INT_RX | PL011_INT_RT));
	gic_disable(UART_INTID);
	irq_enable_local();

	uart_line[uart_len] = 0;
	if (uart_done)
		rt_printf("uartirq: got \"%s\" in %u interrupts\n", uart_line, uart_irqs);
	else
		rt_printf("uartirq: no line after %llu ms, %u interrupts, \"%s\"\n",
		          (unsigned long long)arg, uart_irqs, uart_line);
}
