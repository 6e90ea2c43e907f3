/* The interrupts of the guests built for both architectures, on Arm: the GIC (gic.h). */
#ifndef INTC_H
#define INTC_H

#include "gic.h"

#define INTC_NR_IDS GIC_NR_INTIDS

static inline void intc_init(void)
{
	gic_init();
}

/* An interrupt on at priority prio, to vCPU 0 if it is shared (an SPI). */
static inline void intc_enable(uint32_t id, uint8_t prio)
{
	if (id >= 32)
		gic_route_spi(id, 0);
	gic_enable(id, prio);
}

#endif
