/*
 * The monitor's one device interrupt, its network device's, taken on its
 * vCPU 0: on Armv8-A by the GIC (rt's gic.c), on riscv64 by the PLIC
 * context of its hart (monitor/riscv64/irq.c). One file per architecture.
 */
#ifndef MON_IRQ_H
#define MON_IRQ_H

#include <stdint.h>

/* Sets the controller up for intid (edge-triggered or level), fn to handle it. */
void mon_irq_attach(uint32_t intid, int edge, void (*fn)(uint32_t intid));
/* Interrupts are taken from here on. */
void mon_irq_on(void);

#endif
