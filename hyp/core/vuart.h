/*
 * A VM's emulated UART, so unmodified guest code has a console: the
 * model-neutral part here (vuart.c: the VM's console line, its receive
 * FIFO, console input for the `input` VM, the interrupt line), the
 * registers in the platform's model (PLAT_VUART_MODEL: vuart_pl011.c or
 * vuart_ns16550.c, the one built).
 */
#ifndef VUART_H
#define VUART_H

#include <stdint.h>

#include "platform.h"
#include "spinlock.h"
#include "vconsole.h"

#define VUART_FIFO 16 /* the receive FIFO of both models when on (1 deep when off) */

#if PLAT_VUART_MODEL == PLAT_VUART_PL011
#include "vuart_pl011.h"
#elif PLAT_VUART_MODEL == PLAT_VUART_NS16550A
#include "vuart_ns16550.h"
#else
#error "PLAT_VUART_MODEL names no register model"
#endif

struct vcpu;
struct vm;

#define VUART_SIZE 0x1000 /* the page it takes in the VM's address space */

/* What a VM's UART remembers between accesses; all of it under lock. */
struct vuart {
	struct spinlock lock;
	struct vuart_regs regs; /* the model's */
	uint32_t line;          /* the interrupt line as last driven */
	uint32_t rx_head, rx_tail;
	uint8_t rx[VUART_FIFO];
	struct vconsole out; /* what it sent: one line per VM, whichever vCPU writes */
};

/* The UART as out of reset, as firmware leaves it (enabled), its FIFO empty. */
void vuart_reset(struct vm *vm);
int vuart_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value);
/* Queue up to n bytes as received by vm's UART; returns how many fitted (0: the FIFO is full). */
uint32_t vuart_input(struct vm *vm, const uint8_t *bytes, uint32_t n);
/* The physical UART's receive interrupt: what it holds goes to the `input` VM's FIFO. */
void vuart_uart_irq(void);
/* What vm's UART sent of a line not ended yet, written out (before the VM stops). */
void vuart_flush(struct vm *vm);
/* The guest ended its UART interrupt: raise it again if the line is still high (level). */
void vuart_resample(struct vm *vm);

/* The receive FIFO, for the register file (under the lock). Inline, as the helpers
 * below that take a struct vuart_regs: an emulated access is on a guest's hot path. */
static inline uint32_t vuart_rx_count(const struct vuart *u)
{
	return u->rx_head - u->rx_tail;
}

/* The oldest byte, taken out; 0 if none. */
uint8_t vuart_rx_pop(struct vuart *u);
/* A byte received, if the FIFO has room (the model's depth). */
void vuart_rx_push(struct vuart *u, uint8_t c);
void vuart_rx_flush(struct vuart *u);

/*
 * The register file: one model's, the platform's (vuart_pl011.c or
 * vuart_ns16550.c), under the lock. Its header gives vuart_regs_depth (how
 * many received bytes the FIFO holds at most, as the guest has set it) and
 * vuart_regs_valid (1 if the model has a register of that size there;
 * anything else stops the VM).
 */
void vuart_regs_reset(struct vuart *u);
/* The interrupt line's level. */
int vuart_regs_line(const struct vuart *u);
/* Bytes were received: interrupts the guest cleared for older data come again. */
void vuart_regs_rx_new(struct vuart *u);
/* A read or a write; returns the byte the guest transmitted, or -1. */
int vuart_regs_access(struct vuart *u, uint64_t offset, int write, uint64_t *value);

#endif
