/*
 * The emulated redistributors: one 128 KiB frame pair per vCPU of the VM,
 * contiguous in vCPU order, the last one marked Last. They hold the
 * vCPU's SGI and PPI state; a vCPU may program a sibling's frame.
 */
#include "arch.h"
#include "cpu.h"
#include "gicv3_regs.h"
#include "vgic.h"
#include "vm.h"

#define GICR_TYPER_HI (GICR_TYPER + 4)
#define SGI(reg) (GICR_SGI_BASE + (reg))

static void vgicr_enable(struct vcpu *t, uint32_t bits, int on)
{
	if (on) {
		t->arch.vgic.enabled |= bits;
		vgic_lr_vtimer_update(t);
		vgic_kick(t);
		return;
	}
	t->arch.vgic.enabled &= ~bits;
	vgic_lr_vtimer_update(t);
	if (arch_cpu_this()->vcpu == t)
		while (bits) {
			vgic_lr_withdraw(t, (uint32_t)__builtin_ctz(bits));
			bits &= bits - 1;
		}
}

static void vgicr_pend(struct vcpu *t, uint32_t bits, int on)
{
	while (bits) {
		uint32_t intid = (uint32_t)__builtin_ctz(bits);

		bits &= bits - 1;
		if (on)
			vgic_raise(t, intid);
		else
			vgic_unraise(t, intid);
	}
}

static uint64_t vgicr_read(struct vcpu *t, uint64_t off, unsigned size)
{
	struct vgic_cpu *c = &t->arch.vgic;
	uint64_t typer = (uint64_t)t->id << 32 | t->id << 8 |
	                 (t->id == t->vm->nr_vcpus - 1 ? GICR_TYPER_LAST : 0);
	uint64_t r = 0;

	switch (off) {
	case GICR_TYPER:
		return size == 8 ? typer : (uint32_t)typer;
	case GICR_TYPER_HI:
		return typer >> 32;
	case GICR_WAKER: /* ChildrenAsleep follows ProcessorSleep at once */
		return c->waker & GICR_WAKER_PROCESSOR_SLEEP ? 6 : 0;
	case GICR_PIDR2:
		return 0x30;
	case SGI(GICR_IGROUPR0):
		return 0xffffffff;
	case SGI(GICR_ISENABLER0):
	case SGI(GICR_ICENABLER0):
		return c->enabled;
	case SGI(GICR_ISPENDR0):
	case SGI(GICR_ICPENDR0):
		return vgic_pending_bits(t, 0);
	case SGI(GICR_ICFGR0):
		return 0xaaaaaaaa; /* SGIs are edge-triggered */
	case SGI(GICR_ICFGR1):
		return c->icfgr1;
	}
	if (off >= SGI(GICR_IPRIORITYR) && off < SGI(GICR_IPRIORITYR) + VGIC_PRIVATE) {
		for (unsigned i = 0; i < size; i++)
			r |= (uint64_t)c->prio[off - SGI(GICR_IPRIORITYR) + i] << (8 * i);
		return r;
	}
	return 0;
}

static void vgicr_write(struct vcpu *t, uint64_t off, unsigned size, uint64_t value)
{
	struct vgic_cpu *c = &t->arch.vgic;
	uint32_t bits = (uint32_t)value;

	switch (off) {
	case GICR_WAKER:
		c->waker = bits & GICR_WAKER_PROCESSOR_SLEEP;
		return;
	case SGI(GICR_ISENABLER0):
	case SGI(GICR_ICENABLER0):
		vgicr_enable(t, bits, off == SGI(GICR_ISENABLER0));
		return;
	case SGI(GICR_ISPENDR0):
	case SGI(GICR_ICPENDR0):
		vgicr_pend(t, bits, off == SGI(GICR_ISPENDR0));
		return;
	case SGI(GICR_ICFGR1):
		c->icfgr1 = bits;
		return;
	}
	if (off >= SGI(GICR_IPRIORITYR) && off < SGI(GICR_IPRIORITYR) + VGIC_PRIVATE) {
		for (unsigned i = 0; i < size; i++)
			c->prio[off - SGI(GICR_IPRIORITYR) + i] = (uint8_t)(value >> (8 * i));
		vgic_lr_vtimer_update(t);
	}
}

int vgicr_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value)
{
	struct vcpu *t = v->vm->vcpus[offset / GICR_FRAME];

	(void)ctx;
	return vgic_frame_access(&v->vm->arch.vgic.lock, t, offset % GICR_FRAME, size, write, value,
	                         vgicr_read, vgicr_write);
}
