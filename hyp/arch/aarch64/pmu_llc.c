/*
 * LLC refills and accesses per pCPU from the PMU, for cache.llc() on
 * hardware (QEMU has no cache events: there the emulated LLC's page
 * answers, vitrine/llc.h).
 *
 * The hypervisor keeps the top one or two event counters of every pCPU
 * (MDCR_EL2.HPMN below them, HPME on): a guest, even the monitor that owns
 * its PMU, sees and resets only the counters below HPMN. They count at EL1
 * and EL0, so on a pCPU they count its one guest's events and none of the
 * hypervisor's, and they stand still while the hypervisor reads them.
 *
 * A counter is 32 bits and runs in the top PMU_LLC_SPAN of its range: it
 * starts at PMU_LLC_BIAS, and its overflow interrupt adds PMU_LLC_SPAN to a
 * 64-bit total and puts it back at PMU_LLC_BIAS plus what it counted since
 * (exact: it is still). The overflow path thus runs every 2^28 events, not
 * once in 2^32, and a fault in it cannot hide from a test.
 *
 * A pCPU reads its counters only when the monitor asks (VT_HC_LLC_SAMPLE:
 * a bit in struct cpu's requests, then an IPI); the exit path pays a load
 * and a branch on the hypervisor's IPI, and nothing elsewhere.
 */
#include "pmu_llc.h"

#include <vitrine/abi.h>
#include <vitrine/config.h>
#include <vitrine/llc.h>
#include <vitrine/sysview.h>

#include "arch.h"
#include "cpu.h"
#include "gicv3.h"
#include "log.h"
#include "spinlock.h"
#include "sysreg.h"

/* The emulated LLC plugin (tools/llc) writes its counters where the platform keeps a page free. */
_Static_assert(PLAT_LLC_PAGE_PA == VT_LLC_PAGE_PA, "the plugin and the platform agree");

#define PMU_LLC_REFILL 0
#define PMU_LLC_ACCESS 1
#define PMU_LLC_SPAN (1ull << 28)
#define PMU_LLC_BIAS ((uint32_t)((1ull << 32) - PMU_LLC_SPAN))
#define PMU_LLC_WAIT_HZ_DIV 20 /* a sample waits at most 1/20 s for every pCPU */

struct pmu_llc_cpu {
	uint64_t total[2]; /* PMU_LLC_SPAN per overflow so far */
	uint64_t value[2]; /* as of the last sample */
	uint64_t sampled;  /* counter time of the last sample; 0: never */
	uint32_t asked;    /* the sample generation the monitor wants (any pCPU writes) */
	uint32_t answered; /* the last generation this pCPU wrote (only it writes) */
	uint32_t on;       /* its counters are programmed (a core like pCPU 0) */
};

_Static_assert(PLAT_CPU_NUM <= VT_SYS_PCPUS, "every pCPU has a row in the system page");

static uint16_t pmu_llc_event[2] = {VT_SYS_PMU_NONE, VT_SYS_PMU_NONE};
static uint32_t pmu_llc_reserved; /* counters kept: 0, 1 (refills) or 2 */
static uint32_t pmu_llc_hpmn;     /* the first of them */
static uint32_t pmu_llc_gen;
static struct spinlock pmu_llc_lock;
static struct pmu_llc_cpu pmu_llc_cpus[PLAT_CPU_NUM];

/* Event counters of this core's PMUv3 (ID_AA64DFR0_EL1.PMUVer): 0 without one, whose registers
 * trap. */
static uint32_t pmu_llc_counters(void)
{
	uint64_t ver = sysreg_read(id_aa64dfr0_el1) >> 8 & 0xf;

	return ver == 0 || ver == 0xf ? 0 : (uint32_t)PMCR_N(sysreg_read(pmcr_el0));
}

/* Counter index of event kind k: refills in the top counter, accesses below it. */
static uint32_t pmu_llc_counter(int k)
{
	return pmu_llc_hpmn + pmu_llc_reserved - 1 - (uint32_t)k;
}

/* PMCEID0/1_EL0 describe the common events 0x0000-0x003f and 0x4000-0x403f. */
static int pmu_llc_implemented(uint32_t ev)
{
	uint64_t id0 = sysreg_read(pmceid0_el0), id1 = sysreg_read(pmceid1_el0);
	uint32_t low = ev & 0x3fff;

	if ((ev & ~0x403fu) != 0)
		return 1; /* IMPLEMENTATION DEFINED: the config's word is all there is */
	return ((low < 32 ? id0 : id1) >> ((low & 31) + (ev & 0x4000 ? 32 : 0))) & 1;
}

/* The config's events, or the architected ones for the LLC's level that this core has. */
static void pmu_llc_choose(uint32_t counters)
{
	static const uint16_t refill[4] = {0, 0x03, 0x17, 0x2a}; /* L1D, L2D, L3D_CACHE_REFILL */
	static const uint16_t access[4] = {0, 0x04, 0x16, 0x2b}; /* L1D, L2D, L3D_CACHE */
	struct vt_sys_llc llc;

	if (cfg_system.llc_events) {
		pmu_llc_event[PMU_LLC_REFILL] = cfg_system.llc_refill_event;
		pmu_llc_event[PMU_LLC_ACCESS] = cfg_system.llc_access_event;
	} else if (pmu_llc_implemented(0x37)) { /* LL_CACHE_MISS_RD, LL_CACHE_RD */
		pmu_llc_event[PMU_LLC_REFILL] = 0x37;
		pmu_llc_event[PMU_LLC_ACCESS] = 0x36;
	} else {
		arch_llc_geometry(&llc);
		if (llc.level >= 1 && llc.level <= 3) {
			pmu_llc_event[PMU_LLC_REFILL] = refill[llc.level];
			pmu_llc_event[PMU_LLC_ACCESS] = access[llc.level];
		}
	}
	for (int k = 0; k < 2; k++)
		if (pmu_llc_event[k] != VT_SYS_PMU_NONE && !pmu_llc_implemented(pmu_llc_event[k])) {
			if (cfg_system.llc_events)
				log_printf("llc-events: PMU event 0x%x is not implemented on this "
				           "CPU (PMCEID): not counted\n",
				           (unsigned)pmu_llc_event[k]);
			pmu_llc_event[k] = VT_SYS_PMU_NONE;
		}
	/* Refills first; at least one counter stays the guests' (HPMN 0 needs FEAT_HPMN0). */
	if (pmu_llc_event[PMU_LLC_REFILL] == VT_SYS_PMU_NONE || counters < 2)
		pmu_llc_event[PMU_LLC_REFILL] = pmu_llc_event[PMU_LLC_ACCESS] = VT_SYS_PMU_NONE;
	else if (pmu_llc_event[PMU_LLC_ACCESS] != VT_SYS_PMU_NONE && counters < 3)
		pmu_llc_event[PMU_LLC_ACCESS] = VT_SYS_PMU_NONE;
	pmu_llc_reserved = (pmu_llc_event[PMU_LLC_REFILL] != VT_SYS_PMU_NONE) +
	                   (pmu_llc_event[PMU_LLC_ACCESS] != VT_SYS_PMU_NONE);
	pmu_llc_hpmn = counters - pmu_llc_reserved;
}

void pmu_llc_cpu_init(uint32_t cpu)
{
	uint32_t counters = pmu_llc_counters();
	uint32_t mask = 0;

	if (cpu == 0 && counters)
		pmu_llc_choose(counters);
	if (!pmu_llc_reserved || counters != pmu_llc_hpmn + pmu_llc_reserved)
		return; /* cores unlike pCPU 0 keep their counters to themselves */
	for (int k = 0; k < (int)pmu_llc_reserved; k++) {
		uint32_t n = pmu_llc_counter(k);

		sysreg_write(pmselr_el0, n);
		isb();
		sysreg_write(pmxevtyper_el0, pmu_llc_event[k]); /* P, U, NSK, NSH 0: EL1 and EL0 */
		sysreg_write(pmxevcntr_el0, PMU_LLC_BIAS);
		mask |= 1u << n;
	}
	sysreg_write(pmselr_el0, 0);
	sysreg_write(pmovsclr_el0, mask);
	sysreg_write(pmintenset_el1, mask);
	sysreg_write(pmcntenset_el0, mask);
	gicv3_ppi_enable(cpu, PLAT_PMU_PPI);
	pmu_llc_cpus[cpu].on = 1;
}

uint64_t pmu_llc_mdcr(void)
{
	uint64_t n = pmu_llc_counters();

	if (!pmu_llc_reserved || n != pmu_llc_hpmn + pmu_llc_reserved)
		return n;
	return pmu_llc_hpmn | MDCR_HPME;
}

/* Our counters' overflows into the totals; others' interrupts off (nobody here takes them). */
static void pmu_llc_fold(struct pmu_llc_cpu *p)
{
	uint64_t ovs = sysreg_read(pmovsset_el0), inten = sysreg_read(pmintenset_el1);
	uint64_t foreign = ovs & inten & ((1ull << pmu_llc_hpmn) - 1 + (1ull << 31));

	for (int k = 0; k < (int)pmu_llc_reserved; k++)
		if (ovs >> pmu_llc_counter(k) & 1) {
			sysreg_write(pmselr_el0, pmu_llc_counter(k));
			isb();
			sysreg_write(pmxevcntr_el0,
			             (uint32_t)(PMU_LLC_BIAS + sysreg_read(pmxevcntr_el0)));
			sysreg_write(pmovsclr_el0, 1u << pmu_llc_counter(k));
			p->total[k] += PMU_LLC_SPAN;
		}
	if (foreign)
		sysreg_write(pmintenclr_el1, foreign);
}

void pmu_llc_overflow(void)
{
	struct pmu_llc_cpu *p = &pmu_llc_cpus[arch_cpu_this()->id];
	uint64_t sel = sysreg_read(pmselr_el0); /* the monitor's own PMU may be mid-access */

	if (p->on)
		pmu_llc_fold(p);
	sysreg_write(pmselr_el0, sel);
}

/* Answer the monitor's latest request, if there is one this pCPU has not answered. */
void pmu_llc_serve(void)
{
	struct cpu *self = arch_cpu_this();
	struct pmu_llc_cpu *p = &pmu_llc_cpus[self->id];
	uint32_t gen;
	uint64_t sel;

	__atomic_fetch_and(&self->requests, ~CPU_REQ_LLC_SAMPLE, __ATOMIC_ACQUIRE);
	gen = __atomic_load_n(&p->asked, __ATOMIC_ACQUIRE);
	if (gen == p->answered)
		return;
	if (!p->on) { /* nothing to read: say so (sampled stays 0) */
		__atomic_store_n(&p->answered, gen, __ATOMIC_RELEASE);
		return;
	}
	sel = sysreg_read(pmselr_el0); /* the monitor's own PMU may be mid-access */
	pmu_llc_fold(p);
	for (int k = 0; k < (int)pmu_llc_reserved; k++) {
		sysreg_write(pmselr_el0, pmu_llc_counter(k));
		isb();
		p->value[k] = p->total[k] + (uint32_t)(sysreg_read(pmxevcntr_el0) - PMU_LLC_BIAS);
	}
	sysreg_write(pmselr_el0, sel);
	p->sampled = arch_counter();
	__atomic_store_n(&p->answered, gen, __ATOMIC_RELEASE);
}

int arch_llc_sample(struct vt_sys *s)
{
	uint32_t self = arch_cpu_this()->id, gen, done = 0;
	uint64_t deadline;

	if (!pmu_llc_reserved)
		return SMCCC_NOT_SUPPORTED;
	spin_lock(&pmu_llc_lock);
	gen = ++pmu_llc_gen;
	for (uint32_t i = 0; i < PLAT_CPU_NUM; i++)
		if (cpus[i].vcpu) {
			__atomic_store_n(&pmu_llc_cpus[i].asked, gen, __ATOMIC_RELEASE);
			__atomic_fetch_or(&cpus[i].requests, CPU_REQ_LLC_SAMPLE, __ATOMIC_RELEASE);
			if (i != self)
				arch_cpu_wake(i);
		}
	pmu_llc_serve();
	deadline = arch_counter() + arch_counter_freq() / PMU_LLC_WAIT_HZ_DIV;
	for (uint32_t i = 0; i < PLAT_CPU_NUM; i++) {
		if (!cpus[i].vcpu)
			continue;
		/* YIELD: an emulator running all pCPUs on one thread (QEMU -icount) lets the others
		 * run. */
		while (__atomic_load_n(&pmu_llc_cpus[i].answered, __ATOMIC_ACQUIRE) != gen &&
		       arch_counter() < deadline)
			__asm__ volatile("yield" ::: "memory");
		if (__atomic_load_n(&pmu_llc_cpus[i].answered, __ATOMIC_ACQUIRE) != gen)
			continue; /* late: its row keeps its last sample */
		done++;
		s->pcpus[i] = (struct vt_sys_pcpu){
		    .llc_refills = pmu_llc_cpus[i].value[PMU_LLC_REFILL],
		    .llc_accesses = pmu_llc_cpus[i].value[PMU_LLC_ACCESS],
		    .sampled = pmu_llc_cpus[i].sampled,
		};
	}
	spin_unlock(&pmu_llc_lock);
	return (int)done;
}

void arch_llc_pmu_describe(struct vt_sys *s)
{
	s->llc.pmu_refill = pmu_llc_event[PMU_LLC_REFILL];
	s->llc.pmu_access = pmu_llc_event[PMU_LLC_ACCESS];
	s->pmu_counters = pmu_llc_reserved ? pmu_llc_hpmn : pmu_llc_counters();
	s->nr_pcpus = PLAT_CPU_NUM;
}
