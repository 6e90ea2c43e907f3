/*
 * The network device's interrupt on riscv64: a source of the PLIC the
 * monitor's VM sees, in the S-mode context of its hart 0 (context 1),
 * taken through rt's trap vector (crt0.S), which calls rt_irq, claimed,
 * handled and completed here. rt's own intc.c, which finds the context
 * from the hart ID kept in tp, is not linked: in the monitor tp is
 * picolibc's TLS pointer (sys.c). The hypervisor passes the physical
 * source through (vplic.c): the device can raise it again only once the
 * monitor has completed it.
 */
#include "mon_irq.h"

#include "../../hyp/drivers/plic.h" /* the register layout; hyp/drivers is not on the path */
#include "csr.h"
#include "platform.h"

#define MON_PLIC(off) ((volatile uint32_t *)(uintptr_t)(PLAT_PLIC_BASE + (off)))
#define MON_PLIC_CTX PLAT_PLIC_S_CONTEXT(0)
#define MON_PLIC_CTX_REG(r) MON_PLIC(PLIC_CONTEXT + MON_PLIC_CTX * PLIC_CONTEXT_STRIDE + (r))

void rt_irq(uint64_t scause);

static uint32_t mon_irq_src;
static void (*mon_irq_fn)(uint32_t intid);

void mon_irq_attach(uint32_t intid, int edge, void (*fn)(uint32_t intid))
{
	(void)edge; /* the PLIC's gateway knows its sources: no trigger mode to set */
	mon_irq_src = intid;
	mon_irq_fn = fn;
	*MON_PLIC(PLIC_PRIORITY + 4 * intid) = 1;
	*MON_PLIC_CTX_REG(PLIC_THRESHOLD) = 0;
	*MON_PLIC(PLIC_ENABLE + MON_PLIC_CTX * PLIC_ENABLE_STRIDE + 4 * (intid / 32)) =
	    1u << (intid % 32);
	csr_set(sie, 1ul << IRQ_S_EXT);
}

void mon_irq_on(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

/* From rt's trap vector, interrupts masked: every source pending claimed and completed. */
void rt_irq(uint64_t scause)
{
	uint32_t src;

	if ((scause & ~(1ull << 63)) != IRQ_S_EXT)
		return; /* only the external interrupt is enabled (sie) */
	while ((src = *MON_PLIC_CTX_REG(PLIC_CLAIM)) != 0) {
		if (src == mon_irq_src)
			mon_irq_fn(src);
		*MON_PLIC_CTX_REG(PLIC_CLAIM) = src;
	}
}
