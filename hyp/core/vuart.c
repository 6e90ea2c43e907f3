/*
 * PL011 register model, as Linux's amba-pl011 driver programs it: the
 * PrimeCell IDs, baud and line control kept and read back, a receive FIFO
 * (16 deep, 1 without LCR_H.FEN), and the interrupts RX, RT and TX on a
 * level line, the VM's INTID 33 (a virtual one: vgic.c reports its EOI so
 * a line still high is raised again).
 *
 * Output goes to the VM's console line at once, so the transmit FIFO is
 * always empty: TX is raised while the transmitter is enabled. Input is
 * what the monitor types to the VM (console attach) or, for the VM the
 * config names as `input`, what arrives on the physical UART, moved into
 * the FIFO as it has room; bytes that do not fit wait where they are.
 */
#include "vuart.h"

#include <hw/pl011.h>
#include <vitrine/config.h>

#include "arch.h"
#include "uart.h"
#include "vm.h"

/* Peripheral ID 0x00141011 (ARM, PL011 r1: a 16-byte FIFO to Linux), PrimeCell ID 0xb105f00d. */
static const uint8_t vuart_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* The `input` VM, if its UART is this emulated one (a monitor has the physical one). */
static int vuart_has_input(const struct vm *vm)
{
	return cfg_system.input_vm == vm->id && vm->cfg->uart_ipa;
}

static uint32_t vuart_depth(const struct vuart *u)
{
	return u->lcr_h & PL011_LCR_H_FEN ? VUART_FIFO : 1;
}

static uint32_t vuart_count(const struct vuart *u)
{
	return u->rx_head - u->rx_tail;
}

/* IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO; one byte without it. */
static uint32_t vuart_rx_level(const struct vuart *u)
{
	static const uint8_t eighths[8] = {1, 2, 4, 6, 7, 7, 7, 7};

	if (!(u->lcr_h & PL011_LCR_H_FEN))
		return 1;
	return VUART_FIFO * eighths[u->ifls >> 3 & 7] / 8;
}

/*
 * The raw interrupt state. RT stands for the receive timeout a real PL011
 * raises after 32 idle bit periods: here it is raised at once whenever
 * data sits below the RX level.
 */
static uint32_t vuart_ris(const struct vuart *u)
{
	uint32_t ris = 0, n = vuart_count(u);

	if (n >= vuart_rx_level(u))
		ris |= PL011_INT_RX;
	else if (n)
		ris |= PL011_INT_RT;
	if ((u->cr & (PL011_CR_UARTEN | PL011_CR_TXE)) == (PL011_CR_UARTEN | PL011_CR_TXE))
		ris |= PL011_INT_TX;
	return ris & ~u->cleared;
}

/* Drive the line from MIS (under the lock): raised on a rise, withdrawn on a fall. */
static void vuart_update(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	uint32_t line = (vuart_ris(u) & u->imsc) != 0;

	if (line == u->line)
		return;
	u->line = line;
	if (line)
		arch_virq_raise(vm, PLAT_UART_INTID);
	else
		arch_virq_lower(vm, PLAT_UART_INTID);
}

static void vuart_push(struct vuart *u, uint8_t c)
{
	u->rx[u->rx_head++ % VUART_FIFO] = c;
	u->cleared &= ~(PL011_INT_RX | PL011_INT_RT); /* new data: its interrupts come again */
}

/*
 * The `input` VM's FIFO takes what the physical UART holds, as far as it
 * has room; the physical receive interrupt is on only while there is room,
 * so a full FIFO leaves the rest in the UART (and QEMU stops reading the
 * terminal) rather than dropping it. Under the lock.
 */
static void vuart_pull(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	while (vuart_count(u) < vuart_depth(u) && uart_rx_ready())
		vuart_push(u, (uint8_t)uart_getc());
	uart_rx_irq(vuart_count(u) < vuart_depth(u));
}

void vuart_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	spin_lock(&u->lock);
#define VUART_RESET(NAME, field, bits, reset) u->field = (reset);
	VUART_KEPT_REGS(VUART_RESET)
#undef VUART_RESET
	u->cleared = 0;
	u->rx_head = u->rx_tail = 0;
	u->line = 0;
	if (vuart_has_input(vm))
		vuart_pull(vm);
	spin_unlock(&u->lock);
}

uint32_t vuart_input(struct vm *vm, const uint8_t *bytes, uint32_t n)
{
	struct vuart *u = &vm->vuart;
	uint32_t took = 0;

	spin_lock(&u->lock);
	while (took < n && vuart_count(u) < vuart_depth(u))
		vuart_push(u, bytes[took++]);
	vuart_update(vm);
	spin_unlock(&u->lock);
	return took;
}

void vuart_uart_irq(void)
{
	struct vm *vm;

	if (cfg_system.input_vm >= vm_count || !vuart_has_input(&vm_table[cfg_system.input_vm])) {
		uart_rx_irq(0);
		return;
	}
	vm = &vm_table[cfg_system.input_vm];
	spin_lock(&vm->vuart.lock);
	vuart_pull(vm);
	vuart_update(vm);
	spin_unlock(&vm->vuart.lock);
}

void vuart_resample(struct vm *vm)
{
	spin_lock(&vm->vuart.lock);
	if (vm->vuart.line)
		arch_virq_raise(vm, PLAT_UART_INTID);
	spin_unlock(&vm->vuart.lock);
}

/* DR: the oldest byte (no error bits: nothing is ever lost or garbled), 0 if none. */
static uint32_t vuart_read_dr(struct vuart *u)
{
	uint32_t c = 0;

	if (vuart_count(u))
		c = u->rx[u->rx_tail++ % VUART_FIFO];
	return c;
}

static uint32_t vuart_read_fr(const struct vuart *u)
{
	uint32_t n = vuart_count(u);

	return PL011_FR_TXFE | (n ? 0 : PL011_FR_RXFE) | (n >= vuart_depth(u) ? PL011_FR_RXFF : 0);
}

/* A kept register's case in vuart_read and in vuart_write. */
#define VUART_READ_KEPT(NAME, field, bits, reset)                                                  \
	case PL011_##NAME:                                                                         \
		return u->field;
#define VUART_WRITE_KEPT(NAME, field, bits, reset)                                                 \
	case PL011_##NAME:                                                                         \
		u->field = value & (bits);                                                         \
		break;

/* Under the lock. */
static uint32_t vuart_read(struct vuart *u, uint64_t offset)
{
	switch (offset) {
		VUART_KEPT_REGS(VUART_READ_KEPT)
	case PL011_DR:
		return vuart_read_dr(u);
	case PL011_FR:
		return vuart_read_fr(u);
	case PL011_RIS:
		return vuart_ris(u);
	case PL011_MIS:
		return vuart_ris(u) & u->imsc;
	}
	if (offset >= PL011_PERIPHID0)
		return vuart_id[(offset - PL011_PERIPHID0) / 4];
	return 0; /* RSR (no errors ever), ICR (write-only), reserved */
}

/* Under the lock; a DR write is the caller's (its console line is the vCPU's, unlocked). */
static void vuart_write(struct vuart *u, uint64_t offset, uint32_t value)
{
	switch (offset) {
		VUART_KEPT_REGS(VUART_WRITE_KEPT)
	case PL011_DR: /* the byte went out at once: the FIFO passed its level, TX comes again */
		u->cleared &= ~PL011_INT_TX;
		break;
	case PL011_ICR:
		u->cleared |= value & PL011_INT_ALL;
		break;
	}
	/* RSR/ECR: a write clears errors there never are; the rest is read-only or reserved. */
}

int vuart_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value)
{
	struct vm *vm = v->vm;

	(void)ctx;
	if (offset & 3 || size > 4)
		return -1;
	if (write && offset == PL011_DR)
		vconsole_putc(v, (char)*value);
	spin_lock(&vm->vuart.lock);
	/* A polling guest sees input at once; a DR read or a deeper FIFO makes room. */
	if (vuart_has_input(vm))
		vuart_pull(vm);
	if (write)
		vuart_write(&vm->vuart, offset, (uint32_t)*value);
	else
		*value = vuart_read(&vm->vuart, offset);
	if (vuart_has_input(vm))
		vuart_pull(vm);
	vuart_update(vm);
	spin_unlock(&vm->vuart.lock);
	return 0;
}
