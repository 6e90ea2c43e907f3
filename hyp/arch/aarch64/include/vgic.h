/*
 * The virtual GICv3 each VM sees: an emulated distributor and emulated
 * redistributors (trapped MMIO, state kept here), and the real virtual CPU
 * interface of its pCPU, fed through the ICH list registers. A vCPU never
 * moves, so the list registers are never switched: they are the vCPU's.
 */
#ifndef VGIC_H
#define VGIC_H

#include <stdint.h>

#include "spinlock.h"

#define VGIC_NR_INTIDS 1024 /* INTIDs 0..1019 and the special ones */
#define VGIC_WORDS (VGIC_NR_INTIDS / 64)
#define VGIC_PRIVATE 32 /* SGIs 0-15 and PPIs 16-31 are per vCPU */
#define VGIC_VTIMER_INTID 27
#define VGIC_DEFAULT_PRIO 0xa0

struct vcpu;
struct vm;

/* Per vCPU: its private interrupts, and what waits for a list register. */
struct vgic_cpu {
	uint64_t pending[VGIC_WORDS]; /* raised, not yet in a list register */
	uint32_t pending_words;       /* bit w: pending[w] may be non-zero */
	uint32_t pending_any;         /* look at the bitmap before the ERET */
	uint32_t enabled;             /* SGIs and PPIs */
	uint32_t icfgr1;              /* PPI trigger modes, as the guest wrote them */
	uint32_t waker;
	uint8_t prio[VGIC_PRIVATE];
	uint64_t vtimer_lr; /* the virtual timer's list register value, 0 while it is disabled */
	uint64_t trace_vtimer[2]; /* the second words of its EXIT and INJECT records, ready-made */
};

/* Per VM: the distributor, for the SPIs it owns (all others read as zero). */
struct vgic {
	struct spinlock lock;
	uint32_t ctlr;
	uint64_t owned[VGIC_WORDS]; /* pass-through SPIs, doorbells, the UART's INTID 33 */
	uint64_t hw[VGIC_WORDS];    /* of those, backed by a physical SPI of the same INTID */
	uint64_t level[VGIC_WORDS]; /* emulated level SPIs: their EOI is reported to the source */
	uint64_t enabled[VGIC_WORDS];
	uint32_t icfgr[VGIC_NR_INTIDS / 16];
	uint8_t prio[VGIC_NR_INTIDS];
	uint8_t target[VGIC_NR_INTIDS]; /* vCPU index an SPI is routed to */
	uint64_t foreign;               /* accesses to INTIDs the VM does not own */
};

void vgic_vm_init(struct vm *vm);
void vgic_vm_reset(struct vm *vm);
void vgic_vcpu_reset(struct vcpu *v);

void vgic_kick(struct vcpu *v);
struct vcpu *vgic_spi_target(struct vm *vm, uint32_t intid);
/* Make intid pending in vCPU v (any pCPU may call it). */
void vgic_raise(struct vcpu *v, uint32_t intid);
/* Make SPI intid pending in the vCPU it is routed to. */
void vgic_raise_spi(struct vm *vm, uint32_t intid);
/* Move pending interrupts into this pCPU's list registers (v is this pCPU's vCPU). */
void vgic_flush(struct vcpu *v);
/*
 * A physical interrupt arrived while v ran: 1 if it went to v (active until its EOI), 0 if
 * it was the hypervisor's own (IPI, maintenance: noted), which the caller deactivates.
 */
int vgic_physical_irq(struct vcpu *v, uint32_t intid);
/* The guest wrote ICC_SGI1R_EL1. */
void vgic_sgi_write(struct vcpu *v, uint64_t value);
int vgic_lr_find(uint32_t intid, int *pending);
void vgic_lr_withdraw(struct vcpu *v, uint32_t intid);
void vgic_unraise(struct vcpu *v, uint32_t intid);
void vgic_lr_reset(void);
/* The list registers the guest deactivated that asked to be told (level SPIs): freed, to fn. */
void vgic_lr_eoi(struct vcpu *v, void (*fn)(struct vcpu *v, uint32_t intid));
/* Into a free list register at once, if nothing else waits: 0, or -1 to take the slow path. */
int vgic_lr_inject_now(struct vcpu *v, uint32_t intid);
/* After a change to the virtual timer's enable or priority: its vtimer_lr again. */
void vgic_lr_vtimer_update(struct vcpu *v);
uint32_t vgic_lr_pending_bits(uint32_t first);
/* Pending INTIDs first..first+31 of vCPU v: waiting, or in its list registers. */
uint32_t vgic_pending_bits(struct vcpu *v, uint32_t first);

int vgicd_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value);
int vgicr_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size, int write,
                 uint64_t *value);

/*
 * What vgicd_access and vgicr_access share: a naturally aligned access to register off of
 * vCPU t's frame, made by the frame's read or write under the VM's vGIC lock. Inlined into
 * both, so read and write are direct calls.
 */
static inline int
vgic_frame_access(struct spinlock *lock, struct vcpu *t, uint64_t off, unsigned size, int write,
                  uint64_t *value, uint64_t (*read)(struct vcpu *t, uint64_t off, unsigned size),
                  void (*wr)(struct vcpu *t, uint64_t off, unsigned size, uint64_t value))
{
	if (off & (size - 1))
		return -1;
	spin_lock(lock);
	if (write)
		wr(t, off, size, *value);
	else
		*value = read(t, off, size);
	spin_unlock(lock);
	return 0;
}

static inline int vgic_test(const uint64_t *bits, uint32_t intid)
{
	return bits[intid / 64] >> (intid % 64) & 1;
}

/* Set intid in v's pending bitmap (any pCPU). */
static inline void vgic_pend(struct vgic_cpu *c, uint32_t intid)
{
	__atomic_or_fetch(&c->pending[intid / 64], 1ull << (intid % 64), __ATOMIC_RELAXED);
	__atomic_or_fetch(&c->pending_words, 1u << (intid / 64), __ATOMIC_RELEASE);
}

#endif
