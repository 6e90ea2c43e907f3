/* The physical GICv3, as far as the hypervisor itself needs it. */
#ifndef GICV3_H
#define GICV3_H

#include <stdint.h>

#define GIC_SGI_IPI 0 /* hypervisor IPI: "look at your vCPU's state" */
#define GIC_SPURIOUS 1023

void gicv3_init_dist(void);
void gicv3_init_cpu(uint32_t cpu);
void gicv3_send_sgi(uint32_t cpu, uint32_t intid);
uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t intid);

#endif
