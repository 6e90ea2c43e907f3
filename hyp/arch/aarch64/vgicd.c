/*
 * The emulated GICv3 distributor (affinity routing only, one security
 * state, Group 1). A VM sees and changes only the SPIs it owns: every
 * other INTID reads as zero and ignores writes, and such accesses are
 * counted. Changes to a pass-through SPI are mirrored to the physical
 * distributor (enable, trigger mode, routing to the target vCPU's pCPU).
 */
#include "arch.h"
#include "cpu.h"
#include "gicv3.h"
#include "gicv3_regs.h"
#include "vgic.h"
#include "vm.h"

/* One bit per INTID, 32 INTIDs per register starting at `first`. */
static uint32_t vgicd_owned_bits(const struct vgic *g, uint32_t first)
{
	return (uint32_t)(g->owned[first / 64] >> (first % 64));
}

static void vgicd_enable(struct vm *vm, uint32_t intid, int on)
{
	struct vgic *g = &vm->arch.vgic;
	struct vcpu *t = vgic_spi_target(vm, intid);

	if (on)
		g->enabled[intid / 64] |= 1ull << (intid % 64);
	else
		g->enabled[intid / 64] &= ~(1ull << (intid % 64));
	if (vgic_test(g->hw, intid))
		gicv3_spi_enable(intid, on);
	if (on)
		vgic_kick(t); /* it may have been pending, waiting for this */
	else if (arch_cpu_this()->vcpu == t)
		vgic_lr_withdraw(t, intid);
}

static void vgicd_bits_write(struct vcpu *v, uint32_t reg, uint32_t first, uint32_t bits)
{
	struct vm *vm = v->vm;

	while (bits) {
		uint32_t intid = first + (uint32_t)__builtin_ctz(bits);

		bits &= bits - 1;
		switch (reg) {
		case GICD_ISENABLER:
		case GICD_ICENABLER:
			vgicd_enable(vm, intid, reg == GICD_ISENABLER);
			break;
		case GICD_ISPENDR:
			vgic_raise_spi(vm, intid);
			break;
		case GICD_ICPENDR:
			vgic_unraise(vgic_spi_target(vm, intid), intid);
			break;
		default: /* groups and active state: fixed */
			break;
		}
	}
}

static uint32_t vgicd_bits_read(struct vm *vm, uint32_t reg, uint32_t first)
{
	struct vgic *g = &vm->arch.vgic;
	uint32_t r = 0;

	switch (reg) {
	case GICD_IGROUPR:
		r = 0xffffffff;
		break;
	case GICD_ISENABLER:
	case GICD_ICENABLER:
		r = (uint32_t)(g->enabled[first / 64] >> (first % 64));
		break;
	case GICD_ISPENDR:
	case GICD_ICPENDR:
		for (uint32_t i = 0; i < vm->nr_vcpus; i++)
			r |= vgic_pending_bits(vm->vcpus[i], first);
		break;
	}
	return r & vgicd_owned_bits(g, first);
}

static int vgicd_owns(const struct vgic *g, uint32_t intid)
{
	return intid >= 32 && intid < VGIC_NR_INTIDS && vgic_test(g->owned, intid);
}

static void vgicd_route(struct vm *vm, uint32_t intid, uint64_t value)
{
	struct vgic *g = &vm->arch.vgic;
	uint32_t aff0 = value & 0xff;
	/* IRM (any vCPU) and affinities no vCPU has both mean vCPU 0. */
	uint32_t t =
	    (value >> 31 & 1) || (value & 0xffffff00ull) || aff0 >= vm->nr_vcpus ? 0 : aff0;

	g->target[intid] = (uint8_t)t;
	if (vgic_test(g->hw, intid))
		gicv3_spi_route(intid, vm->vcpus[t]->pcpu);
}

static void vgicd_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t value)
{
	struct vm *vm = v->vm;
	struct vgic *g = &vm->arch.vgic;

	if (off == GICD_CTLR) {
		g->ctlr = (uint32_t)value & 3;
	} else if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		uint32_t reg = off & ~0x7fu, first = (uint32_t)(off & 0x7f) * 8;

		if ((uint32_t)value & ~vgicd_owned_bits(g, first))
			g->foreign++;
		vgicd_bits_write(v, reg, first, (uint32_t)value & vgicd_owned_bits(g, first));
	} else if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_INTIDS) {
		for (unsigned i = 0; i < size; i++) {
			uint32_t intid = (uint32_t)(off - GICD_IPRIORITYR) + i;

			if (vgicd_owns(g, intid))
				g->prio[intid] = (uint8_t)(value >> (8 * i));
			else
				g->foreign++;
		}
	} else if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_INTIDS / 4) {
		uint32_t first = (uint32_t)(off - GICD_ICFGR) * 4;

		for (uint32_t i = 0; i < 16; i++) {
			uint32_t intid = first + i;
			int edge = value >> (2 * i + 1) & 1;

			if (!vgicd_owns(g, intid))
				continue;
			g->icfgr[intid / 16] = (g->icfgr[intid / 16] & ~(2u << (2 * i))) |
			                       (uint32_t)edge << (2 * i + 1);
			if (vgic_test(g->hw, intid))
				gicv3_spi_edge(intid, edge);
		}
	} else if (off >= GICD_IROUTER && off < GICD_IROUTER_END && !(off & 4)) {
		uint32_t intid = (uint32_t)(off - GICD_IROUTER) / 8;

		if (vgicd_owns(g, intid))
			vgicd_route(vm, intid, value);
		else
			g->foreign++;
	}
}

static uint64_t vgicd_read(struct vcpu *v, uint64_t off, unsigned size)
{
	struct vm *vm = v->vm;
	struct vgic *g = &vm->arch.vgic;
	uint64_t r = 0;

	if (off == GICD_CTLR)
		return g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
	if (off == GICD_TYPER) /* all 1020 INTIDs (doorbells are virtual), 10 INTID bits */
		return (VGIC_NR_INTIDS / 32 - 1) | 9u << 19;
	if (off == GICD_PIDR2)
		return 0x30; /* GICv3 */
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		uint32_t first = (uint32_t)(off & 0x7f) * 8;

		if (!vgicd_owned_bits(g, first))
			g->foreign++;
		return vgicd_bits_read(vm, off & ~0x7fu, first);
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_INTIDS) {
		for (unsigned i = 0; i < size; i++) {
			uint32_t intid = (uint32_t)(off - GICD_IPRIORITYR) + i;

			if (vgicd_owns(g, intid))
				r |= (uint64_t)g->prio[intid] << (8 * i);
		}
		return r;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_INTIDS / 4)
		return g->icfgr[(off - GICD_ICFGR) / 4];
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END && !(off & 4)) {
		uint32_t intid = (uint32_t)(off - GICD_IROUTER) / 8;

		return vgicd_owns(g, intid) ? g->target[intid] : 0;
	}
	return 0;
}

int vgicd_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value)
{
	(void)ctx;
	return vgic_frame_access(&v->vm->arch.vgic.lock, v, offset, size, write, value, vgicd_read,
	                         vgicd_write);
}
