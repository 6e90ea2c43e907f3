/* The monitor stack's architecture part (monitor/ARCH/stack_arch.c): its guard and the switch to
 * it. */
#ifndef STACK_ARCH_H
#define STACK_ARCH_H

#include <stdint.h>

/* Leaves the 4 KiB page at guard out of the monitor's translation, the rest as it was. */
void stack_arch_guard(uintptr_t guard);
/* Runs fn on the stack whose top is top, never to come back. */
void stack_arch_jump(void (*fn)(void), void *top) __attribute__((noreturn));

#endif
