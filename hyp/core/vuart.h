/* An emulated PL011 at the VM's UART address, so unmodified guest code has a console. */
#ifndef VUART_H
#define VUART_H

#include <stdint.h>

struct vcpu;

#define VUART_SIZE 0x1000

/* What a VM's PL011 remembers between accesses. */
struct vuart {
	uint32_t imsc; /* interrupt mask, as the guest set it */
};

int vuart_access(struct vcpu *v, uint64_t offset, unsigned size, int write, uint64_t *value);

#endif
