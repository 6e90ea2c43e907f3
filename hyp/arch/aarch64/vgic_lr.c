/*
 * The list registers of this pCPU's virtual CPU interface: the hardware
 * side of injection. Pending interrupts wait in the vCPU's bitmap; a flush
 * puts the highest-priority enabled ones into free list registers, evicts
 * a lower-priority pending one when all are taken, and asks for a
 * maintenance interrupt (underflow) while some still wait.
 */
#include "arch.h"
#include "cpu.h"
#include "gicv3.h"
#include "sysreg.h"
#include "trace.h"
#include "vgic.h"
#include "vgic_state.h"
#include "vm.h"

#define LR_STATE_SHIFT 62
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (2ull << 62)
#define LR_HW (1ull << 61)
#define LR_EOI (1ull << 41) /* a maintenance interrupt when the guest deactivates it */
#define LR_GROUP1 (1ull << 60)
#define LR_PRIO_SHIFT 48
#define LR_PINTID_SHIFT 32
#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)

static unsigned lr_count;
uint64_t vgic_lr_all; /* a bit per list register */

/*
 * ICH_LR<i>_EL2 by number: a register is named in its instruction, so jump
 * into a table of two-instruction entries (i < lr_count <= 8).
 */
#define LR_ENTRY(op, n) op(n) "\n\tb 2f\n\t"
#define LR_TABLE(op)                                                                               \
	"adr x16, 1f\n\tadd x16, x16, %x[i], lsl #3\n\tbr x16\n1:\t" LR_ENTRY(op, 0)               \
	    LR_ENTRY(op, 1) LR_ENTRY(op, 2) LR_ENTRY(op, 3) LR_ENTRY(op, 4) LR_ENTRY(op, 5)        \
	        LR_ENTRY(op, 6) op(7) "\n2:"
#define LR_MRS(n) "mrs %[v], ich_lr" #n "_el2"
#define LR_MSR(n) "msr ich_lr" #n "_el2, %[v]"

static inline uint64_t lr_read(unsigned i)
{
	uint64_t v;

	__asm__ volatile(LR_TABLE(LR_MRS) : [v] "=r"(v) : [i] "r"((uint64_t)(i & 7)) : "x16");
	return v;
}

static inline void lr_write(unsigned i, uint64_t v)
{
	__asm__ volatile(LR_TABLE(LR_MSR)::[v] "r"(v), [i] "r"((uint64_t)(i & 7)) : "x16");
}

/* At vCPU start: empty list registers, no active priorities, interface on. */
void vgic_lr_reset(void)
{
	lr_count = (sysreg_read(ich_vtr_el2) & 0x1f) + 1;
	if (lr_count > 8)
		lr_count = 8;
	vgic_lr_all = (1ull << lr_count) - 1;
	for (unsigned i = 0; i < lr_count; i++)
		lr_write(i, 0);
	sysreg_write(ich_ap1r0_el2, 0);
	sysreg_write(ich_vmcr_el2, 0);
	sysreg_write(ich_hcr_el2, ICH_HCR_EN);
	isb();
}

void vgic_lr_eoi(struct vcpu *v, void (*fn)(struct vcpu *v, uint32_t intid))
{
	uint64_t eisr = sysreg_read(ich_eisr_el2) & vgic_lr_all;

	while (eisr) {
		unsigned i = (unsigned)__builtin_ctzll(eisr);
		uint32_t intid = (uint32_t)lr_read(i);

		eisr &= eisr - 1;
		lr_write(i, 0);
		fn(v, intid);
	}
}

static int vgic_lr_find_in(uint64_t empty, uint32_t intid, int *pending)
{
	uint64_t used = ~empty & vgic_lr_all;

	while (used) {
		unsigned i = (unsigned)__builtin_ctzll(used);
		uint64_t lr = lr_read(i);

		used &= used - 1;
		if ((uint32_t)lr == intid) {
			*pending = (lr >> LR_STATE_SHIFT) == 1;
			return (int)i;
		}
	}
	return -1;
}

/* The list register holding intid, or -1; *pending tells whether it is only pending. */
int vgic_lr_find(uint32_t intid, int *pending)
{
	return vgic_lr_find_in(sysreg_read(ich_elrsr_el2), intid, pending);
}

/* INTIDs first..first+31 that this pCPU's list registers hold as pending. */
uint32_t vgic_lr_pending_bits(uint32_t first)
{
	uint64_t empty = sysreg_read(ich_elrsr_el2);
	uint32_t bits = 0;

	for (unsigned i = 0; i < lr_count; i++) {
		uint64_t lr;
		uint32_t intid;

		if (empty >> i & 1)
			continue;
		lr = lr_read(i);
		intid = (uint32_t)lr;
		if (lr & LR_PENDING && intid - first < 32)
			bits |= 1u << (intid - first);
	}
	return bits;
}

/* Take intid out of its list register if it is there only pending (not acknowledged). */
static int vgic_lr_drop_pending(uint32_t intid)
{
	int pending, i = vgic_lr_find(intid, &pending);

	if (i < 0 || !pending)
		return 0;
	lr_write((unsigned)i, 0);
	return 1;
}

/* A pending interrupt goes back to the bitmap, e.g. when disabled or outranked. */
void vgic_lr_withdraw(struct vcpu *v, uint32_t intid)
{
	if (!vgic_lr_drop_pending(intid))
		return;
	__atomic_or_fetch(&v->arch.vgic.pending[intid / 64], 1ull << (intid % 64),
	                  __ATOMIC_RELAXED);
	__atomic_store_n(&v->arch.vgic.pending_any, 1, __ATOMIC_RELEASE);
}

/* The guest cleared intid's pending state (ICPENDR). */
void vgic_unraise(struct vcpu *v, uint32_t intid)
{
	__atomic_and_fetch(&v->arch.vgic.pending[intid / 64], ~(1ull << (intid % 64)),
	                   __ATOMIC_RELAXED);
	if (arch_cpu_this()->vcpu == v)
		vgic_lr_drop_pending(intid);
}

static inline uint64_t lr_make(struct vcpu *v, uint32_t intid)
{
	uint64_t lr =
	    intid | LR_PENDING | LR_GROUP1 | (uint64_t)vgic_priority(v, intid) << LR_PRIO_SHIFT;

	if (vgic_hw_pintid(v, intid))
		lr |= LR_HW | (uint64_t)intid << LR_PINTID_SHIFT;
	else if (intid >= 32 && vgic_test(v->vm->arch.vgic.level, intid))
		lr |= LR_EOI;
	return lr;
}

void vgic_lr_vtimer_update(struct vcpu *v)
{
	uint64_t lr = vgic_is_enabled(v, VGIC_VTIMER_INTID) ? lr_make(v, VGIC_VTIMER_INTID) : 0;

	__atomic_store_n(&v->arch.vgic.vtimer_lr, lr, __ATOMIC_RELAXED);
}

/* The best (lowest value) priority enabled pending interrupt in the words, or GIC_SPURIOUS. */
static uint32_t vgic_best_pending(struct vcpu *v, uint32_t words)
{
	uint32_t best = GIC_SPURIOUS;
	unsigned best_prio = 0x100;

	while (words) {
		uint32_t w = (uint32_t)__builtin_ctz(words);
		uint64_t bits = __atomic_load_n(&v->arch.vgic.pending[w], __ATOMIC_RELAXED);

		words &= words - 1;
		while (bits) {
			uint32_t intid = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (vgic_is_enabled(v, intid) && vgic_priority(v, intid) < best_prio) {
				best = intid;
				best_prio = vgic_priority(v, intid);
			}
		}
	}
	return best;
}

int vgic_lr_inject_now(struct vcpu *v, uint32_t intid)
{
	uint64_t empty;
	int pending;

	/* Anything already waiting may outrank intid: then the slow path sorts it out. */
	if (*(volatile uint32_t *)&v->arch.vgic.pending_words || !vgic_is_enabled(v, intid))
		return -1;
	empty = sysreg_read(ich_elrsr_el2) & vgic_lr_all;
	if (!empty || (empty != vgic_lr_all && vgic_lr_find_in(empty, intid, &pending) >= 0))
		return -1;
	lr_write((unsigned)__builtin_ctzll(empty), lr_make(v, intid));
	return 0;
}

/* Into a free list register, or over the lowest-priority pending one if intid beats it. */
static int vgic_lr_place(struct vcpu *v, uint32_t intid)
{
	uint64_t empty = sysreg_read(ich_elrsr_el2);
	unsigned victim = lr_count, victim_prio = 0;
	int pending, at;

	if (empty == vgic_lr_all) { /* all free (the usual case), so intid is in none */
		vgic_lr0_write(lr_make(v, intid));
		return 0;
	}
	at = vgic_lr_find_in(empty, intid, &pending);
	if (at >= 0) { /* already there: pending stays pending, active becomes active+pending */
		uint64_t lr = lr_read((unsigned)at);

		if (!pending && !(lr & LR_HW))
			lr_write((unsigned)at, lr | LR_PENDING);
		return 0;
	}
	for (unsigned i = 0; i < lr_count; i++) {
		uint64_t lr;

		if (empty >> i & 1) {
			lr_write(i, lr_make(v, intid));
			return 0;
		}
		lr = lr_read(i);
		if ((lr >> LR_STATE_SHIFT) == 1 && (lr >> LR_PRIO_SHIFT & 0xff) >= victim_prio) {
			victim = i;
			victim_prio = lr >> LR_PRIO_SHIFT & 0xff;
		}
	}
	if (victim == lr_count || victim_prio <= vgic_priority(v, intid))
		return -1;
	vgic_lr_withdraw(v, (uint32_t)lr_read(victim));
	lr_write(victim, lr_make(v, intid));
	return 0;
}

/*
 * The usual flush: the one interrupt in words (a bit of one word), enabled,
 * into list register 0 of all free ones. 0 when done, -1 with nothing done.
 */
static inline int vgic_flush_one(struct vcpu *v, uint32_t words)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t w = (uint32_t)__builtin_ctz(words), intid;
	uint64_t bits = __atomic_load_n(&c->pending[w], __ATOMIC_RELAXED);

	if (words & (words - 1) || !bits || bits & (bits - 1))
		return -1;
	intid = w * 64 + (uint32_t)__builtin_ctzll(bits);
	if (!vgic_is_enabled(v, intid) || sysreg_read(ich_elrsr_el2) != vgic_lr_all)
		return -1;
	vgic_lr0_write(lr_make(v, intid));
	/* Raised again meanwhile (it is in a list register now, but pending again): marked again.
	 */
	if (__atomic_and_fetch(&c->pending[w], ~bits, __ATOMIC_RELAXED))
		__atomic_or_fetch(&c->pending_words, 1u << w, __ATOMIC_RELAXED);
	return 0;
}

/* Pending interrupts in words into list registers, by priority, for as long as they fit. */
static __attribute__((noinline)) void vgic_flush_words(struct vcpu *v, uint32_t words)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint64_t hcr = ICH_HCR_EN;

	for (;;) {
		uint32_t intid = vgic_best_pending(v, words);

		if (intid == GIC_SPURIOUS)
			break;
		if (vgic_lr_place(v, intid)) {
			trace_vcpu(VT_CLASS_IRQ, VT_EV_LR_FULL, v, intid, 0, 0);
			/* The maintenance interrupt, when list registers free up, calls us back. */
			hcr |= ICH_HCR_UIE;
			break;
		}
		/* A word left empty needs no second look: a raise into it marks it again. */
		if (!__atomic_and_fetch(&c->pending[intid / 64], ~(1ull << (intid % 64)),
		                        __ATOMIC_RELAXED))
			words &= ~(1u << intid / 64);
	}
	/* Words still holding interrupts (disabled, or waiting for a list register) stay marked. */
	while (words) {
		uint32_t w = (uint32_t)__builtin_ctz(words);

		words &= words - 1;
		if (__atomic_load_n(&c->pending[w], __ATOMIC_RELAXED))
			__atomic_or_fetch(&c->pending_words, 1u << w, __ATOMIC_RELAXED);
	}
	sysreg_write(ich_hcr_el2, hcr); /* no ISB: the ERET that follows synchronizes */
}

void vgic_flush(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t words;

	/*
	 * Taking the summary bits empty lets a concurrent raise set them again;
	 * one that comes after (into a word not taken here) sets pending_any
	 * after this clears it (sequentially consistent: the store is ordered
	 * before the exchange) and sends an IPI, whose exit flushes again.
	 */
	__atomic_store_n(&c->pending_any, 0, __ATOMIC_SEQ_CST);
	words = __atomic_exchange_n(&c->pending_words, 0, __ATOMIC_SEQ_CST);
	if (words && !vgic_flush_one(v, words)) {
		sysreg_write(ich_hcr_el2, ICH_HCR_EN); /* nothing waits for a list register */
		return;
	}
	vgic_flush_words(v, words); /* a tail call: this needs no stack frame */
}
