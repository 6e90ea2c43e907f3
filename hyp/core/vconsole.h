/*
 * A VM's console as seen on the system console: characters are collected
 * into lines and written whole, prefixed with the VM's name, so two VMs
 * never interleave within a line. What a vCPU writes itself (console_write,
 * SBI's console) is collected per vCPU, by its own pCPU alone: no lock, and
 * two vCPUs of one VM do not interleave either. An emulated UART has one
 * line, as it is one device (vuart.c, under its lock): a guest that writes
 * a line from one vCPU and ends it from another (an SMP kernel's transmit
 * interrupt moves) still gets it whole.
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

/* c into con, a line of VM vm's; a line end writes the line out. */
void vconsole_put(struct vconsole *con, uint32_t vm, char c);
/* What con holds, written out as a line (nothing if it is empty). */
void vconsole_end(struct vconsole *con, uint32_t vm);
/* The same on vCPU v's own line. */
void vconsole_putc(struct vcpu *v, char c);
void vconsole_flush(struct vcpu *v);

#endif
