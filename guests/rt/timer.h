/*
 * The guests' timer: one comparator per vCPU, its interrupt level (it stays
 * asserted once the deadline passed, until re-armed or stopped); the
 * architecture's half in timer_arch.h.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>

#include <timer_arch.h> /* timer_freq, timer_now, timer_arm_at, timer_stop, TIMER_VIRT_INTID */

uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);
/* Busy-waits (yielding) until the counter reaches t. */
void timer_wait_until(uint64_t t);

#endif
