/* The physical PL011 UART: polled output and input. */
#ifndef PL011_H
#define PL011_H

#include <stdint.h>

void pl011_init(uintptr_t base);
void pl011_putc(char c);
int pl011_rx_ready(void);
int pl011_getc(void); /* -1 if nothing was received */
void pl011_drain(void);
/* Raise the UART's interrupt while received data waits (or not). */
void pl011_rx_irq(int on);

#endif
