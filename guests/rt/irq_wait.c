/*
 * Waiting for an interrupt handler's work, on either architecture: the
 * primitives are intc.h's (the GIC's on Arm, the hart's and its PLIC
 * context's on riscv64).
 */
#include "intc.h"

uint32_t irq_wait_change(const volatile uint32_t *word, uint32_t old)
{
	uint32_t v;

	irq_disable_local();
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) == old) {
		irq_wfi();
		irq_enable_local();
		irq_disable_local();
	}
	irq_enable_local();
	return v;
}
