/*
 * The model-neutral half of a VM's emulated UART (vuart.h): its receive
 * FIFO, where its input comes from, its interrupt line, its output.
 *
 * Output goes to the VM's console line at once, so the transmitter is
 * always empty. Input is what the monitor types to the VM (console
 * attach) or, for the VM the config names as `input`, what arrives on the
 * physical UART, moved into the FIFO as it has room; bytes that do not
 * fit wait where they are. The line is a level one, the platform UART's
 * INTID in the VM's interrupt controller (a virtual one: the GIC's or the
 * PLIC's model reports its end, so a line still high is raised again).
 */
#include "vuart.h"

#include <vitrine/config.h>

#include "arch.h"
#include "uart.h"
#include "vm.h"

/* The `input` VM, if its UART is this emulated one (a monitor has the physical one). */
static int vuart_has_input(const struct vm *vm)
{
	return cfg_system.input_vm == vm->id && vm->cfg->uart_ipa;
}

static int vuart_rx_room(const struct vuart *u)
{
	return vuart_rx_count(u) < vuart_regs_depth(&u->regs);
}

uint8_t vuart_rx_pop(struct vuart *u)
{
	uint8_t c = 0;

	if (vuart_rx_count(u))
		c = u->rx[u->rx_tail++ % VUART_FIFO];
	return c;
}

void vuart_rx_push(struct vuart *u, uint8_t c)
{
	if (!vuart_rx_room(u))
		return;
	u->rx[u->rx_head++ % VUART_FIFO] = c;
	vuart_regs_rx_new(u);
}

void vuart_rx_flush(struct vuart *u)
{
	u->rx_tail = u->rx_head;
}

/* Drive the line from the model's state (under the lock): raised on a rise, withdrawn on a fall. */
static void vuart_update(struct vm *vm)
{
	struct vuart *u = &vm->vuart;
	uint32_t line = vuart_regs_line(u) != 0;

	if (line == u->line)
		return;
	u->line = line;
	if (line)
		arch_virq_raise(vm, PLAT_UART_INTID);
	else
		arch_virq_lower(vm, PLAT_UART_INTID);
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

	while (vuart_rx_room(u) && uart_rx_ready())
		vuart_rx_push(u, (uint8_t)uart_getc());
	uart_rx_irq(vuart_rx_room(u));
}

void vuart_flush(struct vm *vm)
{
	spin_lock(&vm->vuart.lock);
	vconsole_end(&vm->vuart.out, vm->id);
	spin_unlock(&vm->vuart.lock);
}

void vuart_reset(struct vm *vm)
{
	struct vuart *u = &vm->vuart;

	spin_lock(&u->lock);
	vconsole_end(&u->out, vm->id);
	vuart_regs_reset(u);
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
	while (took < n && vuart_rx_room(u))
		vuart_rx_push(u, bytes[took++]);
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

int vuart_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value)
{
	struct vm *vm = v->vm;
	int tx;

	(void)ctx;
	if (!vuart_regs_valid(offset, size))
		return -1;
	spin_lock(&vm->vuart.lock);
	/* A polling guest sees input at once; a read or a deeper FIFO makes room. */
	if (vuart_has_input(vm))
		vuart_pull(vm);
	tx = vuart_regs_access(&vm->vuart, offset, write, value);
	if (tx >= 0)
		vconsole_put(&vm->vuart.out, vm->id, (char)tx);
	if (vuart_has_input(vm))
		vuart_pull(vm);
	vuart_update(vm);
	spin_unlock(&vm->vuart.lock);
	return 0;
}
