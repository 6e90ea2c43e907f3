/*
 * DMA isolation (configs/dma.cfg, docs/dma.md), two roles by arg:
 *
 * 1, the attacker: owns QEMU's edu PCIe device (hw/misc/edu.c: a DMA engine
 *    with a 4 KiB buffer). It finds it on its emulated PCIe bus (the only
 *    function there), sizes its BAR 0, tries to move it, then copies 4 KiB of its
 *    own RAM through edu to another place in its RAM, across page boundaries
 *    (its RAM is coloured: neighbouring pages are not neighbours in physical
 *    memory), and checks the copy. Then it has edu write over the victim's
 *    RAM and over the hypervisor's, by their physical addresses: the SMMU
 *    must refuse both (the hypervisor reports it; this guest cannot tell).
 * 2, the victim: fills DMA_VICTIM_IPA's pages with a pattern and checks
 *    their checksum until the attacker is done.
 *
 * They meet in a shared page (channel `sync`): the victim says when its
 * pattern is in place, the attacker when it has done its worst.
 *
 *   dma: PCIe 00:02.0 1234:11e8, BAR 0 at 0x10000000 (1024 KiB)
 *   dma: 1 function(s) on the bus; BAR 0 after a write of 0x20000000: 0x10000000
 *   dma: edu 0x010000ed at IPA 0x10000000
 *   dma: own memory: 4088 bytes from IPA 0x40400800 to IPA 0x40500800: ok
 *   dma: INTA (INTID 37) taken 1 time(s), edu's status now 0x0
 *   dma: wrote 4088 bytes to PA 0x4a800000 (the victim's RAM)
 *   dma: wrote 4088 bytes to PA 0x41800000 (the hypervisor's RAM)
 *   dma: done
 *   victim: checksum 0x... unchanged after N checks
 */
#include "gic.h"
#include "rt.h"
#include "timer.h"

#define DMA_ECAM_IPA 0x3f000000ul   /* its emulated bus 0 */
#define DMA_EDU_IPA 0x10000000ul    /* the config's `pci 00:02.0 bar` */
#define DMA_INTX_INTID 37           /* INTA of slot 2 */
#define DMA_VICTIM_IPA 0x40800000ul /* the victim's: PA 0x4a800000 (its mem's pa + 8 MiB) */
#define DMA_VICTIM_PA 0x4a800000ul
#define DMA_HYP_PA 0x41800000ul /* inside the hypervisor's 32 MiB of RAM */
#define DMA_SRC_IPA 0x40400800ul
#define DMA_DST_IPA 0x40500800ul
#define DMA_VICTIM_BYTES 0x10000ul
#define DMA_SYNC_IPA 0x50000000ul /* the config's `shm sync` */

/* edu's registers, and its buffer as the DMA engine addresses it */
#define EDU_ID 0x00
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_SRC 0x80
#define EDU_DST 0x88
#define EDU_COUNT 0x90
#define EDU_CMD 0x98
#define EDU_CMD_RUN 1u
#define EDU_CMD_TO_RAM 2u
#define EDU_BUF 0x40000ul
/* edu refuses (and QEMU stops on) a transfer that ends at the buffer's very end */
#define DMA_BYTES 4088ul

struct dma_sync {
	uint64_t filled; /* by the victim */
	uint64_t done;   /* by the attacker */
};

static volatile struct dma_sync *const dma_sync = (volatile struct dma_sync *)DMA_SYNC_IPA;

static volatile uint32_t *ecam(uint32_t bdf, uint32_t reg)
{
	return (volatile uint32_t *)(DMA_ECAM_IPA + ((uint64_t)bdf << 12) + reg);
}

/* Every function the bus shows, BAR 0 sized the usual way; then an attempt to move it. */
static uint32_t dma_enumerate(void)
{
	uint32_t found = 0, last = 0;

	for (uint32_t bdf = 0; bdf < 256; bdf++) {
		uint32_t id = *ecam(bdf, 0x00), bar = *ecam(bdf, 0x10), size;

		if ((id & 0xffff) == 0xffff)
			continue;
		*ecam(bdf, 0x10) = 0xffffffff;
		size = ~(*ecam(bdf, 0x10) & ~0xfu) + 1;
		*ecam(bdf, 0x10) = bar;
		rt_printf("dma: PCIe %02x:%02x.%x %04x:%04x, BAR 0 at 0x%x (%u KiB)\n", bdf >> 8,
		          bdf >> 3 & 31, bdf & 7, id & 0xffff, id >> 16, bar & ~0xfu, size >> 10);
		found++;
		last = bdf;
	}
	if (found) {
		*ecam(last, 0x10) = 0x20000000;
		rt_printf(
		    "dma: %u function(s) on the bus; BAR 0 after a write of 0x20000000: 0x%x\n",
		    found, *ecam(last, 0x10) & ~0xfu);
	}
	return found;
}

static volatile uint32_t *edu32(uint64_t off)
{
	return (volatile uint32_t *)(DMA_EDU_IPA + off);
}

static volatile uint64_t *edu64(uint64_t off)
{
	return (volatile uint64_t *)(DMA_EDU_IPA + off);
}

/* One transfer between RAM (addr, as the device addresses it) and edu's buffer; 0 when done. */
static int edu_dma(uint64_t addr, uint64_t count, int to_ram)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(5000000000ull);

	*edu64(to_ram ? EDU_SRC : EDU_DST) = EDU_BUF;
	*edu64(to_ram ? EDU_DST : EDU_SRC) = addr;
	*edu64(EDU_COUNT) = count;
	*edu64(EDU_CMD) = EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0);
	while (*edu64(EDU_CMD) & EDU_CMD_RUN)
		if (timer_now() > end)
			return -1;
	return 0;
}

static uint64_t dma_sum(uint64_t ipa, uint64_t bytes)
{
	const volatile uint64_t *p = (const volatile uint64_t *)ipa;
	uint64_t s = 0;

	for (uint64_t i = 0; i < bytes / 8; i++)
		s = (s ^ p[i]) * 0x100000001b3ull;
	return s;
}

static void dma_fill(uint64_t ipa, uint64_t bytes, uint64_t seed)
{
	volatile uint64_t *p = (volatile uint64_t *)ipa;

	for (uint64_t i = 0; i < bytes / 8; i++)
		p[i] = (seed + i) * 0x9e3779b97f4a7c15ull;
}

static volatile uint32_t dma_irqs;

/* INTx is a level: edu holds it until told the cause is handled. */
static void dma_irq(uint32_t intid)
{
	(void)intid;
	*edu32(EDU_IRQ_ACK) = *edu32(EDU_IRQ_STATUS);
	dma_irqs++;
}

/* edu raises its INTA on request: the line the hypervisor passed through must reach us. */
static void dma_intx(void)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(5000000000ull);

	gic_init();
	irq_register(DMA_INTX_INTID, dma_irq);
	gic_enable(DMA_INTX_INTID, 0x80);
	irq_enable_local();
	*edu32(EDU_IRQ_RAISE) = 1;
	while (!dma_irqs && timer_now() < end)
		rt_relax();
	rt_printf("dma: INTA (INTID %u) taken %u time(s), edu's status now 0x%x\n", DMA_INTX_INTID,
	          dma_irqs, *edu32(EDU_IRQ_STATUS));
}

static void dma_write_over(uint64_t pa, const char *whose)
{
	if (edu_dma(pa, DMA_BYTES, 1))
		rt_printf("dma: FAIL: edu did not finish the transfer to PA 0x%llx\n",
		          (unsigned long long)pa);
	else
		rt_printf("dma: wrote %lu bytes to PA 0x%llx (%s)\n", DMA_BYTES,
		          (unsigned long long)pa, whose);
}

static void dma_attacker(void)
{
	uint32_t id;
	uint64_t want;

	if (dma_enumerate() != 1) {
		rt_printf("dma: FAIL: the bus should show one function, this VM's\n");
		return;
	}
	id = *edu32(EDU_ID);
	rt_printf("dma: edu 0x%08x at IPA 0x%lx\n", id, DMA_EDU_IPA);
	if (id != 0x010000ed) {
		rt_printf("dma: FAIL: no edu device there\n");
		return;
	}
	while (!dma_sync->filled)
		rt_relax();
	dma_fill(DMA_SRC_IPA, DMA_BYTES, 1);
	dma_fill(DMA_DST_IPA, DMA_BYTES, 2);
	want = dma_sum(DMA_SRC_IPA, DMA_BYTES);
	if (edu_dma(DMA_SRC_IPA, DMA_BYTES, 0) || edu_dma(DMA_DST_IPA, DMA_BYTES, 1))
		rt_printf("dma: FAIL: edu did not finish the copy\n");
	else
		rt_printf("dma: own memory: %lu bytes from IPA 0x%lx to IPA 0x%lx: %s\n", DMA_BYTES,
		          DMA_SRC_IPA, DMA_DST_IPA,
		          dma_sum(DMA_DST_IPA, DMA_BYTES) == want ? "ok" : "FAIL: differs");
	dma_intx();
	dma_write_over(DMA_VICTIM_PA, "the victim's RAM");
	dma_write_over(DMA_HYP_PA, "the hypervisor's RAM");
	rt_printf("dma: done\n");
	dma_sync->done = 1;
}

static void dma_victim(void)
{
	uint64_t want;
	uint32_t checks = 0;
	int done;

	dma_fill(DMA_VICTIM_IPA, DMA_VICTIM_BYTES, 7);
	want = dma_sum(DMA_VICTIM_IPA, DMA_VICTIM_BYTES);
	dma_sync->filled = 1;
	do { /* one more check once the attacker is done */
		done = dma_sync->done != 0;
		checks++;
		if (dma_sum(DMA_VICTIM_IPA, DMA_VICTIM_BYTES) != want) {
			rt_printf("victim: checksum CHANGED at check %u\n", checks);
			return;
		}
		rt_relax();
	} while (!done);
	rt_printf("victim: checksum 0x%llx unchanged after %u checks\n", (unsigned long long)want,
	          checks);
}

void main(uint64_t arg)
{
	if (arg == 1)
		dma_attacker();
	else
		dma_victim();
}
