/* The PLIC each VM sees (vplic.c). */
#ifndef VPLIC_H
#define VPLIC_H

#include <stdint.h>

struct vm;
struct vcpu;

void vplic_vm_init(struct vm *vm);
/* A pCPU has started (OpenSBI reset its PLIC contexts): its VMs' enables again. */
void vplic_cpu_online(uint32_t pcpu);
/* All of vm's vCPUs are parked: its PLIC as out of reset, its devices' sources off. */
void vplic_vm_reset(struct vm *vm);
/* A physical external interrupt on this pCPU: its sources to the VMs that own them. */
void vplic_physical_irq(void);
/* Before v returns to its guest: its context's line into hvip.VSEIP. */
void vplic_sync(struct vcpu *v);

#endif
