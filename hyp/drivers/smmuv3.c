/*
 * SMMUv3 driver: a linear stream table of PLAT_SMMU_SIDS entries, a command
 * queue and an event queue, one page each, in the hypervisor's memory.
 * Stage 1 only (all QEMU 7.2 implements): a VM's IPA space is what its
 * devices address, so the hypervisor builds, for each VM with a `pci`
 * function, stage-1 tables from the VM's memory map, with the regions,
 * rights and colours of its stage 2 (RAM and shm; no device MMIO, so no
 * peer-to-peer DMA), and points each of its functions' stream at a context
 * descriptor using them. A stream nobody owns has an invalid entry: its
 * DMA is refused and reported. Tables never change after boot, so the
 * TLBs are invalidated once, as each stream is attached.
 */
#include "smmuv3.h"

#include "arch.h"
#include "entry.h"
#include "gicv3.h"
#include "log.h"
#include "mmu.h"
#include "pcie.h"
#include "platform.h"
#include "spinlock.h"
#include "vm.h"

#define SMMU_IDR0 0x0
#define SMMU_IDR1 0x4
#define SMMU_IDR5 0x14
#define SMMU_CR0 0x20
#define SMMU_CR0ACK 0x24
#define SMMU_CR1 0x28
#define SMMU_CR2 0x2c
#define SMMU_IRQ_CTRL 0x50
#define SMMU_IRQ_CTRLACK 0x54
#define SMMU_GERROR 0x60
#define SMMU_STRTAB_BASE 0x80
#define SMMU_STRTAB_BASE_CFG 0x88
#define SMMU_CMDQ_BASE 0x90
#define SMMU_CMDQ_PROD 0x98
#define SMMU_CMDQ_CONS 0x9c
#define SMMU_EVENTQ_BASE 0xa0
#define SMMU_EVENTQ_PROD 0x100a8 /* page 1 */
#define SMMU_EVENTQ_CONS 0x100ac

#define IDR0_S1P (1u << 1)
#define IDR0_TTF_AA64 (2u << 2)
#define CR0_SMMUEN (1u << 0)
#define CR0_EVENTQEN (1u << 2)
#define CR0_CMDQEN (1u << 3)
/* Tables and queues: inner-shareable, write-back cacheable (as the hypervisor writes them) */
#define CR1_VALUE (1u << 0 | 1u << 2 | 3u << 4 | 1u << 6 | 1u << 8 | 3u << 10)
#define CR2_RECINVSID (1u << 1)
#define IRQ_CTRL_EVENTQ (1u << 2)
#define Q_BASE_RWA (1ull << 62) /* read- or write-allocate */
#define CMDQ_CONS_ERR(c) ((c) >> 24 & 0x7f)
#define GERROR_CMDQ_ERR 1u

/* One 4 KiB page each, so that a coloured hypervisor's pages serve as well. */
#define SMMU_CMDQ_LOG2 8   /* 16-byte commands */
#define SMMU_EVENTQ_LOG2 7 /* 32-byte records */
#define SMMU_STE_WORDS 8
#define SMMU_CD_WORDS 8

#define CMD_CFGI_STE 0x03
#define CMD_CFGI_CD 0x05
#define CMD_TLBI_NH_ASID 0x11
#define CMD_SYNC 0x46

#define STE_V 1ull
#define STE_CONFIG_S1 (5ull << 1) /* stage 1 translates, stage 2 bypassed */
/* The context descriptors' walks: inner and outer write-back, inner shareable */
#define STE1_S1C (1ull << 2 | 1ull << 4 | 3ull << 6)

#define CD_T0SZ (64ull - PLAT_IPA_BITS)
#define CD_WALK (1ull << 8 | 1ull << 10 | 3ull << 12) /* TG0 4 KiB, WB, inner shareable */
#define CD_EPD1 (1ull << 30)
#define CD_V (1ull << 31)
#define CD_IPS(oas) ((uint64_t)(oas) << 32)
#define CD_AA64 (1ull << 41)
#define CD_R (1ull << 45) /* record faults as events */
#define CD_A (1ull << 46) /* abort (not stall) on a fault */
#define CD_ASET (1ull << 47)
#define CD_ASID(a) ((uint64_t)(a) << 48)
#define SMMU_MAIR 0x04ffull /* as MAIR_EL2: PT_S1_NORMAL and PT_S1_DEVICE mean the same */

/* Leaf attributes: AP[1] lets unprivileged transactions (what PCIe sends) through. */
#define SMMU_PTE_USER (1ull << 6)
#define SMMU_PTE_PXN (1ull << 53)

#define EVT_F_TRANSLATION 0x10
#define EVT_F_PERMISSION 0x13

static uint64_t smmu_strtab[PLAT_SMMU_SIDS * SMMU_STE_WORDS] __attribute__((aligned(4096)));
static uint64_t smmu_cds[PLAT_SMMU_SIDS * SMMU_CD_WORDS] __attribute__((aligned(4096)));
static uint64_t smmu_cmdq[(1u << SMMU_CMDQ_LOG2) * 2] __attribute__((aligned(4096)));
static uint64_t smmu_eventq[(1u << SMMU_EVENTQ_LOG2) * 4] __attribute__((aligned(4096)));
static struct vm *smmu_owner[PLAT_SMMU_SIDS];
static struct pt smmu_s1[VM_MAX]; /* a VM's tables, shared by its streams */
static struct spinlock smmu_lock;
static uintptr_t smmu_base;
static uint32_t smmu_oas;
static uint64_t smmu_unowned_faults;
static int smmu_events_routed; /* to the first VM given a stream's first pCPU */

_Static_assert(sizeof smmu_strtab == 4096 && sizeof smmu_cds == 4096 && sizeof smmu_cmdq == 4096 &&
                   sizeof smmu_eventq == 4096,
               "each SMMU structure is one page");

static volatile uint32_t *smmu_reg(uint32_t off)
{
	return (volatile uint32_t *)(smmu_base + off);
}

static void smmu_write64(uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(smmu_base + off) = v;
}

/* Write a control register and wait for its acknowledgement (CR0, IRQ_CTRL). */
static int smmu_set(uint32_t off, uint32_t ack, uint32_t value)
{
	*smmu_reg(off) = value;
	for (uint32_t i = 0; i < 1000000; i++)
		if (*smmu_reg(ack) == value)
			return 0;
	return -1;
}

static void smmu_cmd(uint64_t w0, uint64_t w1)
{
	const uint32_t n = 1u << SMMU_CMDQ_LOG2, mask = 2 * n - 1;
	uint32_t prod = *smmu_reg(SMMU_CMDQ_PROD) & mask;
	uint64_t *slot = &smmu_cmdq[(prod & (n - 1)) * 2];

	while (((*smmu_reg(SMMU_CMDQ_CONS) ^ prod) & mask) == n) /* full: same index, other wrap */
		;
	slot[0] = w0;
	slot[1] = w1;
	dsb(ishst);
	*smmu_reg(SMMU_CMDQ_PROD) = (prod + 1) & mask;
}

/* Issue CMD_SYNC and wait until the SMMU has consumed everything before it. */
static int smmu_sync(void)
{
	const uint32_t mask = (2u << SMMU_CMDQ_LOG2) - 1;
	uint32_t prod;

	smmu_cmd(CMD_SYNC, 0);
	prod = *smmu_reg(SMMU_CMDQ_PROD) & mask;
	for (uint32_t i = 0; i < 1000000; i++) {
		uint32_t cons = *smmu_reg(SMMU_CMDQ_CONS);

		if (*smmu_reg(SMMU_GERROR) & GERROR_CMDQ_ERR) {
			log_printf("SMMU: command queue error %u\n", CMDQ_CONS_ERR(cons));
			return -1;
		}
		if ((cons & mask) == prod)
			return 0;
	}
	log_printf("SMMU: the command queue does not advance\n");
	return -1;
}

int smmu_init(void)
{
	uint32_t idr0, idr1;

	smmu_base = arch_map_device(PLAT_SMMU_BASE, PLAT_SMMU_SIZE);
	if (arch_probe_read32(smmu_reg(SMMU_IDR0), &idr0)) { /* QEMU's virt without iommu=smmuv3 */
		log_printf("SMMU: nothing answers at 0x%llx\n", (unsigned long long)PLAT_SMMU_BASE);
		return -1;
	}
	idr1 = *smmu_reg(SMMU_IDR1);
	if (!(idr0 & IDR0_S1P) || !(idr0 & IDR0_TTF_AA64) || (idr1 & 0x3f) < 6 ||
	    (idr1 >> 21 & 0x1f) < SMMU_CMDQ_LOG2 || (idr1 >> 16 & 0x1f) < SMMU_EVENTQ_LOG2) {
		log_printf("SMMU: none with stage 1 at 0x%llx (IDR0 0x%x, IDR1 0x%x)\n",
		           (unsigned long long)PLAT_SMMU_BASE, idr0, idr1);
		return -1;
	}
	smmu_oas = *smmu_reg(SMMU_IDR5) & 7;
	if (smmu_oas > 5)
		smmu_oas = 5; /* 48 bits: what the tables' descriptors hold */
	if (smmu_set(SMMU_CR0, SMMU_CR0ACK, 0))
		return -1;
	*smmu_reg(SMMU_CR1) = CR1_VALUE;
	*smmu_reg(SMMU_CR2) = CR2_RECINVSID;
	dsb(ishst);
	smmu_write64(SMMU_STRTAB_BASE, Q_BASE_RWA | arch_hyp_pa(smmu_strtab));
	*smmu_reg(SMMU_STRTAB_BASE_CFG) = 6; /* linear, 2^6 entries */
	smmu_write64(SMMU_CMDQ_BASE, Q_BASE_RWA | arch_hyp_pa(smmu_cmdq) | SMMU_CMDQ_LOG2);
	*smmu_reg(SMMU_CMDQ_PROD) = 0;
	*smmu_reg(SMMU_CMDQ_CONS) = 0;
	smmu_write64(SMMU_EVENTQ_BASE, Q_BASE_RWA | arch_hyp_pa(smmu_eventq) | SMMU_EVENTQ_LOG2);
	*smmu_reg(SMMU_EVENTQ_PROD) = 0;
	*smmu_reg(SMMU_EVENTQ_CONS) = 0;
	if (smmu_set(SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, IRQ_CTRL_EVENTQ) ||
	    smmu_set(SMMU_CR0, SMMU_CR0ACK, CR0_CMDQEN | CR0_EVENTQEN))
		return -1;
	for (uint32_t sid = 0; sid < PLAT_SMMU_SIDS; sid++)
		smmu_cmd(CMD_CFGI_STE | (uint64_t)sid << 32, 1);
	if (smmu_sync() || smmu_set(SMMU_CR0, SMMU_CR0ACK, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN))
		return -1;
	log_printf("SMMU: stage 1, %u-entry stream table, every stream refused until given\n",
	           PLAT_SMMU_SIDS);
	return 0;
}

static uint64_t smmu_pte(const struct cfg_region *r)
{
	uint64_t a = PT_S1_NORMAL | SMMU_PTE_USER | PT_XN | SMMU_PTE_PXN;

	return r->flags & CFG_REGION_WRITE ? a : a | PT_S1_RO;
}

/* vm's RAM and shm as its stage 2 maps them, region by region, run by physical run. */
static struct pt *smmu_tables(struct vm *vm)
{
	struct pt *pt = &smmu_s1[vm->id];

	if (pt->root)
		return pt;
	if (mmu_pt_new_ipa(pt))
		return 0;
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind != CFG_REGION_DEVICE && mmu_pt_map_region(pt, r, smmu_pte(r)))
			return 0;
	}
	dsb(ishst);
	return pt;
}

int smmu_attach(struct vm *vm, uint32_t sid)
{
	uint64_t *cd = &smmu_cds[sid * SMMU_CD_WORDS], *ste = &smmu_strtab[sid * SMMU_STE_WORDS];
	uint32_t asid = vm->id + 1;
	struct pt *pt;

	if (sid >= PLAT_SMMU_SIDS || !(pt = smmu_tables(vm)))
		return -1;
	cd[1] = mmu_pt_root_pa(pt);
	cd[2] = 0;
	cd[3] = SMMU_MAIR;
	dsb(ishst);
	cd[0] = CD_T0SZ | CD_WALK | CD_EPD1 | CD_V | CD_IPS(smmu_oas) | CD_AA64 | CD_R | CD_A |
	        CD_ASET | CD_ASID(asid);
	ste[1] = STE1_S1C;
	dsb(ishst);
	ste[0] = STE_V | STE_CONFIG_S1 | arch_hyp_pa(cd);
	dsb(ishst);
	if (!smmu_events_routed) {
		gicv3_spi_own(PLAT_SMMU_EVENTQ_INTID, vm->vcpus[0]->pcpu, 1);
		smmu_events_routed = 1;
	}
	smmu_owner[sid] = vm;
	smmu_cmd(CMD_CFGI_STE | (uint64_t)sid << 32, 1);
	smmu_cmd(CMD_CFGI_CD | (uint64_t)sid << 32, 1);
	smmu_cmd(CMD_TLBI_NH_ASID | (uint64_t)asid << 48, 0);
	return smmu_sync();
}

static const char *smmu_event_what(uint32_t type, int read)
{
	switch (type) {
	case EVT_F_TRANSLATION:
		return read ? "read outside the VM's memory" : "write outside the VM's memory";
	case EVT_F_PERMISSION:
		return read ? "read not permitted" : "write to a read-only page";
	case 0x04:
		return "DMA from a function no VM owns";
	default:
		return "DMA refused";
	}
}

/*
 * One event record. A device's refused transfer comes as an event per bus
 * access (QEMU: one per 4 bytes), so a fault is a run of events of one
 * stream and kind in one page: reported like a stage-2 fault, once, and
 * counted against the stream's VM.
 */
static void smmu_event(const uint64_t *e)
{
	static uint64_t last_page = ~0ull;
	static uint32_t last_sid, last_type;
	uint32_t type = e[0] & 0xff, sid = (uint32_t)(e[0] >> 32);
	struct vm *vm = sid < PLAT_SMMU_SIDS ? smmu_owner[sid] : 0;
	uint64_t n, page = e[2] >> 12;

	if (page == last_page && sid == last_sid && type == last_type)
		return;
	last_page = page;
	last_sid = sid;
	last_type = type;
	if (vm)
		n = __atomic_add_fetch(&vm->dma_faults, 1, __ATOMIC_RELAXED);
	else
		n = ++smmu_unowned_faults;
	log_printf("VM %s: DMA fault: device " PCI_BDF_FMT ": %s at IPA 0x%llx (SMMU event 0x%x): "
	           "refused, %llu so far\n",
	           vm ? vm->cfg->name : "(none)", PCI_BDF_ARGS(sid),
	           smmu_event_what(type, e[1] >> 35 & 1), (unsigned long long)e[2], type,
	           (unsigned long long)n);
}

void smmu_event_irq(void)
{
	const uint32_t n = 1u << SMMU_EVENTQ_LOG2, mask = 2 * n - 1;
	uint32_t prod, cons;

	spin_lock(&smmu_lock);
	prod = *smmu_reg(SMMU_EVENTQ_PROD);
	cons = *smmu_reg(SMMU_EVENTQ_CONS);
	while ((cons & mask) != (prod & mask)) {
		smmu_event(&smmu_eventq[(cons & (n - 1)) * 4]);
		cons = (cons & mask) + 1;
		cons &= mask;
	}
	if ((prod ^ *smmu_reg(SMMU_EVENTQ_CONS)) >> 31) /* overflowed: acknowledge */
		log_printf("SMMU: event queue overflowed, some faults were not reported\n");
	*smmu_reg(SMMU_EVENTQ_CONS) = cons | (prod & 1u << 31);
	spin_unlock(&smmu_lock);
}
