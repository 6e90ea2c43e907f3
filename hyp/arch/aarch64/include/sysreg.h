/* System register access and barriers for Armv8-A at EL2. */
#ifndef SYSREG_H
#define SYSREG_H

#include <stdint.h>

#define sysreg_read(reg)                                                                           \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                      \
		v_;                                                                                \
	})
#define sysreg_write(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)))

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")

/* GICv3 CPU interface registers by encoding (older assemblers lack names). */
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5

/* HCR_EL2 */
#define HCR_VM (1ul << 0)
#define HCR_SWIO (1ul << 1)
#define HCR_FMO (1ul << 3)
#define HCR_IMO (1ul << 4)
#define HCR_AMO (1ul << 5)
#define HCR_FB (1ul << 9)
#define HCR_BSU_IS (1ul << 10)
#define HCR_TWI (1ul << 13)
#define HCR_TWE (1ul << 14)
#define HCR_TSC (1ul << 19)
#define HCR_TIDCP (1ul << 20)
#define HCR_TACR (1ul << 21)
#define HCR_TSW (1ul << 22)
#define HCR_RW (1ul << 31)

/* MDCR_EL2 */
#define MDCR_HPMN_MASK 0x1ful
#define MDCR_TPM (1ul << 6)
#define MDCR_TDE (1ul << 8)  /* debug exceptions from EL1 and EL0 go to EL2 */
#define MDCR_HPME (1ul << 7) /* counters from HPMN up count (they are EL2's) */
#define MDCR_TDA (1ul << 9)
#define MDCR_TDOSA (1ul << 10)
#define MDCR_TDRA (1ul << 11)
#define MDCR_TRAP_DEBUG (MDCR_TDRA | MDCR_TDOSA | MDCR_TDA)

/* PMCR_EL0 */
#define PMCR_P (1ul << 1) /* reset the event counters */
#define PMCR_C (1ul << 2) /* reset the cycle counter */
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)

/* ESR_ELx */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr)&0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25  /* a data abort taken at EL2 itself */
#define EC_BKPT_LOW 0x30  /* a hardware breakpoint, from a lower EL */
#define EC_SSTEP_LOW 0x32 /* software step, from a lower EL */
#define EC_WATCH_LOW 0x34 /* a watchpoint, from a lower EL */
#define EC_BRK64 0x3c

/* MDSCR_EL1 */
#define MDSCR_SS (1ul << 0)
#define MDSCR_MDE (1ul << 15) /* hardware breakpoints and watchpoints on */

/* The ISS of an abort from a lower EL (EC_IABT_LOW, EC_DABT_LOW). */
#define ESR_ABT_FSC(esr) ((esr)&0x3f)          /* fault status code */
#define FSC_KIND(fsc) ((fsc)&0x3c)             /* the kind, without the level */
#define FSC_TRANSLATION 0x04                   /* no mapping */
#define FSC_PERMISSION 0x0c                    /* a mapping that forbids the access */
#define ESR_DABT_ISV(esr) (((esr) >> 24) & 1)  /* the syndrome below is valid */
#define ESR_DABT_SAS(esr) (((esr) >> 22) & 3)  /* access size: 1 << SAS bytes */
#define ESR_DABT_SSE(esr) (((esr) >> 21) & 1)  /* a load sign-extends */
#define ESR_DABT_SRT(esr) (((esr) >> 16) & 31) /* the register transferred */
#define ESR_DABT_SF(esr) (((esr) >> 15) & 1)   /* an X register, not a W */
#define ESR_DABT_WNR(esr) (((esr) >> 6) & 1)   /* a write */

/* The ISS of a trapped MSR/MRS (EC_SYSREG). */
#define ESR_SYSREG_RT(esr) (((esr) >> 5) & 31)
#define ESR_SYSREG_READ(esr) ((esr)&1)

/* SPSR: M[3:0] of the AArch64 EL1 modes, SS (a software step is active-not-pending). */
#define SPSR_M_EL1T 0x4ul
#define SPSR_M_EL1H 0x5ul
#define SPSR_SS (1ul << 21)
/* SPSR: EL1h with D, A, I, F masked: how a vCPU starts. */
#define SPSR_EL1H_MASKED 0x3c5ul

#endif
