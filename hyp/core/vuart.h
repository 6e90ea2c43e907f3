/* An emulated PL011 at the VM's UART address, so unmodified guest code has a console. */
#ifndef VUART_H
#define VUART_H

#include <stdint.h>

#include "spinlock.h"

struct vcpu;

#define VUART_SIZE 0x1000

#define VUART_FIFO 16 /* a PL011's receive FIFO */

/* What a VM's PL011 remembers between accesses. */
struct vuart {
	uint32_t imsc; /* interrupt mask, as the guest set it */
	/* What the monitor typed to this VM (console attach), not yet read; under lock. */
	struct spinlock lock;
	uint32_t rx_head, rx_tail;
	uint8_t rx[VUART_FIFO];
};

struct vm;

int vuart_access(struct vcpu *v, uint64_t offset, unsigned size, int write, uint64_t *value);
/* Queue up to n bytes as received by vm's UART; returns how many fitted. */
uint32_t vuart_input(struct vm *vm, const uint8_t *bytes, uint32_t n);

#endif
