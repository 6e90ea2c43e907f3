/*
 * The SMMUv3 in front of the PCIe host bridge: it confines each passed-through
 * function's DMA to its VM's memory. The VMs never see it.
 */
#ifndef SMMUV3_H
#define SMMUV3_H

#include <stdint.h>

struct vm;

/* Probe, set up the queues and an all-refusing stream table, turn it on; -1 if absent. */
int smmu_init(void);
/* Stream sid (a function's bus/device/function) translates through vm's memory map. */
int smmu_attach(struct vm *vm, uint32_t sid);
/* The event queue's interrupt: report and count every fault it holds. */
void smmu_event_irq(void);

#endif
