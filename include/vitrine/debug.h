/*
 * Debugging a VM from the monitor: the monitor-only hypercalls that stop a
 * VM the config grants (`debug`), read and write its vCPUs' registers and
 * its memory, step it and set software breakpoints in it. Shared by the
 * hypervisor (hyp/core/debug.c) and the monitor (monitor/debug_view.c).
 *
 * A session starts with ATTACH, which stops the VM, and ends with DETACH,
 * which takes out every breakpoint and lets the VM run on. Stop and
 * continue are VT_HC_VM_PAUSE and VT_HC_VM_RESUME. Registers and memory
 * are read and written only while the vCPU named is stopped (held at an
 * exit), else VT_DBG_ERR_RUNNING. Every call returns SMCCC_INVALID_PARAMETER
 * for an unknown VM, vCPU or register, VT_ERR_DENIED to any caller but the
 * monitor, for a VM the config does not grant, or without a session.
 */
#ifndef VITRINE_DEBUG_H
#define VITRINE_DEBUG_H

#include <vitrine/abi.h>

/* x1 = VM id: start a session, stop the VM; returns once its vCPUs are held -> x0 = 0 */
#define VT_HC_DBG_ATTACH (VT_HC_BASE + 13)
/* x1 = VM id: restore every breakpoint's instruction, end the session, let it run on */
#define VT_HC_DBG_DETACH (VT_HC_BASE + 14)
/*
 * x1 = VM id -> x1 = stops so far (a breakpoint or a step done: it counts
 * up at each), x2 = the last one's enum vt_dbg_stop, x3 = its vCPU, x4 =
 * its PC, x5 = 1 if the VM is stopped now (paused), else 0, x6 = a
 * watchpoint's data address
 */
#define VT_HC_DBG_STATUS (VT_HC_BASE + 15)
/*
 * x1 = VM id, x2 = vCPU, x3 = register (VT_DBG_REG_*), x4 = 1 to write x5
 * first -> x1 = its value
 */
#define VT_HC_DBG_REG (VT_HC_BASE + 16)
/*
 * x1 = VM id, x2 = VT_DBG_IPA or the vCPU whose stage 1 translates a VA,
 * x3 = address, x4 = length (1..VT_DBG_READ_MAX) -> x1..x6 = the bytes,
 * little-endian; VT_DBG_ERR_UNMAPPED if any byte is not the VM's RAM
 */
#define VT_HC_DBG_READ (VT_HC_BASE + 17)
#define VT_DBG_READ_MAX 48
/* x1, x2, x3 as for READ, x4 = length (1..VT_DBG_WRITE_MAX), x5..x7 = the bytes */
#define VT_HC_DBG_WRITE (VT_HC_BASE + 18)
#define VT_DBG_WRITE_MAX 24
/* x1 = VM id, x2 = vCPU, x3 = VA -> x1 = the IPA its stage 1 gives, UNMAPPED if none */
#define VT_HC_DBG_TRANSLATE (VT_HC_BASE + 19)
/*
 * x1, x2, x3 as for READ (a breakpoint's address), x4 = 1 to set a
 * software breakpoint there, 0 to remove it -> x1 = its IPA. At most
 * VT_DBG_BREAKS per VM (SMCCC_INVALID_PARAMETER past that).
 */
#define VT_HC_DBG_BREAK (VT_HC_BASE + 20)
#define VT_DBG_BREAKS 16
/*
 * x1 = VM id, x2 = vCPU: run that vCPU alone for one instruction and return
 * once it is held again -> x1 = enum vt_dbg_stop (STEP, or PAUSE if it did
 * not finish the instruction within 100 ms: a WFI), x2 = its PC
 */
#define VT_HC_DBG_STEP (VT_HC_BASE + 21)
/*
 * x1 = VM id, x2 = enum vt_dbg_hw, x3 = VA (the same for every vCPU), x4 =
 * 1 to set, 0 to remove, x5 = a watchpoint's length (1..8, within an
 * aligned doubleword): a hardware breakpoint or watchpoint, in the debug
 * registers of each of the VM's vCPUs; a step ignores them. At most
 * VT_DBG_HWS of each kind, and no more than the CPU has (INVALID).
 */
#define VT_HC_DBG_HW (VT_HC_BASE + 22)
#define VT_DBG_HWS 4
enum vt_dbg_hw {
	VT_DBG_HW_EXEC,  /* a breakpoint: before the instruction at VA runs */
	VT_DBG_HW_STORE, /* watchpoints: before a store, a load, either, touches the bytes */
	VT_DBG_HW_LOAD,
	VT_DBG_HW_ACCESS,
	VT_DBG_HW_COUNT
};
#define VT_HC_DBG_FIRST VT_HC_DBG_ATTACH
#define VT_HC_DBG_LAST VT_HC_DBG_HW

/* x2 of READ, WRITE and BREAK: the address is an IPA, not a vCPU's VA. */
#define VT_DBG_IPA 0xffffffffu

#define VT_DBG_ERR_UNMAPPED (-5) /* no translation, or not the VM's RAM */
#define VT_DBG_ERR_RUNNING (-6)  /* the vCPU is not held: stop the VM first */

/* The BRK the hypervisor writes for a breakpoint: its immediate tells it from the guest's own. */
#define VT_DBG_BRK_IMM 0x5654u

/* Why a vCPU of a debugged VM stopped (STATUS x2, STEP x1). */
enum vt_dbg_stop {
	VT_DBG_STOP_NONE,  /* no stop since the session began */
	VT_DBG_STOP_PAUSE, /* the monitor stopped it */
	VT_DBG_STOP_BREAK, /* one of the session's breakpoints */
	VT_DBG_STOP_STEP,  /* a step is done */
	VT_DBG_STOP_BRK,   /* a BRK of the guest's own (Linux's BUG, say): not stepped over */
	VT_DBG_STOP_HW,    /* a hardware breakpoint */
	VT_DBG_STOP_WATCH, /* a watchpoint: STATUS x6 is the address the access touched */
	VT_DBG_STOP_COUNT
};
#define VT_DBG_STOP_NAMES                                                                          \
	{                                                                                          \
		"none", "pause", "break", "step", "brk", "hw", "watch"                             \
	}

/*
 * Registers: 0..30 are x0..x30, then, as GDB numbers them, sp (of the mode
 * it stopped in), pc and cpsr (PSTATE, as SPSR holds it); then the EL1
 * system registers, each once here (the hypervisor saves them by this list);
 * then the FP/SIMD registers.
 */
#define VT_DBG_REG_SP 31
#define VT_DBG_REG_PC 32
#define VT_DBG_REG_CPSR 33
#define VT_DBG_REG_SYS 64 /* the first of VT_DBG_SYSREGS */
#define VT_DBG_SYSREGS(X)                                                                          \
	X(sp_el0)                                                                                  \
	X(sp_el1)                                                                                  \
	X(elr_el1)                                                                                 \
	X(spsr_el1)                                                                                \
	X(sctlr_el1)                                                                               \
	X(tcr_el1)                                                                                 \
	X(ttbr0_el1)                                                                               \
	X(ttbr1_el1)                                                                               \
	X(mair_el1)                                                                                \
	X(vbar_el1)                                                                                \
	X(esr_el1)                                                                                 \
	X(far_el1)                                                                                 \
	X(contextidr_el1)                                                                          \
	X(tpidr_el1)                                                                               \
	X(tpidr_el0)                                                                               \
	X(par_el1)

#define VT_DBG_SYS_INDEX(name) VT_DBG_SYS_##name,
enum vt_dbg_sys { VT_DBG_SYSREGS(VT_DBG_SYS_INDEX) VT_DBG_SYS_COUNT };
#undef VT_DBG_SYS_INDEX
#define VT_DBG_REG_COUNT (VT_DBG_REG_SYS + VT_DBG_SYS_COUNT)
/* FP/SIMD: the low and the high 64 bits of v0..v31 (128 + 2n, 128 + 2n + 1), FPSR, FPCR. */
#define VT_DBG_REG_V 128
#define VT_DBG_REG_FPSR (VT_DBG_REG_V + 64)
#define VT_DBG_REG_FPCR (VT_DBG_REG_V + 65)
#define VT_DBG_FP_COUNT 66

#endif
