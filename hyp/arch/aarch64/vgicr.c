/*
 * The emulated redistributors: one 128 KiB frame pair per vCPU of the VM,
 * contiguous in vCPU order, the last one marked Last. They hold the
 * vCPU's SGI and PPI state; a vCPU may program a sibling's frame.
 */
#include "arch.h"
#include "cpu.h"
#include "vgic.h"
#include "vm.h"

#define GICR_FRAME 0x20000
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_TYPER_HI 0x000c
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI 0x10000
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_ISPENDR0 (GICR_SGI + 0x0200)
#define GICR_ICPENDR0 (GICR_SGI + 0x0280)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)
#define GICR_ICFGR0 (GICR_SGI + 0x0c00)
#define GICR_ICFGR1 (GICR_SGI + 0x0c04)
#define GICR_WAKER_SLEEP (1u << 1)

static void vgicr_enable(struct vcpu *t, uint32_t bits, int on)
{
	if (on) {
		t->arch.vgic.enabled |= bits;
		vgic_kick(t);
		return;
	}
	t->arch.vgic.enabled &= ~bits;
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
	uint64_t typer =
	    (uint64_t)t->id << 32 | t->id << 8 | (t->id == t->vm->nr_vcpus - 1 ? 1u << 4 : 0);
	uint64_t r = 0;

	switch (off) {
	case GICR_TYPER:
		return size == 8 ? typer : (uint32_t)typer;
	case GICR_TYPER_HI:
		return typer >> 32;
	case GICR_WAKER: /* ChildrenAsleep follows ProcessorSleep at once */
		return c->waker & GICR_WAKER_SLEEP ? 6 : 0;
	case GICR_PIDR2:
		return 0x30;
	case GICR_IGROUPR0:
		return 0xffffffff;
	case GICR_ISENABLER0:
	case GICR_ICENABLER0:
		return c->enabled;
	case GICR_ISPENDR0:
	case GICR_ICPENDR0:
		return vgic_pending_bits(t, 0);
	case GICR_ICFGR0:
		return 0xaaaaaaaa; /* SGIs are edge-triggered */
	case GICR_ICFGR1:
		return c->icfgr1;
	}
	if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + VGIC_PRIVATE) {
		for (unsigned i = 0; i < size; i++)
			r |= (uint64_t)c->prio[off - GICR_IPRIORITYR + i] << (8 * i);
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
		c->waker = bits & GICR_WAKER_SLEEP;
		return;
	case GICR_ISENABLER0:
	case GICR_ICENABLER0:
		vgicr_enable(t, bits, off == GICR_ISENABLER0);
		return;
	case GICR_ISPENDR0:
	case GICR_ICPENDR0:
		vgicr_pend(t, bits, off == GICR_ISPENDR0);
		return;
	case GICR_ICFGR1:
		c->icfgr1 = bits;
		return;
	}
	if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR + VGIC_PRIVATE)
		for (unsigned i = 0; i < size; i++)
			c->prio[off - GICR_IPRIORITYR + i] = (uint8_t)(value >> (8 * i));
}

int vgicr_access(struct vcpu *v, uint64_t offset, unsigned size, int write, uint64_t *value)
{
	struct vgic *g = &v->vm->arch.vgic;
	struct vcpu *t = v->vm->vcpus[offset / GICR_FRAME];
	uint64_t off = offset % GICR_FRAME;

	if (off & (size - 1))
		return -1;
	spin_lock(&g->lock);
	if (write)
		vgicr_write(t, off, size, *value);
	else
		*value = vgicr_read(t, off, size);
	spin_unlock(&g->lock);
	return 0;
}
