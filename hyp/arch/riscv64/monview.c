/*
 * What the monitor's system page (hyp/core/sysview.c) asks of riscv64.
 * RISC-V has no cache ID registers: the LLC is described by the colours
 * the platform's configs assume (PLAT_LLC_COLORS), its geometry left 0,
 * unknown. No PMU events are counted for the monitor (the SBI PMU
 * extension is not used): cache.llc() says it is not built here.
 */
#include <vitrine/abi.h>
#include <vitrine/sysview.h>

#include "arch.h"
#include "platform.h"

void arch_llc_geometry(struct vt_sys_llc *llc)
{
	*llc = (struct vt_sys_llc){.colors = PLAT_LLC_COLORS};
}

void arch_llc_pmu_describe(struct vt_sys *s)
{
	s->llc.pmu_refill = VT_SYS_PMU_NONE;
	s->llc.pmu_access = VT_SYS_PMU_NONE;
	s->pmu_counters = 0;
	s->nr_pcpus = PLAT_CPU_NUM;
}

int arch_llc_sample(struct vt_sys *s)
{
	(void)s;
	return SMCCC_NOT_SUPPORTED;
}
