/* The hypervisor's own PMU counters: LLC events per pCPU (pmu_llc.c). */
#ifndef PMU_LLC_H
#define PMU_LLC_H

#include <stdint.h>

/* Each pCPU at boot, pCPU 0 first: picks the events and keeps their counters. */
void pmu_llc_cpu_init(uint32_t cpu);
/* MDCR_EL2's HPMN and HPME for this pCPU: the counters guests may have. */
uint64_t pmu_llc_mdcr(void);
/* PLAT_PMU_PPI: a counter overflowed. */
void pmu_llc_overflow(void);
/* The hypervisor's IPI: the monitor may want this pCPU's counts. */
void pmu_llc_serve(void);

#endif
