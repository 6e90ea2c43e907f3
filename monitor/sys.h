/* The monitor's C library set-up (monitor/sys.c). */
#ifndef MONITOR_SYS_H
#define MONITOR_SYS_H

#include <stddef.h>

/* Before any C library call: points TPIDR_EL0 at the TLS block (errno lives there). */
void sys_init(void);
/*
 * Where stdout and stderr go: put(ctx, c) for each character, or the UART
 * again with put NULL. The TCP console points it at a client for its chunk.
 */
void sys_set_output(void (*put)(void *ctx, char c), void *ctx);
/* How far malloc has taken the heap with sbrk (from __heap_start). */
size_t sys_heap_used(void);

#endif
