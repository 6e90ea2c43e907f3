#include "gic.h"

#include "rt.h"

/* CPU interface registers by encoding: the assembler need not know GICv3. */
#define ICC_PMR_EL1 "S3_0_C4_C6_0"
#define ICC_IAR1_EL1 "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_BPR1_EL1 "S3_0_C12_C12_3"
#define ICC_CTLR_EL1 "S3_0_C12_C12_4"
#define ICC_SRE_EL1 "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1 "S3_0_C12_C11_5"

#define gic_sysreg_read(reg)                                                                       \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mrs %0, " reg : "=r"(v_)::"memory");                             \
		v_;                                                                                \
	})
#define gic_sysreg_write(reg, v) __asm__ volatile("msr " reg ", %0" ::"r"((uint64_t)(v)) : "memory")
#define gic_isb() __asm__ volatile("isb" ::: "memory")

#define ICC_SRE_SRE (1u << 0)
#define ICC_SRE_DFB (1u << 1)
#define ICC_SRE_DIB (1u << 2)
#define ICC_CTLR_EOIMODE (1u << 1)

static uintptr_t gic_rd[RT_MAX_VCPUS];
static void (*irq_handlers[GIC_NR_INTIDS])(uint32_t intid);
static uint32_t irq_spurious_count;

static inline uint32_t gic_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void gic_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint64_t gic_read64(uintptr_t addr)
{
	return *(volatile uint64_t *)addr;
}

static inline void gic_write64(uintptr_t addr, uint64_t v)
{
	*(volatile uint64_t *)addr = v;
}

uintptr_t gic_redist(void)
{
	return gic_rd[rt_cpu_id() % RT_MAX_VCPUS];
}

/* SGIs and PPIs live in this vCPU's SGI frame, SPIs in the distributor. */
static uintptr_t gic_bank(uint32_t intid)
{
	return intid < 32 ? gic_redist() + GICR_SGI_BASE : GICD_BASE;
}

static void gic_wait_rwp(uint32_t intid)
{
	if (intid < 32)
		while (gic_read32(gic_redist() + GICR_CTLR) & GICR_CTLR_RWP)
			rt_relax();
	else
		while (gic_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
			rt_relax();
}

/* For the bit-field registers, which only take word accesses. */
static void gic_update32(uintptr_t addr, uint32_t mask, uint32_t bits)
{
	gic_write32(addr, (gic_read32(addr) & ~mask) | (bits & mask));
}

static uintptr_t gic_find_redist(void)
{
	uint64_t mpidr;
	uint32_t aff;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	/* MPIDR Aff3 sits at bits 39:32, GICR_TYPER wants Aff3.Aff2.Aff1.Aff0 in 32 bits. */
	aff = (uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
	for (uintptr_t rd = GICR_BASE;;) {
		uint64_t typer = gic_read64(rd + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			return 0;
		rd += typer & GICR_TYPER_VLPIS ? 0x40000 : 0x20000;
	}
}

static void gic_dist_init(void)
{
	uint32_t ctlr = gic_read32(GICD_BASE + GICD_CTLR);

	/* ARE must be set while the groups are off; a vCPU that came first has done both. */
	if (!(ctlr & GICD_CTLR_ARE)) {
		gic_write32(GICD_BASE + GICD_CTLR, ctlr | GICD_CTLR_ARE);
		gic_wait_rwp(32);
	}
	ctlr = gic_read32(GICD_BASE + GICD_CTLR);
	if (!(ctlr & GICD_CTLR_ENABLE_G1)) {
		gic_write32(GICD_BASE + GICD_CTLR, ctlr | GICD_CTLR_ENABLE_G1);
		gic_wait_rwp(32);
	}
}

void gic_init(void)
{
	uint32_t cpu = rt_cpu_id() % RT_MAX_VCPUS;
	uintptr_t rd, sgi;

	gic_dist_init();

	rd = gic_find_redist();
	if (!rd) {
		rt_printf("gic: no redistributor for vCPU %u\n", rt_cpu_id());
		rt_system_off();
	}
	gic_rd[cpu] = rd;
	gic_write32(rd + GICR_WAKER,
	            gic_read32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	while (gic_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		rt_relax();
	sgi = rd + GICR_SGI_BASE;
	gic_write32(sgi + GICR_IGROUPR0, 0xffffffffu);

	/* System-register interface on, nothing masked by priority, no preemption groups. */
	gic_sysreg_write(ICC_SRE_EL1,
	                 gic_sysreg_read(ICC_SRE_EL1) | ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
	gic_isb();
	if (!(gic_sysreg_read(ICC_SRE_EL1) & ICC_SRE_SRE)) {
		rt_printf("gic: ICC_SRE_EL1.SRE stays 0 on vCPU %u\n", rt_cpu_id());
		rt_system_off();
	}
	gic_sysreg_write(ICC_PMR_EL1, 0xff);
	gic_sysreg_write(ICC_BPR1_EL1, 0);
	gic_sysreg_write(ICC_CTLR_EL1, gic_sysreg_read(ICC_CTLR_EL1) & ~(uint64_t)ICC_CTLR_EOIMODE);
	gic_sysreg_write(ICC_IGRPEN1_EL1, 1);
	gic_isb();
}

/* IPRIORITYR is byte-accessible: a byte write cannot touch a neighbour's priority. */
void gic_set_priority(uint32_t intid, uint8_t prio)
{
	*(volatile uint8_t *)(gic_bank(intid) + GICD_IPRIORITYR + intid) = prio;
}

void gic_enable(uint32_t intid, uint8_t prio)
{
	uintptr_t bank = gic_bank(intid);
	uint32_t bit = 1u << (intid % 32);

	if (intid >= 32)
		gic_update32(bank + GICD_IGROUPR + intid / 32 * 4, bit, bit);
	gic_set_priority(intid, prio);
	gic_write32(bank + GICD_ISENABLER + intid / 32 * 4, bit);
}

void gic_disable(uint32_t intid)
{
	gic_write32(gic_bank(intid) + GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
	/* After RWP clears, the disabled INTID is no longer forwarded to any CPU interface. */
	gic_wait_rwp(intid);
}

int gic_pending(uint32_t intid)
{
	return gic_read32(gic_bank(intid) + GICD_ISPENDR + intid / 32 * 4) >> (intid % 32) & 1;
}

void gic_set_edge(uint32_t intid, int edge)
{
	uint32_t shift = (intid % 16) * 2 + 1;
	uintptr_t reg;

	if (intid < 16)
		return;
	reg = intid < 32 ? gic_redist() + GICR_SGI_BASE + GICR_ICFGR1
	                 : GICD_BASE + GICD_ICFGR + intid / 16 * 4;
	gic_update32(reg, 1u << shift, edge ? 1u << shift : 0);
}

void gic_route_spi(uint32_t intid, uint32_t vcpu)
{
	if (intid >= 32 && intid < GIC_NR_INTIDS)
		gic_write64(GICD_BASE + GICD_IROUTER + intid * 8, vcpu & 0xff);
}

void gic_send_sgi(uint32_t intid, uint32_t vcpu)
{
	/* Aff0 = vcpu: range selector vcpu / 16, bit vcpu % 16 of the target list. */
	uint64_t v =
	    (uint64_t)(intid & 0xf) << 24 | (uint64_t)(vcpu / 16 & 0xf) << 44 | 1u << (vcpu % 16);

	/* The target must see our earlier writes once it takes the SGI. */
	__asm__ volatile("dsb ishst" ::: "memory");
	gic_sysreg_write(ICC_SGI1R_EL1, v);
	gic_isb();
}

void gic_set_pmr(uint8_t pmr)
{
	gic_sysreg_write(ICC_PMR_EL1, pmr);
	gic_isb();
}

void irq_register(uint32_t intid, void (*fn)(uint32_t intid))
{
	if (intid < GIC_NR_INTIDS)
		irq_handlers[intid] = fn;
}

uint32_t irq_spurious(void)
{
	return __atomic_load_n(&irq_spurious_count, __ATOMIC_RELAXED);
}

void irq_dispatch(void)
{
	for (int first = 1;; first = 0) {
		uint64_t iar = gic_sysreg_read(ICC_IAR1_EL1);
		uint32_t intid = (uint32_t)iar & 0xffffff;
		void (*fn)(uint32_t);

		if (intid >= GIC_NR_INTIDS) {
			if (first)
				__atomic_add_fetch(&irq_spurious_count, 1, __ATOMIC_RELAXED);
			return;
		}
		/* Pairs with the sender's DSB: what it wrote before the SGI is visible now. */
		__asm__ volatile("dmb ish" ::: "memory");
		fn = irq_handlers[intid];
		if (fn) {
			fn(intid);
		} else {
			rt_printf("irq: no handler for INTID %u on vCPU %u: disabled\n", intid,
			          rt_cpu_id());
			gic_disable(intid);
		}
		gic_sysreg_write(ICC_EOIR1_EL1, iar);
		gic_isb();
	}
}
