/*
 * The PLIC each VM sees, at the board's address: priorities, pending bits,
 * per-context enables and thresholds, claim and complete, over the
 * sources the VM owns (its pass-through devices' and its doorbells'), one
 * S-mode context per vCPU (context 2i + 1 for vCPU i, as on the board).
 * A source the VM does not own reads as zero and ignores writes, counted
 * as on Arm; a context it has no hart for (an M-mode one, another
 * hart's) stops it, as any unsupported access to an emulated device does.
 * The emulated UART (vuart.c, an ns16550a) raises the board UART's
 * source, 10, a virtual level line.
 *
 * A context's line goes to its vCPU as hvip.VSEIP, copied at every entry
 * from the vCPU's seip (another pCPU that changes it sends an IPI). A
 * pass-through source fires in the hypervisor's S-mode context on the pCPU
 * of the VM's vCPU 0, is claimed there and stays claimed on the PLIC until
 * the guest completes it, so a level source cannot fire again meanwhile.
 */
#include "vplic.h"

#include "arch.h"
#include "cpu.h"
#include "log.h"
#include "plic.h"
#include "trace.h"
#include "vm.h"
#include "vuart.h"

#define VPLIC_SIZE 0x4000000 /* the board's PLIC window (PLAT_GICD_SIZE) */
_Static_assert(PLAT_GICD_SIZE == VPLIC_SIZE, "the VM's PLIC is the board's");
_Static_assert(PLAT_CPU_NUM <= 32, "pCPUs to kick as a 32-bit mask");

static int vplic_test(const uint32_t *bits, uint32_t src)
{
	return src < VPLIC_SOURCES && bits[src / 32] >> (src % 32) & 1;
}

static void vplic_set(uint32_t *bits, uint32_t src, int on)
{
	if (on)
		bits[src / 32] |= 1u << (src % 32);
	else
		bits[src / 32] &= ~(1u << (src % 32));
}

/* The pCPU whose PLIC context takes vm's pass-through sources. */
static uint32_t vplic_hw_pcpu(const struct vm *vm)
{
	return vm->vcpus[0]->pcpu;
}

/* The source context i would claim now: the highest priority above its threshold (0: none). */
static uint32_t vplic_best(const struct vplic *p, uint32_t i)
{
	uint32_t best = 0, prio = p->threshold[i];

	for (uint32_t w = 0; w < VPLIC_WORDS; w++) {
		uint32_t bits = p->pending[w] & ~p->claimed[w] & p->enable[i][w];

		while (bits) {
			uint32_t src = w * 32 + (uint32_t)__builtin_ctz(bits);

			bits &= bits - 1;
			if (p->prio[src] > prio) { /* ties: the lowest source, found first */
				prio = p->prio[src];
				best = src;
			}
		}
	}
	return best;
}

/*
 * Each context's line, as its state now has it (under the lock): the pCPUs
 * whose vCPU's line changed while it runs, for vplic_kick once unlocked
 * (an IPI is an SBI call: not under a lock another pCPU may spin on).
 */
static uint32_t vplic_update(struct vm *vm)
{
	struct vplic *p = &vm->arch.plic;
	uint32_t kick = 0;

	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];
		uint32_t line = vplic_best(p, i) != 0;

		if (line == __atomic_load_n(&v->arch.seip, __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&v->arch.seip, line, __ATOMIC_RELEASE);
		if (arch_cpu_this()->vcpu != v &&
		    __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING)
			kick |= 1u << v->pcpu;
	}
	return kick;
}

/* The vCPUs whose line changed look at it again: their exit copies it (vplic_sync). */
static void vplic_kick(uint32_t pcpus)
{
	while (pcpus) {
		arch_ipi_send((uint32_t)__builtin_ctz(pcpus));
		pcpus &= pcpus - 1;
	}
}

void vplic_sync(struct vcpu *v)
{
	if (__atomic_load_n(&v->arch.seip, __ATOMIC_ACQUIRE))
		csr_set(hvip, 1ul << IRQ_VS_EXT);
	else
		csr_clear(hvip, 1ul << IRQ_VS_EXT);
}

void arch_virq_raise(struct vm *vm, uint32_t intid)
{
	struct vplic *p = &vm->arch.plic;
	uint32_t kick;

	if (!vplic_test(p->owned, intid))
		return;
	trace_vcpu(VT_CLASS_IRQ, VT_EV_INJECT, vm->vcpus[0], intid,
	           vplic_test(p->hw, intid) ? intid : 0, 0);
	spin_lock(&p->lock);
	vplic_set(p->pending, intid, 1);
	kick = vplic_update(vm);
	spin_unlock(&p->lock);
	vplic_kick(kick);
}

void arch_virq_lower(struct vm *vm, uint32_t intid)
{
	struct vplic *p = &vm->arch.plic;
	uint32_t kick;

	if (!vplic_test(p->owned, intid))
		return;
	spin_lock(&p->lock);
	vplic_set(p->pending, intid, 0);
	kick = vplic_update(vm);
	spin_unlock(&p->lock);
	vplic_kick(kick);
}

/* The VM whose pass-through source src is, or 0. */
static struct vm *vplic_hw_owner(uint32_t src)
{
	for (uint32_t i = 0; i < vm_count; i++)
		if (vplic_test(vm_table[i].arch.plic.hw, src))
			return &vm_table[i];
	return 0;
}

/*
 * A physical external interrupt: every source this pCPU's context has, to
 * its VM; the console UART's to the `input` VM's emulated one (vuart.c),
 * which empties the UART or masks its interrupt before it is completed.
 */
void vplic_physical_irq(void)
{
	uint32_t src;

	while ((src = plic_claim()) != 0) {
		struct vm *vm = vplic_hw_owner(src);

		if (vm) {
			arch_virq_raise(vm, src); /* completed when the guest completes it */
			continue;
		}
		if (src == PLAT_UART_INTID)
			vuart_uart_irq();
		plic_complete(src, arch_cpu_this()->id);
	}
}

/* Enables of context i, one word: only owned sources; the pass-through ones mirrored. */
static void vplic_enable_write(struct vm *vm, uint32_t i, uint32_t w, uint32_t value)
{
	struct vplic *p = &vm->arch.plic;
	uint32_t changed = (value ^ p->enable[i][w]) & p->owned[w] & p->hw[w];

	p->enable[i][w] = value & p->owned[w];
	while (changed) {
		uint32_t src = w * 32 + (uint32_t)__builtin_ctz(changed), any = 0;

		changed &= changed - 1;
		for (uint32_t k = 0; k < vm->nr_vcpus; k++)
			any |= vplic_test(p->enable[k], src);
		plic_enable(src, vplic_hw_pcpu(vm), (int)any);
	}
}

/* Complete src in context i: ignored unless it is enabled there (the specification's rule). */
static void vplic_complete(struct vm *vm, uint32_t i, uint32_t src)
{
	struct vplic *p = &vm->arch.plic;

	if (!vplic_test(p->enable[i], src) || !vplic_test(p->claimed, src))
		return;
	vplic_set(p->claimed, src, 0);
	if (vplic_test(p->hw, src))
		plic_complete(src, vplic_hw_pcpu(vm));
}

static uint32_t vplic_claim(struct vm *vm, uint32_t i)
{
	struct vplic *p = &vm->arch.plic;
	uint32_t src = vplic_best(p, i);

	if (src) {
		vplic_set(p->pending, src, 0);
		vplic_set(p->claimed, src, 1);
	}
	return src;
}

/* vCPU i's context if ctx is the S-mode context of one of the VM's harts, else -1. */
static int vplic_context(const struct vm *vm, uint64_t ctx)
{
	return ctx % 2 == 1 && ctx / 2 < vm->nr_vcpus ? (int)(ctx / 2) : -1;
}

/* Under the lock: 0, or -1 for a context the VM has no hart for. */
static int vplic_write(struct vm *vm, uint64_t off, uint32_t value)
{
	struct vplic *p = &vm->arch.plic;
	int i;

	if (off < PLIC_PENDING) {
		uint32_t src = (uint32_t)(off / 4);

		if (vplic_test(p->owned, src))
			p->prio[src] = (uint8_t)(value & PLIC_PRIORITY_MASK);
		else if (src)
			p->foreign++;
		return 0;
	}
	if (off >= PLIC_ENABLE && off < PLIC_CONTEXT) {
		uint32_t w = (uint32_t)(off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;

		if ((i = vplic_context(vm, (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE)) < 0)
			return -1;
		if (w >= VPLIC_WORDS) {
			p->foreign += value != 0;
			return 0;
		}
		p->foreign += (value & ~p->owned[w] & ~(w ? 0 : 1u)) != 0;
		vplic_enable_write(vm, (uint32_t)i, w, value);
		return 0;
	}
	if (off >= PLIC_CONTEXT) {
		if ((i = vplic_context(vm, (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE)) < 0)
			return -1;
		if ((off & (PLIC_CONTEXT_STRIDE - 1)) == PLIC_THRESHOLD)
			p->threshold[i] = value & PLIC_PRIORITY_MASK;
		else if ((off & (PLIC_CONTEXT_STRIDE - 1)) == PLIC_CLAIM)
			vplic_complete(vm, (uint32_t)i, value);
	}
	return 0; /* the pending bits are read-only; reserved space ignores writes */
}

static int vplic_read(struct vm *vm, uint64_t off, uint32_t *value)
{
	struct vplic *p = &vm->arch.plic;
	int i;

	*value = 0;
	if (off < PLIC_PENDING) {
		if (vplic_test(p->owned, (uint32_t)(off / 4)))
			*value = p->prio[off / 4];
	} else if (off < PLIC_ENABLE) {
		uint64_t w = (off - PLIC_PENDING) / 4;

		if (w < VPLIC_WORDS)
			*value = p->pending[w] & p->owned[w];
	} else if (off < PLIC_CONTEXT) {
		uint64_t w = (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;

		if ((i = vplic_context(vm, (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE)) < 0)
			return -1;
		if (w < VPLIC_WORDS)
			*value = p->enable[i][w];
	} else {
		if ((i = vplic_context(vm, (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE)) < 0)
			return -1;
		if ((off & (PLIC_CONTEXT_STRIDE - 1)) == PLIC_THRESHOLD)
			*value = p->threshold[i];
		else if ((off & (PLIC_CONTEXT_STRIDE - 1)) == PLIC_CLAIM)
			*value = vplic_claim(vm, (uint32_t)i);
	}
	return 0;
}

/* A write that completes the emulated UART's source (vuart.c's lock comes before ours). */
static int vplic_uart_complete(const struct vm *vm, uint64_t off, uint64_t value)
{
	return vm->cfg->uart_ipa && value == PLAT_UART_INTID && off >= PLIC_CONTEXT &&
	       (off & (PLIC_CONTEXT_STRIDE - 1)) == PLIC_CLAIM;
}

/* 32-bit aligned accesses only, as the specification has them. */
static int vplic_access(struct vcpu *v, const void *ctx, uint64_t off, unsigned size, int write,
                        uint64_t *value)
{
	struct vplic *p = &v->vm->arch.plic;
	uint32_t r = 0, kick;
	int err;

	(void)ctx;
	if (size != 4 || off & 3)
		return -1;
	spin_lock(&p->lock);
	if (write)
		err = vplic_write(v->vm, off, (uint32_t)*value);
	else
		err = vplic_read(v->vm, off, &r);
	kick = vplic_update(v->vm);
	spin_unlock(&p->lock);
	vplic_kick(kick);
	if (!write)
		*value = r;
	else if (vplic_uart_complete(v->vm, off, *value))
		vuart_resample(v->vm); /* a level line: still high, it is pending again */
	return err;
}

/* A pass-through source: the VM's own, enabled on the PLIC when the VM enables it. */
static void vplic_pass_through(struct vplic *p, uint32_t src)
{
	vplic_set(p->owned, src, 1);
	vplic_set(p->hw, src, 1);
	plic_priority(src, 1); /* any: the guest's priorities are virtual */
}

/* The console UART feeds the `input` VM's emulated one (vuart_uart_irq). */
static int vplic_takes_input(const struct vm *vm)
{
	return vm->cfg->uart_ipa && cfg_system.input_vm == vm->id;
}

/*
 * pCPU pcpu has started: OpenSBI cleared its hart's PLIC contexts as it
 * started it, after pCPU 0 built the VMs, so what vplic_vm_init enabled on
 * it is enabled again (pass-through sources are enabled later, by their
 * guests).
 */
void vplic_cpu_online(uint32_t pcpu)
{
	for (uint32_t i = 0; i < vm_count; i++)
		if (vplic_takes_input(&vm_table[i]) && vplic_hw_pcpu(&vm_table[i]) == pcpu)
			plic_enable(PLAT_UART_INTID, pcpu, 1);
}

void vplic_vm_init(struct vm *vm)
{
	struct vplic *p = &vm->arch.plic;
	const struct cfg_vm *cfg = vm->cfg;

	for (uint32_t i = 0; i < cfg->nr_intids; i++)
		vplic_pass_through(p, cfg->intids[i]);
	/* The monitor owns the console UART (no model between): its source too. */
	if (cfg_system.monitor_vm == vm->id)
		vplic_pass_through(p, PLAT_UART_INTID);
	for (uint32_t i = 0; i < cfg->nr_regions; i++)
		if (cfg->regions[i].kind == CFG_REGION_SHM && cfg->regions[i].intid)
			vplic_set(p->owned, cfg->regions[i].intid, 1);
	if (cfg->uart_ipa) /* its emulated UART's, a virtual level line (vuart.c) */
		vplic_set(p->owned, PLAT_UART_INTID, 1);
	if (vplic_takes_input(vm)) {
		plic_priority(PLAT_UART_INTID, 1);
		plic_enable(PLAT_UART_INTID, vplic_hw_pcpu(vm), 1);
	}
	vmmio_add(&vm->mmio, PLAT_PLIC_BASE, VPLIC_SIZE, vplic_access, 0);
	vplic_vm_reset(vm);
}

/*
 * All vCPUs parked: the state as out of reset; the pass-through sources
 * off on the PLIC, and completed there if the hypervisor holds them
 * claimed (pending or in service in the guest).
 */
void vplic_vm_reset(struct vm *vm)
{
	struct vplic *p = &vm->arch.plic;

	spin_lock(&p->lock);
	if (p->foreign)
		log_printf("VM %s: %llu accesses to interrupts it does not own, ignored\n",
		           vm->cfg->name, (unsigned long long)p->foreign);
	p->foreign = 0;
	for (uint32_t src = 1; src < VPLIC_SOURCES; src++) {
		if (vplic_test(p->hw, src)) {
			plic_enable(src, vplic_hw_pcpu(vm), 0);
			if (vplic_test(p->pending, src) || vplic_test(p->claimed, src))
				plic_complete(src, vplic_hw_pcpu(vm));
		}
		p->prio[src] = 0;
	}
	for (uint32_t w = 0; w < VPLIC_WORDS; w++) {
		p->pending[w] = p->claimed[w] = 0;
		for (uint32_t i = 0; i < PLAT_CPU_NUM; i++)
			p->enable[i][w] = 0;
	}
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		p->threshold[i] = 0;
		__atomic_store_n(&vm->vcpus[i]->arch.seip, 0, __ATOMIC_RELEASE);
	}
	spin_unlock(&p->lock);
}

uint64_t arch_vm_foreign_irq_accesses(const struct vm *vm)
{
	return vm->arch.plic.foreign;
}
