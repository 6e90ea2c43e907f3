/*
 * Memory-bandwidth regulation (MemGuard-style): a VM with `membw BYTES
 * period TIME` may move BYTES over the memory bus per period on each of its
 * pCPUs; a vCPU that has used its budget waits, in the hypervisor, for the
 * next period. A VM without a budget pays nothing: its pCPU runs no timer
 * and its exits no check.
 */
#ifndef MEMBW_H
#define MEMBW_H

#include <stdint.h>

struct vcpu;
struct vt_sys_vm;

/* A vCPU starts on its pCPU: if its VM has a budget, the first period and the tick begin. */
void membw_start(struct vcpu *v);
/* The hypervisor's timer fired on this pCPU: account, and maybe throttle. */
void membw_tick(void);
/* After the timer's interrupt is deactivated: a throttled vCPU waits out its period here. */
void membw_wait(struct vcpu *v);
/* A VM's budget and what regulation did to it, for the system page. */
void membw_describe(uint32_t vm, struct vt_sys_vm *out);
/* Some VM has a budget: the hypervisor must read the bus counts (the emulated LLC's page). */
int membw_any(void);

#endif
