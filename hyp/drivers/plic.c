/*
 * The hypervisor's own use of the PLIC: each pCPU's S-mode context, where
 * the sources passed through to a VM are enabled on the pCPU of that VM's
 * vCPU 0 and claimed when they fire (vplic.c hands them to the guest).
 * The console UART's source stays off: the console is polled.
 */
#include "plic.h"

#include "arch.h"
#include "cpu.h"

#define PLIC_REG(off) ((volatile uint32_t *)(arch_device_va(PLAT_PLIC_BASE) + (off)))
#define PLIC_CTX_REG(pcpu, off)                                                                    \
	PLIC_REG(PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * PLAT_PLIC_S_CONTEXT(pcpu) + (off))
#define PLIC_ENABLE_REG(pcpu, src)                                                                 \
	PLIC_REG(PLIC_ENABLE + PLIC_ENABLE_STRIDE * PLAT_PLIC_S_CONTEXT(pcpu) + (src) / 32 * 4)

_Static_assert(PLAT_PLIC_S_CONTEXT(PLAT_CPU_NUM - 1) < PLIC_CONTEXTS, "contexts");

void plic_init(void)
{
	for (uint32_t src = 1; src <= PLAT_INTID_MAX; src++)
		plic_priority(src, 0);
}

void plic_cpu_init(void)
{
	uint32_t pcpu = arch_cpu_this()->id;

	for (uint32_t src = 0; src <= PLAT_INTID_MAX; src += 32)
		*PLIC_ENABLE_REG(pcpu, src) = 0;
	*PLIC_CTX_REG(pcpu, PLIC_THRESHOLD) = 0;
}

void plic_priority(uint32_t src, uint32_t prio)
{
	*PLIC_REG(PLIC_PRIORITY + 4 * src) = prio;
}

/* Under the owning VM's vPLIC lock: a pCPU's context serves one VM, so no two race on a word. */
void plic_enable(uint32_t src, uint32_t pcpu, int on)
{
	volatile uint32_t *r = PLIC_ENABLE_REG(pcpu, src);

	if (on)
		*r |= 1u << src % 32;
	else
		*r &= ~(1u << src % 32);
}

uint32_t plic_claim(void)
{
	return *PLIC_CTX_REG(arch_cpu_this()->id, PLIC_CLAIM);
}

void plic_complete(uint32_t src, uint32_t pcpu)
{
	*PLIC_CTX_REG(pcpu, PLIC_CLAIM) = src;
}
