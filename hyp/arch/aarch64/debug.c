/*
 * The Armv8-A side of debugging a VM (hyp/core/debug.c): a held vCPU's EL1
 * registers saved and put back by the list in vitrine/debug.h, and its
 * FP/SIMD ones; debug exceptions routed to EL2 (MDCR_EL2.TDE) only while a
 * session is open,
 * software step (MDSCR_EL1.SS with SPSR.SS), the BRK a breakpoint writes,
 * and a guest VA walked through the vCPU's stage-1 tables (4 KiB granule).
 */
#include "arch.h"
#include "debug.h"
#include "entry.h"
#include "sysreg.h"
#include "vm.h"

#define DEBUG_PSTATE_M 0x1full
#define DEBUG_DESC_ADDR 0x0000fffffffff000ull
#define DEBUG_TTBR_ADDR 0x0000fffffffffffeull

/* On v's pCPU, at its hold: what the monitor may read and change, and no step armed. */
void arch_debug_save(struct vcpu *v)
{
	uint64_t *sys = v->arch.dbg_sys;

#define DEBUG_SAVE(name) sys[VT_DBG_SYS_##name] = sysreg_read(name);
	VT_DBG_SYSREGS(DEBUG_SAVE)
#undef DEBUG_SAVE
	fp_regs_save(v->arch.dbg_fp);
	sysreg_write(mdscr_el1, 0);
	v->regs->spsr &= ~SPSR_SS;
}

void arch_debug_trap(int on)
{
	uint64_t mdcr = sysreg_read(mdcr_el2);

	sysreg_write(mdcr_el2, on ? mdcr | MDCR_TDE : mdcr & ~MDCR_TDE);
}

uint32_t arch_debug_hw_slots(int watch)
{
	/* ID_AA64DFR0_EL1: BRPs [15:12], WRPs [23:20], each one less than the count */
	uint32_t n = (uint32_t)(sysreg_read(id_aa64dfr0_el1) >> (watch ? 20 : 12) & 0xf) + 1;

	return n < VT_DBG_HWS ? n : VT_DBG_HWS;
}

#define DEBUG_BCR_EXEC 0x1e7u /* E, PMC EL1 and EL0, BAS all four bytes: an address match */
#define DEBUG_WCR_E_PAC 0x7u  /* E, PAC EL1 and EL0 */
#define DEBUG_WCR_LSC_SHIFT 3 /* 1 load, 2 store, 3 either */
#define DEBUG_WCR_BAS_SHIFT 5 /* the bytes of the doubleword watched */
#define DEBUG_HW_WRITE(n)                                                                          \
	case n:                                                                                    \
		if (watch) {                                                                       \
			sysreg_write(dbgwvr##n##_el1, va);                                         \
			sysreg_write(dbgwcr##n##_el1, ctrl);                                       \
		} else {                                                                           \
			sysreg_write(dbgbvr##n##_el1, va);                                         \
			sysreg_write(dbgbcr##n##_el1, ctrl);                                       \
		}                                                                                  \
		break;

static void debug_hw_write(int watch, uint32_t n, uint64_t va, uint64_t ctrl)
{
	_Static_assert(VT_DBG_HWS == 4, "a case per slot");
	switch (n) {
		DEBUG_HW_WRITE(0)
		DEBUG_HW_WRITE(1)
		DEBUG_HW_WRITE(2)
		DEBUG_HW_WRITE(3)
	}
}

/* The VM's breakpoints and watchpoints into this pCPU's debug registers (on 0: all off). */
static uint64_t debug_hw_load(const struct debug_vm *d, int on)
{
	static const uint32_t lsc[VT_DBG_HW_COUNT] = {0, 2, 1, 3};
	uint64_t mdscr = 0;

	for (int watch = 0; watch < 2; watch++)
		for (uint32_t i = 0; i < arch_debug_hw_slots(watch); i++) {
			const struct debug_hw *h = watch ? &d->wps[i] : &d->bps[i];
			uint64_t ctrl = DEBUG_BCR_EXEC, va = h->va & ~3ull;

			if (watch) {
				va = h->va & ~7ull;
				ctrl = DEBUG_WCR_E_PAC |
				       (uint64_t)lsc[h->kind] << DEBUG_WCR_LSC_SHIFT |
				       ((1ull << h->len) - 1)
				           << (DEBUG_WCR_BAS_SHIFT + (h->va & 7));
			}
			if (!on || !h->set)
				ctrl = va = 0;
			debug_hw_write(watch, i, va, ctrl);
			mdscr |= ctrl ? MDSCR_MDE : 0;
		}
	return mdscr;
}

/*
 * Back from the hold: the saved registers, as the monitor left them, and
 * the session's breakpoints and watchpoints, except for a step. The OS Lock
 * (set out of reset, and the guest cannot reach it: TDOSA) would keep step
 * and hardware debug exceptions from being taken. A step traps WFI and WFE:
 * the exit ends it at once, where the guest could otherwise sleep through it.
 */
void arch_debug_restore(struct vcpu *v, int session, int step)
{
	const uint64_t *sys = v->arch.dbg_sys;
	uint64_t mdscr = debug_hw_load(&v->vm->debug, session && !step);
	uint64_t hcr = sysreg_read(hcr_el2) & ~(HCR_TWI | HCR_TWE);

#define DEBUG_RESTORE(name) sysreg_write(name, sys[VT_DBG_SYS_##name]);
	VT_DBG_SYSREGS(DEBUG_RESTORE)
#undef DEBUG_RESTORE
	fp_regs_load(v->arch.dbg_fp);
	arch_debug_trap(session);
	if (session)
		sysreg_write(oslar_el1, 0);
	if (step) {
		mdscr |= MDSCR_SS;
		v->regs->spsr |= SPSR_SS;
		hcr |= HCR_TWI | HCR_TWE;
	}
	sysreg_write(hcr_el2, hcr);
	sysreg_write(mdscr_el1, mdscr);
	isb();
}

uint64_t *arch_debug_reg(struct vcpu *v, uint32_t n)
{
	uint64_t *sys = v->arch.dbg_sys;

	if (n < 31)
		return &v->regs->x[n];
	if (n == VT_DBG_REG_SP) /* the SP of the mode it stopped in: EL1h's own, else EL0's */
		return (v->regs->spsr & 0xf) == SPSR_M_EL1H ? &sys[VT_DBG_SYS_sp_el1]
		                                            : &sys[VT_DBG_SYS_sp_el0];
	if (n == VT_DBG_REG_PC)
		return &v->regs->elr;
	if (n == VT_DBG_REG_CPSR)
		return &v->regs->spsr;
	if (n >= VT_DBG_REG_SYS && n < VT_DBG_REG_COUNT)
		return &sys[n - VT_DBG_REG_SYS];
	if (n >= VT_DBG_REG_V && n < VT_DBG_REG_V + VT_DBG_FP_COUNT)
		return &v->arch.dbg_fp[n - VT_DBG_REG_V];
	return 0;
}

/* PSTATE may name only AArch64 EL0t, EL1t or EL1h: an ERET to EL2 would be the guest's. */
int arch_debug_reg_check(uint32_t n, uint64_t value)
{
	uint64_t m = value & DEBUG_PSTATE_M;

	if (n == VT_DBG_REG_CPSR && m != 0 && m != SPSR_M_EL1T && m != SPSR_M_EL1H)
		return -1;
	return 0;
}

uint32_t arch_debug_break_insn(void)
{
	return 0xd4200000u | VT_DBG_BRK_IMM << 5; /* BRK #VT_DBG_BRK_IMM */
}

void arch_icache_invalidate(void)
{
	dsb(ish);
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}

int arch_debug_exit(struct vcpu *v, uint64_t esr)
{
	uint32_t why;

	if (ESR_EC(esr) == EC_BRK64)
		why = (esr & 0xffff) == VT_DBG_BRK_IMM ? VT_DBG_STOP_BREAK : VT_DBG_STOP_BRK;
	else if (ESR_EC(esr) == EC_SSTEP_LOW)
		why = VT_DBG_STOP_STEP;
	else if (ESR_EC(esr) == EC_BKPT_LOW)
		why = VT_DBG_STOP_HW;
	else if (ESR_EC(esr) == EC_WATCH_LOW)
		why = VT_DBG_STOP_WATCH;
	else
		return 0;
	if (!__atomic_load_n(&v->vm->debug.attached, __ATOMIC_ACQUIRE))
		return 0;
	v->debug.addr = why == VT_DBG_STOP_WATCH ? sysreg_read(far_el2) : 0;
	debug_stopped(v, why);
	return 1;
}

/* The table walk from the level the region's size starts at; a block ends it early. */
static int debug_walk(struct vm *vm, uint64_t table, uint64_t va, uint32_t bits, uint64_t *ipa)
{
	for (uint32_t level = 4 - (bits - 4) / 9; level <= 3; level++) {
		uint32_t shift = 12 + 9 * (3 - level);
		uint64_t desc, mask = (1ull << shift) - 1;

		if (debug_read_ipa(vm, table + ((va >> shift) & 0x1ff) * 8, &desc, 8) ||
		    !(desc & 1))
			return VT_DBG_ERR_UNMAPPED;
		if (level == 3 || !(desc & 2)) { /* a page, or a block */
			if ((level == 3) != !!(desc & 2) || level == 0)
				return VT_DBG_ERR_UNMAPPED;
			*ipa = (desc & DEBUG_DESC_ADDR & ~mask) | (va & mask);
			return 0;
		}
		table = desc & DEBUG_DESC_ADDR;
	}
	return VT_DBG_ERR_UNMAPPED;
}

int arch_debug_translate(struct vcpu *v, uint64_t va, uint64_t *ipa)
{
	const uint64_t *sys = v->arch.dbg_sys;
	uint64_t tcr = sys[VT_DBG_SYS_tcr_el1];
	int hi = va >> 55 & 1;
	uint32_t tsz = hi ? tcr >> 16 & 0x3f : tcr & 0x3f;
	uint32_t tg = hi ? tcr >> 30 & 3 : tcr >> 14 & 3;
	int off = hi ? tcr >> 23 & 1 : tcr >> 7 & 1;
	int tbi = hi ? tcr >> 38 & 1 : tcr >> 37 & 1;
	uint32_t bits = 64 - tsz;

	if (!(sys[VT_DBG_SYS_sctlr_el1] & 1)) { /* MMU off: VA is IPA */
		*ipa = va;
		return 0;
	}
	if (tg != (hi ? 2u : 0u)) /* TG1 and TG0 encode 4 KiB differently */
		return SMCCC_NOT_SUPPORTED;
	if (tbi) /* the top byte is a tag: the address is bit 55 extended */
		va = hi ? va | 0xffull << 56 : va & ~(0xffull << 56);
	if (off || bits < 25 || bits > 48 || va >> bits != (hi ? ~0ull >> bits : 0))
		return VT_DBG_ERR_UNMAPPED;
	return debug_walk(v->vm,
	                  sys[hi ? VT_DBG_SYS_ttbr1_el1 : VT_DBG_SYS_ttbr0_el1] & DEBUG_TTBR_ADDR,
	                  va & ((1ull << bits) - 1), bits, ipa);
}
