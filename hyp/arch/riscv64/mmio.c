/*
 * Emulated MMIO on riscv64: a guest-page fault on an address no memory
 * backs may be an emulated device's (the PLIC, doorbell pages). The
 * faulting load or store is read back from guest memory (htinst is not
 * relied on: QEMU 7.2 leaves it zero) and decoded: LB/LH/LW/LD and their
 * unsigned forms, SB/SH/SW/SD, and the compressed C.LW, C.LD, C.SW, C.SD.
 * Anything else is a fault, as is an access the device refuses.
 */
#include "arch.h"
#include "entry.h"
#include "vm.h"
#include "vmmio.h"

#define OP_LOAD 0x03
#define OP_STORE 0x23

struct mmio_insn {
	unsigned len;  /* 2 or 4 bytes */
	unsigned size; /* of the access */
	unsigned reg;  /* rd of a load, rs2 of a store */
	int sign;      /* a load that sign-extends */
	int store;
};

/* A 32-bit LOAD or STORE; 0 if it is neither. */
static int mmio_decode32(uint32_t insn, struct mmio_insn *m)
{
	unsigned funct3 = insn >> 12 & 7;

	if ((insn & 0x7f) == OP_LOAD && funct3 != 7) {
		*m = (struct mmio_insn){4, 1u << (funct3 & 3), insn >> 7 & 31, funct3 < 4, 0};
		return 1;
	}
	if ((insn & 0x7f) == OP_STORE && funct3 < 4) {
		*m = (struct mmio_insn){4, 1u << funct3, insn >> 20 & 31, 0, 1};
		return 1;
	}
	return 0;
}

/* C.LW, C.LD, C.SW, C.SD (quadrant 0); 0 if it is none of them. */
static int mmio_decode16(uint32_t insn, struct mmio_insn *m)
{
	unsigned funct3 = insn >> 13 & 7, reg = (insn >> 2 & 7) + 8;

	if ((insn & 3) != 0)
		return 0;
	switch (funct3) {
	case 2: /* C.LW */
	case 3: /* C.LD */
		*m = (struct mmio_insn){2, funct3 == 2 ? 4u : 8u, reg, 1, 0};
		return 1;
	case 6: /* C.SW */
	case 7: /* C.SD */
		*m = (struct mmio_insn){2, funct3 == 6 ? 4u : 8u, reg, 0, 1};
		return 1;
	}
	return 0;
}

static int mmio_decode(uint64_t pc, struct mmio_insn *m)
{
	long lo = mmio_insn_parcel(pc), hi;

	if (lo < 0)
		return 0;
	if ((lo & 3) != 3)
		return mmio_decode16((uint32_t)lo, m);
	if ((hi = mmio_insn_parcel(pc + 2)) < 0)
		return 0;
	return mmio_decode32((uint32_t)lo | (uint32_t)hi << 16, m);
}

int mmio_emulate(struct vcpu *v, struct arch_regs *r, uint64_t gpa, int write)
{
	struct mmio_insn m;
	uint64_t value = 0, mask;
	int handled;

	if (!mmio_decode(r->sepc, &m) || m.store != write)
		return 0;
	mask = m.size == 8 ? ~0ull : (1ull << (8 * m.size)) - 1;
	if (write && m.reg)
		value = r->x[m.reg] & mask;
	if ((handled = vmmio_access(v, gpa, m.size, write, &value)) <= 0)
		return handled;
	if (!write && m.reg) {
		value &= mask;
		if (m.sign && m.size < 8 && value >> (8 * m.size - 1) & 1)
			value |= ~mask;
		r->x[m.reg] = value;
	}
	r->sepc += m.len;
	return 1;
}
