/*
 * GICv3 register map (Arm IHI 0069): offsets within the distributor, and
 * within a redistributor's RD and SGI frames. Architectural facts, shared
 * by the hypervisor's driver, its emulation, and the guests' driver.
 */
#ifndef GICV3_REGS_H
#define GICV3_REGS_H

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080 /* one bit per INTID from here to ICACTIVER */
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400 /* a byte per INTID */
#define GICD_ICFGR 0x0c00      /* two bits per INTID */
#define GICD_IROUTER 0x6000    /* 64 bits per SPI, indexed by INTID */
#define GICD_IROUTER_END 0x7fe0
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_ENABLE_G1 (1u << 1) /* EnableGrp1 (DS=1) or EnableGrp1A */
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)

#define GICR_FRAME 0x20000    /* RD frame and SGI frame of one PE */
#define GICR_SGI_BASE 0x10000 /* the SGI frame within it */

/* RD frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* SGI frame: the distributor's layout, for INTIDs 0-31 */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

#endif
