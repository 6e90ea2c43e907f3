/*
 * The hypervisor's physical console UART, polled output and input: one
 * driver per platform (HYP_DRIVERS in hyp/arch/ARCH/arch.mk).
 */
#ifndef UART_H
#define UART_H

#include <stdint.h>

void uart_init(uintptr_t base);
void uart_putc(char c);
int uart_rx_ready(void);
int uart_getc(void); /* -1 if nothing was received */
void uart_drain(void);
/* Raise the UART's interrupt while received data waits (or not). */
void uart_rx_irq(int on);

#endif
