/*
 * Physical GICv3: distributor with affinity routing, this pCPU's
 * redistributor and the EL2 system-register CPU interface. All interrupts
 * are Group 1; the hypervisor takes them only while a guest runs.
 */
#include "gicv3.h"

#include "arch.h"
#include "platform.h"
#include "sysreg.h"

#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_GRP1 (1u << 1)
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_SGI 0x10000 /* SGI and PPI frame */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_IPRIORITYR 0x0400

static volatile uint32_t *gic_reg(uint64_t pa)
{
	return (volatile uint32_t *)arch_device_va(pa);
}

void gicv3_init_dist(void)
{
	volatile uint32_t *ctlr = gic_reg(PLAT_GICD_BASE + GICD_CTLR);

	*ctlr = GICD_CTLR_ARE;
	while (*ctlr & GICD_CTLR_RWP)
		;
	*ctlr = GICD_CTLR_ARE | GICD_CTLR_GRP1;
	while (*ctlr & GICD_CTLR_RWP)
		;
}

void gicv3_init_cpu(uint32_t cpu)
{
	uint64_t rd = PLAT_GICR_BASE + cpu * PLAT_GICR_STRIDE;
	volatile uint32_t *waker = gic_reg(rd + GICR_WAKER);

	*waker &= ~GICR_WAKER_SLEEP;
	while (*waker & GICR_WAKER_CHILDREN_ASLEEP)
		;
	*gic_reg(rd + GICR_SGI + GICR_IGROUPR0) = 0xffffffff;
	*gic_reg(rd + GICR_SGI + GICR_IPRIORITYR + GIC_SGI_IPI / 4 * 4) =
	    0x80u << (8 * (GIC_SGI_IPI % 4));
	*gic_reg(rd + GICR_SGI + GICR_ISENABLER0) = 1u << GIC_SGI_IPI;

	sysreg_write(ICC_SRE_EL2, 0xf); /* SRE, DFB, DIB, and EL1 may use SRE too */
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, 0);
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	isb();
}

void gicv3_send_sgi(uint32_t cpu, uint32_t intid)
{
	dsb(ishst);
	sysreg_write(ICC_SGI1R_EL1, ((uint64_t)intid << 24) | (1ull << cpu));
	isb();
}

uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)sysreg_read(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gicv3_eoi(uint32_t intid)
{
	sysreg_write(ICC_EOIR1_EL1, intid);
	isb();
}
