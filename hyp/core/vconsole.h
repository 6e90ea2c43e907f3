/*
 * A VM's console as seen on the system console: characters are collected
 * per vCPU and written as whole lines prefixed with the VM's name, so
 * neither two VMs nor two vCPUs of one VM interleave within a line. Only
 * the vCPU's own pCPU touches its buffer: no lock.
 */
#ifndef VCONSOLE_H
#define VCONSOLE_H

#include <stdint.h>

/*
 * The longest line that comes out whole: the longest record the console
 * ring carries to the monitor (conring.c), so a line never loses its end
 * there. A longer one comes out in pieces of this size.
 */
#define VCONSOLE_LINE 512

struct vconsole {
	uint32_t len;
	char line[VCONSOLE_LINE];
};

struct vcpu;

void vconsole_putc(struct vcpu *v, char c);
void vconsole_flush(struct vcpu *v);

#endif
