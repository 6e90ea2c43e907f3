/*
 * Physical GICv3: distributor with affinity routing, each pCPU's
 * redistributor and the EL2 system-register CPU interface, in EOImode 1:
 * the hypervisor drops priority at once, and an interrupt forwarded to a
 * guest stays active until the guest's EOI deactivates it through a
 * hardware-linked list register. All interrupts are Group 1; the
 * hypervisor takes them only while a guest runs.
 */
#include "gicv3.h"

#include "arch.h"
#include "gicv3_regs.h"
#include "platform.h"
#include "sysreg.h"

#define ICC_CTLR_EOIMODE (1u << 1)

static uint32_t gic_intids; /* SPIs end below this */

static volatile uint32_t *gicd(uint32_t off)
{
	return (volatile uint32_t *)arch_device_va(PLAT_GICD_BASE + off);
}

static volatile uint32_t *gicr(uint32_t cpu, uint32_t off)
{
	return (volatile uint32_t *)arch_device_va(PLAT_GICR_BASE + cpu * PLAT_GICR_STRIDE + off);
}

static void gicd_wait(void)
{
	while (*gicd(GICD_CTLR) & GICD_CTLR_RWP)
		;
}

static void gic_set_prio(volatile uint32_t *base, uint32_t intid, uint8_t prio)
{
	volatile uint8_t *p = (volatile uint8_t *)base;

	p[intid] = prio;
}

void gicv3_init_dist(void)
{
	uint32_t lines = (*gicd(GICD_TYPER) & 0x1f) + 1;

	gic_intids = lines * 32 > 1020 ? 1020 : lines * 32;
	*gicd(GICD_CTLR) = 0;
	gicd_wait();
	for (uint32_t i = 32; i < gic_intids; i += 32) {
		*gicd(GICD_ICENABLER + i / 8) = 0xffffffff;
		*gicd(GICD_ICACTIVER + i / 8) = 0xffffffff;
		*gicd(GICD_IGROUPR + i / 8) = 0xffffffff;
	}
	for (uint32_t i = 32; i < gic_intids; i++) {
		gic_set_prio(gicd(GICD_IPRIORITYR), i, GIC_GUEST_PRIO);
		*(volatile uint64_t *)gicd(GICD_IROUTER + 8 * i) = 0;
	}
	*gicd(GICD_CTLR) = GICD_CTLR_ARE;
	gicd_wait();
	*gicd(GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1;
	gicd_wait();
}

void gicv3_init_cpu(uint32_t cpu)
{
	volatile uint32_t *waker = gicr(cpu, GICR_WAKER);

	*waker &= ~GICR_WAKER_PROCESSOR_SLEEP;
	while (*waker & GICR_WAKER_CHILDREN_ASLEEP)
		;
	*gicr(cpu, GICR_SGI_BASE + GICR_ICENABLER0) = 0xffffffff;
	*gicr(cpu, GICR_SGI_BASE + GICR_ICACTIVER0) = 0xffffffff;
	*gicr(cpu, GICR_SGI_BASE + GICR_IGROUPR0) = 0xffffffff;
	gic_set_prio(gicr(cpu, GICR_SGI_BASE + GICR_IPRIORITYR), GIC_SGI_IPI, GIC_HYP_PRIO);
	gic_set_prio(gicr(cpu, GICR_SGI_BASE + GICR_IPRIORITYR), GIC_PPI_MAINT, GIC_HYP_PRIO);
	gic_set_prio(gicr(cpu, GICR_SGI_BASE + GICR_IPRIORITYR), GIC_PPI_VTIMER, GIC_GUEST_PRIO);
	*gicr(cpu, GICR_SGI_BASE + GICR_ISENABLER0) =
	    1u << GIC_SGI_IPI | 1u << GIC_PPI_MAINT | 1u << GIC_PPI_VTIMER;

	sysreg_write(ICC_SRE_EL2, 0xf); /* SRE, DFB, DIB, and EL1 may use SRE too */
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	isb();
}

void gicv3_send_sgi(uint32_t cpu, uint32_t intid)
{
	gicv3_sgi_write(cpu, intid);
	isb();
}

void gicv3_spi_enable(uint32_t intid, int on)
{
	*gicd((on ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4) = 1u << (intid % 32);
}

void gicv3_ppi_enable(uint32_t cpu, uint32_t intid)
{
	gic_set_prio(gicr(cpu, GICR_SGI_BASE + GICR_IPRIORITYR), intid, GIC_HYP_PRIO);
	*gicr(cpu, GICR_SGI_BASE + GICR_ISENABLER0) = 1u << intid;
}

void gicv3_spi_route(uint32_t intid, uint32_t cpu)
{
	*(volatile uint64_t *)gicd(GICD_IROUTER + 8 * intid) = cpu; /* Aff0 = pCPU on virt */
}

void gicv3_spi_edge(uint32_t intid, int edge)
{
	volatile uint32_t *cfg = gicd(GICD_ICFGR + intid / 16 * 4);
	uint32_t bit = 2u << (2 * (intid % 16));

	*cfg = edge ? *cfg | bit : *cfg & ~bit;
}

void gicv3_clear_active(uint32_t intid, uint32_t cpu)
{
	if (intid < 32)
		*gicr(cpu, GICR_SGI_BASE + GICR_ICACTIVER0) = 1u << intid;
	else
		*gicd(GICD_ICACTIVER + intid / 32 * 4) = 1u << (intid % 32);
}

void gicv3_spi_own(uint32_t intid, uint32_t cpu, int edge)
{
	gic_set_prio(gicd(GICD_IPRIORITYR), intid, GIC_HYP_PRIO);
	gicv3_spi_edge(intid, edge);
	gicv3_spi_route(intid, cpu);
	gicv3_spi_enable(intid, 1);
}
