/*
 * PL011 register model: enough for polled and interrupt-driven drivers
 * (and for a driver that probes the PrimeCell ID). Output goes to the VM's
 * console line and is always done at once (the transmitter never raises an
 * interrupt). Input comes from the physical UART for the one VM the config
 * names as `input` (its receive interrupt is the physical one, INTID 33,
 * passed through); every other VM receives what the monitor types to it
 * (console attach), with a virtual INTID 33.
 */
#include "vuart.h"

#include "arch.h"
#include "config.h"
#include "pl011.h"
#include "vm.h"

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_CR 0x030
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)
#define INT_RX (1u << 4 | 1u << 6) /* receive, receive timeout */

static const uint8_t vuart_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static int vuart_has_input(const struct vm *vm)
{
	return cfg_system.input_vm == vm->id;
}

static int vuart_rx_ready(struct vm *vm)
{
	if (vuart_has_input(vm))
		return pl011_rx_ready();
	return __atomic_load_n(&vm->vuart.rx_head, __ATOMIC_ACQUIRE) != vm->vuart.rx_tail;
}

static int vuart_getc(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	int c = -1;

	if (vuart_has_input(vm))
		return pl011_getc();
	spin_lock(&u->lock);
	if (u->rx_head != u->rx_tail)
		c = u->rx[u->rx_tail++ % VUART_FIFO];
	spin_unlock(&u->lock);
	return c;
}

uint32_t vuart_input(struct vm *vm, const uint8_t *bytes, uint32_t n)
{
	struct vuart *u = &vm->vuart;
	uint32_t took = 0;

	spin_lock(&u->lock);
	while (took < n && u->rx_head - u->rx_tail < VUART_FIFO)
		u->rx[u->rx_head++ % VUART_FIFO] = bytes[took++];
	spin_unlock(&u->lock);
	if (took && u->imsc & INT_RX)
		arch_virq_raise(vm, PLAT_UART_INTID);
	return took;
}

static uint32_t vuart_read(struct vm *vm, uint64_t offset)
{
	if (offset == UART_DR) {
		int c = vuart_getc(vm);

		return c < 0 ? 0 : (uint32_t)c;
	}
	if (offset == UART_FR)
		return FR_TXFE | (vuart_rx_ready(vm) ? 0 : FR_RXFE);
	if (offset == UART_CR)
		return 0x301; /* UARTEN, TXE, RXE */
	if (offset == UART_IMSC)
		return vm->vuart.imsc;
	if (offset == UART_RIS || offset == UART_MIS) {
		uint32_t ris = vuart_rx_ready(vm) ? INT_RX : 0;

		return offset == UART_RIS ? ris : ris & vm->vuart.imsc;
	}
	if (offset >= 0xfe0)
		return vuart_id[(offset - 0xfe0) / 4];
	return 0;
}

int vuart_access(struct vcpu *v, uint64_t offset, unsigned size, int write, uint64_t *value)
{
	if (offset & 3 || size > 4)
		return -1;
	if (write) {
		if (offset == UART_DR)
			vconsole_putc(v, (char)*value);
		if (offset == UART_IMSC) {
			v->vm->vuart.imsc = (uint32_t)*value & 0x7ff;
			if (vuart_has_input(v->vm))
				pl011_rx_irq(v->vm->vuart.imsc & INT_RX);
			else if (v->vm->vuart.imsc & INT_RX && vuart_rx_ready(v->vm))
				arch_virq_raise(v->vm, PLAT_UART_INTID);
		}
		return 0; /* other control registers: accepted and ignored */
	}
	*value = vuart_read(v->vm, offset);
	return 0;
}
