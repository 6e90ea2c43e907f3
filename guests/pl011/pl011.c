/*
 * Drives the emulated PL011 the way Linux's amba-pl011 driver does: reads
 * the PrimeCell IDs, programs baud, line control, FIFO levels, interrupt
 * mask and control, sends a long line by TX interrupts (a few bytes per
 * interrupt, no loop in the handler: the level line must come back after
 * each EOI), and receives a typed line by RX/RT interrupts. On the way it
 * checks FR, RIS, MIS and ICR, and that INTID 33 is pending exactly while
 * MIS is non-zero (read with the interrupt disabled at the GIC).
 *
 * Input it expects: a line of at least 17 characters ended by CR or LF,
 * then "abc" (left in the FIFO for the receive-timeout checks).
 *
 * Prints:
 *   pl011: type a line
 *   pl011: long line 0123456789... (480 digits) in K TX interrupts
 *   pl011: got "<line>" in K interrupts
 *   pl011: very long 0123456789... (600 digits: longer than a console line, so in two pieces)
 *   pl011: N checks, F failed
 */
#include <hw/pl011.h>

#include "gic.h"
#include "rt.h"
#include "timer.h"

#define UART_BASE 0x09000000ul

#define CR_ON 0x0f01u /* UARTEN, TXE, RXE, DTR, RTS: what Linux's startup writes */
#define IFLS_HALF 0x12u
#define INT_ERRORS 0x78fu /* overrun, break, parity, framing; the modem lines */

#define UART_INTID 33
#define UART_PRIO 0x80
#define TX_CHUNK 8 /* half the FIFO, as the driver writes per interrupt */
#define LONG_DIGITS 480

static int pl_checks, pl_failed;
static char pl_tx[32 + LONG_DIGITS];
static uint32_t pl_tx_len, pl_tx_pos, pl_tx_irqs;
static char pl_line[96];
static uint32_t pl_line_len, pl_rx_irqs;
static volatile uint32_t pl_tx_done, pl_rx_done, pl_timer_fired;

static uint32_t uart_read(uint32_t off)
{
	return *(volatile uint32_t *)(UART_BASE + off);
}

static void uart_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(UART_BASE + off) = v;
}

static void check(const char *what, uint32_t got, uint32_t want)
{
	pl_checks++;
	if (got != want) {
		pl_failed++;
		rt_printf("pl011: FAIL %s: got 0x%x, want 0x%x\n", what, got, want);
	}
}

/* The line follows MIS: INTID 33 (disabled at the GIC, so it stays visible) pending iff MIS. */
static void check_line(const char *what)
{
	uint32_t mis = uart_read(PL011_MIS);

	check(what, (uint32_t)gic_pending(UART_INTID), mis != 0);
	check("MIS is RIS & IMSC", mis, uart_read(PL011_RIS) & uart_read(PL011_IMSC));
}

static void pl_tx_irq(void)
{
	uint32_t n = 0;

	pl_tx_irqs++;
	while (n++ < TX_CHUNK && pl_tx_pos < pl_tx_len)
		uart_write(PL011_DR, (uint8_t)pl_tx[pl_tx_pos++]);
	if (pl_tx_pos == pl_tx_len) {
		uart_write(PL011_IMSC, uart_read(PL011_IMSC) & ~PL011_INT_TX);
		pl_tx_done = 1;
	}
}

/* Like the driver's pl011_rx_chars: everything the FIFO holds, up to the line's end. */
static void pl_rx_irq(void)
{
	pl_rx_irqs++;
	while (!pl_rx_done && !(uart_read(PL011_FR) & PL011_FR_RXFE)) {
		char c = (char)(uart_read(PL011_DR) & 0xff);

		if (c == '\r' || c == '\n')
			pl_rx_done = 1;
		else if (pl_line_len < sizeof pl_line - 1)
			pl_line[pl_line_len++] = c;
	}
	if (pl_rx_done)
		uart_write(PL011_IMSC, uart_read(PL011_IMSC) & ~(PL011_INT_RX | PL011_INT_RT));
}

static void pl_irq(uint32_t intid)
{
	uint32_t mis = uart_read(PL011_MIS);

	(void)intid;
	if (mis & PL011_INT_TX)
		pl_tx_irq();
	if (mis & (PL011_INT_RX | PL011_INT_RT))
		pl_rx_irq();
}

/* PrimeCell: peripheral ID 0x00141011 (ARM's PL011 r1), cell ID 0xb105f00d. */
static void pl_ids(void)
{
	uint32_t periph = 0, cell = 0;

	for (uint32_t i = 0; i < 4; i++) {
		periph |= (uart_read(PL011_PERIPHID0 + 4 * i) & 0xff) << (8 * i);
		cell |= (uart_read(PL011_PERIPHID0 + 0x10 + 4 * i) & 0xff) << (8 * i);
	}
	check("peripheral ID", periph, 0x00141011);
	check("PrimeCell ID", cell, 0xb105f00d);
}

/* pl011_startup and set_termios, for 115200 8N1 from a 24 MHz clock. */
static void pl_program(void)
{
	uart_write(PL011_CR, 0);
	check("CR 0 reads back", uart_read(PL011_CR), 0);
	check("TX not raised while the transmitter is off", uart_read(PL011_RIS) & PL011_INT_TX, 0);
	while (uart_read(PL011_FR) & PL011_FR_BUSY)
		rt_relax();
	uart_write(PL011_IBRD, 13);
	uart_write(PL011_FBRD, 1);
	uart_write(PL011_LCR_H, PL011_LCR_H_WLEN8 | PL011_LCR_H_FEN);
	uart_write(PL011_IFLS, IFLS_HALF);
	uart_write(PL011_DMACR, 7);
	check("IBRD", uart_read(PL011_IBRD), 13);
	check("FBRD", uart_read(PL011_FBRD), 1);
	check("LCR_H", uart_read(PL011_LCR_H), PL011_LCR_H_WLEN8 | PL011_LCR_H_FEN);
	check("IFLS", uart_read(PL011_IFLS), IFLS_HALF);
	check("DMACR accepted", uart_read(PL011_DMACR), 7);
	uart_write(PL011_DMACR, 0);
	uart_write(PL011_ICR, INT_ERRORS); /* as the driver: typed-ahead input keeps RX/RT */
	uart_write(PL011_IMSC, 0);
	uart_write(PL011_CR, CR_ON);
	check("CR", uart_read(PL011_CR), CR_ON);
	check("FR: transmit FIFO empty, not full",
	      uart_read(PL011_FR) & (PL011_FR_TXFE | PL011_FR_TXFF | PL011_FR_BUSY), PL011_FR_TXFE);
}

/* TX: raised while enabled, the line following IMSC; ICR holds it off until a byte goes out. */
static void pl_tx_semantics(void)
{
	check("TX raised while enabled", uart_read(PL011_RIS) & PL011_INT_TX, PL011_INT_TX);
	check_line("no interrupt with IMSC 0");
	uart_write(PL011_IMSC, PL011_INT_TX);
	check_line("TXIM raises the line");
	uart_write(PL011_ICR, PL011_INT_TX);
	check("ICR clears TX", uart_read(PL011_RIS) & PL011_INT_TX, 0);
	check_line("ICR lowers the line");
	uart_write(PL011_DR, '\n'); /* an empty line: the console shows nothing */
	check("a byte sent raises TX again", uart_read(PL011_RIS) & PL011_INT_TX, PL011_INT_TX);
	check_line("and the line");
	uart_write(PL011_IMSC, 0);
	check_line("IMSC 0 lowers it");
}

/* The driver's start_tx: the first bytes by hand, the rest from the TX interrupt. */
static void pl_long_line(void)
{
	uint32_t n = 0, tx_irqs;

	for (const char *p = "pl011: long line "; *p; p++)
		pl_tx[pl_tx_len++] = *p;
	for (uint32_t i = 0; i < LONG_DIGITS; i++)
		pl_tx[pl_tx_len++] = (char)('0' + i % 10);
	pl_tx[pl_tx_len++] = '\n';
	while (n++ < TX_CHUNK && !(uart_read(PL011_FR) & PL011_FR_TXFF))
		uart_write(PL011_DR, (uint8_t)pl_tx[pl_tx_pos++]);
	gic_enable(UART_INTID, UART_PRIO);
	uart_write(PL011_IMSC, PL011_INT_TX);
	irq_wait_change(&pl_tx_done, 0);
	gic_disable(UART_INTID);
	tx_irqs = pl_tx_irqs;
	check("the whole line went out by TX interrupts", pl_tx_pos, pl_tx_len);
	check("one TX interrupt per chunk (the line came back after each EOI)", tx_irqs,
	      (pl_tx_len - TX_CHUNK + TX_CHUNK - 1) / TX_CHUNK);
	rt_printf("pl011: long line sent in %u TX interrupts\n", tx_irqs);
}

/* FEN clear: a 1-deep FIFO, full with one byte, RX at one byte. */
static char pl_rx_unbuffered(void)
{
	uint32_t ris;

	uart_write(PL011_LCR_H, PL011_LCR_H_WLEN8);
	uart_write(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	while (uart_read(PL011_FR) & PL011_FR_RXFE)
		rt_relax();
	check("without FEN one byte fills the FIFO", uart_read(PL011_FR) & PL011_FR_RXFF,
	      PL011_FR_RXFF);
	ris = uart_read(PL011_RIS);
	check("without FEN one byte is the RX level", ris & (PL011_INT_RX | PL011_INT_RT),
	      PL011_INT_RX);
	check_line("RX raises the line");
	return (char)(uart_read(PL011_DR) & 0xff);
}

/* FEN set: 16 bytes, at or over the half-full level: RX, not RT. */
static void pl_rx_full(void)
{
	uart_write(PL011_LCR_H, PL011_LCR_H_WLEN8 | PL011_LCR_H_FEN);
	while (!(uart_read(PL011_FR) & PL011_FR_RXFF))
		rt_relax();
	check("a full FIFO is RX, not RT", uart_read(PL011_RIS) & (PL011_INT_RX | PL011_INT_RT),
	      PL011_INT_RX);
	check_line("a full FIFO raises the line");
}

static void pl_timer_irq(uint32_t intid)
{
	(void)intid;
	timer_stop();
	pl_timer_fired = 1;
}

/* Sleeps (WFI, so an -icount run skips the idle time) for ms milliseconds. */
static void pl_wait_ms(uint32_t ms)
{
	pl_timer_fired = 0;
	gic_enable(TIMER_VIRT_INTID, UART_PRIO);
	timer_arm_at(timer_now() + timer_ns_to_ticks((uint64_t)ms * 1000000));
	irq_wait_change(&pl_timer_fired, 0);
	gic_disable(TIMER_VIRT_INTID);
}

/* "abc" typed after the line: below the level, so RT; ICR holds it off, the bytes stay. */
static void pl_rx_timeout(void)
{
	char got[4] = {0};

	while (uart_read(PL011_FR) & PL011_FR_RXFE)
		rt_relax();
	pl_wait_ms(300); /* the rest of "abc" */
	uart_write(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	check("data below the level is RT, not RX",
	      uart_read(PL011_RIS) & (PL011_INT_RX | PL011_INT_RT), PL011_INT_RT);
	check_line("RT raises the line");
	uart_write(PL011_ICR, PL011_INT_RT);
	check("ICR clears RT", uart_read(PL011_RIS) & PL011_INT_RT, 0);
	check_line("ICR lowers the line");
	check("ICR leaves the data", uart_read(PL011_FR) & PL011_FR_RXFE, 0);
	for (uint32_t i = 0; i < 3 && !(uart_read(PL011_FR) & PL011_FR_RXFE); i++)
		got[i] = (char)(uart_read(PL011_DR) & 0xff);
	check("the bytes after the line, in order", got[0] << 16 | got[1] << 8 | got[2],
	      'a' << 16 | 'b' << 8 | 'c');
	check("then the FIFO is empty", uart_read(PL011_FR) & PL011_FR_RXFE, PL011_FR_RXFE);
	uart_write(PL011_IMSC, 0);
	check_line("IMSC 0 lowers it");
}

/* Polled, as the driver's console write: more than the console takes as one line. */
static void pl_very_long(void)
{
	rt_puts("pl011: very long ");
	for (uint32_t i = 0; i < 600; i++)
		rt_putc((char)('0' + i % 10));
	rt_putc('\n');
}

static volatile uint32_t pl_half_done;

static void pl_uart_puts(const char *s)
{
	while (*s)
		uart_write(PL011_DR, (uint8_t)*s++);
}

static void pl_second_half(uint32_t vcpu)
{
	(void)vcpu;
	pl_uart_puts(" and ended on vCPU 1\n");
	__atomic_store_n(&pl_half_done, 1, __ATOMIC_RELEASE);
	rt_cpu_off();
}

/*
 * One line through the UART, begun by vCPU 0 and ended by vCPU 1 (as an SMP
 * kernel's transmit interrupt moves between CPUs): the UART's line, not a
 * vCPU's, so it comes out whole. Only with a second vCPU (configs/pl011.cfg).
 */
static void pl_line_across_vcpus(void)
{
	struct rt_vm_info info;

	if (rt_vm_info(&info) || info.nr_vcpus < 2)
		return;
	pl_uart_puts("pl011: a line begun on vCPU 0");
	check("vCPU 1 started", (uint32_t)rt_cpu_on(1, pl_second_half), 0);
	while (!__atomic_load_n(&pl_half_done, __ATOMIC_ACQUIRE))
		rt_relax();
}

void main(uint64_t arg)
{
	(void)arg;
	gic_init();
	irq_register(UART_INTID, pl_irq);
	irq_register(TIMER_VIRT_INTID, pl_timer_irq);
	gic_disable(UART_INTID);
	gic_set_edge(UART_INTID, 0);
	gic_route_spi(UART_INTID, 0);
	pl_ids();
	pl_program();
	pl_tx_semantics();
	pl_long_line();

	rt_printf("pl011: type a line\n");
	pl_line[pl_line_len++] = pl_rx_unbuffered();
	pl_rx_full();
	gic_enable(UART_INTID, UART_PRIO);
	uart_write(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	irq_wait_change(&pl_rx_done, 0);
	gic_disable(UART_INTID);
	pl_line[pl_line_len] = 0;
	rt_printf("pl011: got \"%s\" in %u interrupts\n", pl_line, pl_rx_irqs);
	pl_rx_timeout();
	pl_very_long();
	pl_line_across_vcpus();
	rt_printf("pl011: %d checks, %d failed\n", pl_checks, pl_failed);
}
