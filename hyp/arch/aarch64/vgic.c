/*
 * Virtual GIC state and injection. An interrupt for a vCPU is a bit in its
 * pending bitmap (any pCPU may set it, atomically); the vCPU's own pCPU
 * moves bits into list registers before it returns to the guest, and
 * another pCPU that raised one sends it an IPI so that happens promptly.
 */
#include "vgic.h"

#include "arch.h"
#include "cpu.h"
#include "gicv3.h"
#include "log.h"
#include "sysreg.h"
#include "trace.h"
#include "vgic_state.h"
#include "vm.h"

/*
 * Have v, on another pCPU, look at its pending bitmap before it next runs
 * guest code. Only exits call this, so the IPI's SGI write needs no ISB
 * (as arch_ipi_send has): the ERET to the guest that follows is a context
 * synchronization event.
 */
static inline void vgic_kick_remote(struct vcpu *v)
{
	uint32_t pcpu = v->pcpu;

	__atomic_store_n(&v->arch.vgic.pending_any, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING) {
		trace_emit(VT_CLASS_IRQ, VT_EV_IPI, VT_NONE, VT_NONE, pcpu, 0, 0);
		gicv3_sgi_write(pcpu, GIC_SGI_IPI);
	}
}

void vgic_kick(struct vcpu *v)
{
	if (arch_cpu_this()->vcpu == v)
		__atomic_store_n(&v->arch.vgic.pending_any, 1, __ATOMIC_RELEASE);
	else
		vgic_kick_remote(v);
}

/* vgic_raise for this pCPU's own vCPU v. */
static void vgic_raise_local(struct vcpu *v, uint32_t intid)
{
	trace_vcpu(VT_CLASS_IRQ, VT_EV_INJECT, v, intid, vgic_hw_pintid(v, intid), 0);
	/* The common case, e.g. the timer: straight into a list register. */
	if (!vgic_lr_inject_now(v, intid))
		return;
	vgic_pend(&v->arch.vgic, intid);
	__atomic_store_n(&v->arch.vgic.pending_any, 1, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline)) void vgic_raise_inline(struct vcpu *v, uint32_t intid)
{
	if (arch_cpu_this()->vcpu == v) {
		vgic_raise_local(v, intid);
		return;
	}
	trace_vcpu(VT_CLASS_IRQ, VT_EV_INJECT, v, intid, vgic_hw_pintid(v, intid), 0);
	vgic_pend(&v->arch.vgic, intid);
	vgic_kick_remote(v);
}

void vgic_raise(struct vcpu *v, uint32_t intid)
{
	vgic_raise_inline(v, intid);
}

uint32_t vgic_pending_bits(struct vcpu *v, uint32_t first)
{
	uint32_t bits =
	    (uint32_t)(__atomic_load_n(&v->arch.vgic.pending[first / 64], __ATOMIC_RELAXED) >>
	               (first % 64));

	if (arch_cpu_this()->vcpu == v) /* a sibling's list registers are out of reach */
		bits |= vgic_lr_pending_bits(first);
	return bits;
}

struct vcpu *vgic_spi_target(struct vm *vm, uint32_t intid)
{
	uint32_t t = vm->arch.vgic.target[intid];

	return vm->vcpus[t < vm->nr_vcpus ? t : 0];
}

void vgic_raise_spi(struct vm *vm, uint32_t intid)
{
	vgic_raise(vgic_spi_target(vm, intid), intid);
}

void arch_virq_raise(struct vm *vm, uint32_t intid)
{
	vgic_raise_spi(vm, intid);
}

void arch_virq_lower(struct vm *vm, uint32_t intid)
{
	vgic_unraise(vgic_spi_target(vm, intid), intid);
}

/* The guest ended an emulated level interrupt: its source raises it again if still high. */
static void vgic_level_eoi(struct vcpu *v, uint32_t intid)
{
	if (intid == PLAT_UART_INTID)
		vuart_resample(v->vm);
}

uint64_t arch_vm_foreign_irq_accesses(const struct vm *vm)
{
	return vm->arch.vgic.foreign;
}

void arch_vm_quiesce(struct vm *vm)
{
	uint64_t foreign = vm->arch.vgic.foreign;

	if (foreign)
		log_printf("VM %s: %llu accesses to interrupts it does not own, ignored\n",
		           vm->cfg->name, (unsigned long long)foreign);
	vm->arch.vgic.foreign = 0;
	vgic_vm_reset(vm);
}

int vgic_physical_irq(struct vcpu *v, uint32_t intid)
{
	struct vm *vm = v->vm;

	if (intid == GIC_PPI_MAINT) { /* list registers drained: refill them on the way out */
		vgic_lr_eoi(v, vgic_level_eoi);
		__atomic_store_n(&v->arch.vgic.pending_any, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (intid == VGIC_VTIMER_INTID) {
		vgic_raise(v, intid);
		return 1;
	}
	if (intid >= 32 && intid < VGIC_NR_INTIDS && vgic_test(vm->arch.vgic.hw, intid)) {
		vgic_raise_spi(vm, intid);
		return 1;
	}
	return 0;
}

_Static_assert(PLAT_CPU_NUM < 32, "a VM's vCPUs as a 32-bit mask");

/* An SGI to each vCPU in targets but the last. */
static __attribute__((noinline)) void vgic_sgi_many(struct vm *vm, uint32_t intid, uint32_t targets)
{
	while (targets & (targets - 1)) {
		uint32_t i = (uint32_t)__builtin_ctz(targets);

		targets &= targets - 1;
		vgic_raise_inline(vm->vcpus[i], intid);
	}
}

/* ICC_SGI1R_EL1: SGI INTID in [27:24], IRM in [40], Aff1 [23:16], target list [15:0]. */
void vgic_sgi_write(struct vcpu *v, uint64_t value)
{
	struct vm *vm = v->vm;
	uint32_t intid = value >> 24 & 0xf, all = (1u << vm->nr_vcpus) - 1, targets;

	if (value >> 40 & 1) /* all but self */
		targets = all & ~(1u << v->id);
	else if (value & 0x00ff00ff00ff0000ull) /* Aff3, Aff2, Aff1: vCPUs have none */
		targets = 0;
	else
		targets = (uint32_t)value & all; /* vCPU i is Aff0 = i (a target list bit) */
	if (!targets)
		return;
	if (targets & (targets - 1))
		vgic_sgi_many(vm, intid, targets);
	/* The last (the usual only) target here: no loop, fewer registers to save. */
	vgic_raise_inline(vm->vcpus[31 - __builtin_clz(targets)], intid);
}

void vgic_vm_init(struct vm *vm)
{
	struct vgic *g = &vm->arch.vgic;
	const struct cfg_vm *cfg = vm->cfg;

	for (uint32_t i = 0; i < cfg->nr_intids; i++) {
		uint32_t intid = cfg->intids[i];

		g->owned[intid / 64] |= 1ull << (intid % 64);
		g->hw[intid / 64] |= 1ull << (intid % 64);
	}
	for (uint32_t i = 0; i < cfg->nr_regions; i++) {
		uint32_t intid = cfg->regions[i].intid;

		if (cfg->regions[i].kind == CFG_REGION_SHM && intid)
			g->owned[intid / 64] |= 1ull << (intid % 64);
	}
	if (cfg->uart_ipa) { /* its emulated UART's (vuart.c), a level line */
		g->owned[PLAT_UART_INTID / 64] |= 1ull << (PLAT_UART_INTID % 64);
		g->level[PLAT_UART_INTID / 64] |= 1ull << (PLAT_UART_INTID % 64);
	} else if (cfg_system.input_vm == vm->id) { /* the monitor: the physical UART's */
		g->owned[PLAT_UART_INTID / 64] |= 1ull << (PLAT_UART_INTID % 64);
		g->hw[PLAT_UART_INTID / 64] |= 1ull << (PLAT_UART_INTID % 64);
	}
	/* The physical UART feeds the `input` VM's emulated one (vuart_uart_irq). */
	if (cfg->uart_ipa && cfg_system.input_vm == vm->id) {
		gicv3_spi_route(PLAT_UART_INTID, vm->vcpus[0]->pcpu);
		gicv3_spi_enable(PLAT_UART_INTID, 1);
	}
	vgic_vm_reset(vm);
}

/* Distributor state as out of reset; physical SPIs disabled and sent to vCPU 0's pCPU. */
void vgic_vm_reset(struct vm *vm)
{
	struct vgic *g = &vm->arch.vgic;

	spin_lock(&g->lock);
	g->ctlr = 0;
	for (uint32_t w = 0; w < VGIC_WORDS; w++)
		g->enabled[w] = 0;
	for (uint32_t i = 0; i < VGIC_NR_INTIDS / 16; i++)
		g->icfgr[i] = 0;
	for (uint32_t i = 0; i < VGIC_NR_INTIDS; i++) {
		g->prio[i] = 0;
		g->target[i] = 0;
		if (i >= 32 && vgic_test(g->hw, i)) {
			gicv3_spi_enable(i, 0);
			gicv3_clear_active(i, 0);
			gicv3_spi_route(i, vm->vcpus[0]->pcpu);
		}
	}
	spin_unlock(&g->lock);
}

/* At every start of the vCPU (boot, CPU_ON, reset) on its own pCPU. */
void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	for (uint32_t w = 0; w < VGIC_WORDS; w++)
		c->pending[w] = 0;
	c->pending_words = 0;
	c->pending_any = 0;
	c->enabled = 0;
	c->icfgr1 = 0;
	c->waker = 2; /* ProcessorSleep */
	for (uint32_t i = 0; i < VGIC_PRIVATE; i++)
		c->prio[i] = 0;
	c->trace_vtimer[0] = v->trace_exit | (uint64_t)VT_EXIT_IRQ << 32;
	c->trace_vtimer[1] = v->trace_who | VT_EV_INJECT | (uint64_t)VGIC_VTIMER_INTID << 32;
	vgic_lr_vtimer_update(v);
	gicv3_clear_active(VGIC_VTIMER_INTID, v->pcpu);
	vgic_lr_reset();
}
