/* The network device's interrupt on Armv8-A: an SPI of the GIC, routed to vCPU 0. */
#include "mon_irq.h"

#include "gic.h"

#define MON_IRQ_PRIO 0x80

void mon_irq_attach(uint32_t intid, int edge, void (*fn)(uint32_t intid))
{
	gic_init();
	irq_register(intid, fn);
	gic_set_edge(intid, edge);
	gic_route_spi(intid, 0);
	gic_enable(intid, MON_IRQ_PRIO);
}

void mon_irq_on(void)
{
	irq_enable_local();
}
