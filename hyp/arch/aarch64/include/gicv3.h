/* The physical GICv3, as the hypervisor drives it. */
#ifndef GICV3_H
#define GICV3_H

#include <stdint.h>

#include "sysreg.h"

#define GIC_SGI_IPI 0     /* hypervisor IPI: "look at your vCPU" */
#define GIC_PPI_MAINT 25  /* virtual CPU interface maintenance */
#define GIC_PPI_VTIMER 27 /* EL1 virtual timer */
#define GIC_SPURIOUS 1023
#define GIC_HYP_PRIO 0x80   /* hypervisor's own interrupts */
#define GIC_GUEST_PRIO 0xa0 /* interrupts forwarded to guests */

void gicv3_init_dist(void);
void gicv3_init_cpu(uint32_t cpu);
void gicv3_send_sgi(uint32_t cpu, uint32_t intid);

/* gicv3_send_sgi without its ISB: sent at the next context synchronization at the latest. */
static inline void gicv3_sgi_write(uint32_t cpu, uint32_t intid)
{
	dsb(ishst); /* what the target is to see, before it sees the SGI */
	sysreg_write(ICC_SGI1R_EL1, ((uint64_t)intid << 24) | (1ull << cpu));
}

static inline uint32_t gicv3_ack(void)
{
	return (uint32_t)sysreg_read(ICC_IAR1_EL1) & 0xffffff;
}

/* EOImode 1: eoi drops the running priority, deactivate ends the interrupt. */
static inline void gicv3_eoi(uint32_t intid)
{
	sysreg_write(ICC_EOIR1_EL1, intid);
}

/* Deactivation, in effect at the next context synchronization at the latest (an ERET). */
static inline void gicv3_deactivate_nosync(uint32_t intid)
{
	sysreg_write(icc_dir_el1, intid);
}

static inline void gicv3_deactivate(uint32_t intid)
{
	gicv3_deactivate_nosync(intid);
	isb();
}
void gicv3_spi_enable(uint32_t intid, int on);
/* A PPI of the hypervisor's own on pCPU cpu, at its priority. */
void gicv3_ppi_enable(uint32_t cpu, uint32_t intid);
void gicv3_spi_route(uint32_t intid, uint32_t cpu);
void gicv3_spi_edge(uint32_t intid, int edge);
/* One of the hypervisor's own SPIs, at its priority: taken even while cpu idles. */
void gicv3_spi_own(uint32_t intid, uint32_t cpu, int edge);
void gicv3_clear_active(uint32_t intid, uint32_t cpu);

#endif
