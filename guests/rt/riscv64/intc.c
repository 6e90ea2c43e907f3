/* The riscv64 guests' interrupt handlers (intc.h), called from the trap vector (crt0.S). */
#include "intc.h"

#include "csr.h"
#include "rt.h"
#include "timer.h"

static void (*intc_handlers[INTC_NR_IDS])(uint32_t id);
static uint32_t intc_spurious_count;

void intc_init(void)
{
	*intc_threshold() = 0;
	csr_set(sie, (1ul << IRQ_S_EXT) | (1ul << IRQ_S_TIMER));
}

void intc_enable(uint32_t id, uint8_t prio)
{
	(void)prio;
	if (id == TIMER_VIRT_INTID || id >= INTC_NR_IDS)
		return;
	*intc_plic(4 * id) = 1;
	*intc_enables(id) |= 1u << id % 32;
}

void irq_register(uint32_t id, void (*fn)(uint32_t id))
{
	if (id < INTC_NR_IDS)
		intc_handlers[id] = fn;
}

uint32_t irq_spurious(void)
{
	return __atomic_load_n(&intc_spurious_count, __ATOMIC_RELAXED);
}

/* A source without a handler is said and turned off; the timer, stopped. */
static void intc_handle(uint32_t id)
{
	void (*fn)(uint32_t) = intc_handlers[id];

	if (fn) {
		fn(id);
		return;
	}
	rt_printf("intc: interrupt %u has no handler: disabled\n", id);
	if (id == TIMER_VIRT_INTID)
		timer_stop();
	else
		*intc_enables(id) &= ~(1u << id % 32);
}

void rt_irq(uint64_t scause);

/* From the trap vector, interrupts masked: every source claimed until none is left. */
void rt_irq(uint64_t scause)
{
	uint64_t cause = scause & ~(1ull << 63);

	if (cause == IRQ_S_TIMER) {
		intc_handle(TIMER_VIRT_INTID);
		return;
	}
	for (int first = 1; cause == IRQ_S_EXT; first = 0) {
		uint32_t src = *intc_claim();

		if (!src || src >= INTC_NR_IDS) {
			if (first)
				__atomic_add_fetch(&intc_spurious_count, 1, __ATOMIC_RELAXED);
			return;
		}
		/* Pairs with the ringer's fence: what it wrote before the doorbell is visible now.
		 */
		__asm__ volatile("fence rw, rw" ::: "memory");
		intc_handle(src);
		*intc_claim() = src;
	}
	__atomic_add_fetch(&intc_spurious_count, 1, __ATOMIC_RELAXED);
}
