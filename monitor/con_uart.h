/*
 * The console UART's driver: the platform UART, passed through to the
 * monitor at the address it has on the board (the `uart` a monitor's config
 * gives). One file per kind in monitor/uart/, chosen by MON_UART (arch.mk).
 */
#ifndef CON_UART_H
#define CON_UART_H

#include <stdint.h>

/* Sends a byte, waiting (rt_relax) while the transmitter is full. */
void con_uart_put(uint8_t c);
/* A received byte, or -1 if none waits. */
int con_uart_get(void);

#endif
