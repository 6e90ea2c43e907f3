/*
 * A VM's console as seen on the system console: characters are collected
 * per VM and written as whole lines prefixed with the VM's name, so two
 * VMs never interleave within a line.
 */
#ifndef VCONSOLE_H
#define VCONSOLE_H

#include <stdint.h>

#include "spinlock.h"

#define VCONSOLE_LINE 160

struct vconsole {
	struct spinlock lock;
	uint32_t len;
	char line[VCONSOLE_LINE];
};

struct vm;

void vconsole_putc(struct vm *vm, char c);
void vconsole_flush(struct vm *vm);

#endif
