/* The seams between the assembly (boot.S, vectors.S, fpregs.S) and the C of this port. */
#ifndef ENTRY_H
#define ENTRY_H

#include <stdint.h>

#include "arch_vcpu.h"

/* boot.S */
extern char boot_secondary[];
/* mmu.c, called by boot.S with the MMU off */
void mmu_boot_build(void);

/* vectors.S */
void guest_enter(struct arch_regs *frame) __attribute__((noreturn));
void cpu_switch_stack(void (*fn)(void), uintptr_t sp) __attribute__((noreturn));
/*
 * exit.c, called by vectors.S with x0-x19, x30, ELR and SPSR in the frame.
 * They return EXIT_DONE (back to the guest) or what exit_slow, called with
 * the whole frame, is to do.
 */
#define EXIT_DONE 0
#define EXIT_HANDLE 1 /* the sync exit is not handled yet: it reads x20-x30 */
#define EXIT_FINISH 2 /* handled, but the vCPU is no longer RUNNING */
uint32_t exit_sync(struct arch_regs *r);
uint32_t exit_irq(struct arch_regs *r);
uint32_t exit_other(struct arch_regs *r);
void exit_slow(struct arch_regs *r, uint32_t what);
/* cpu.c: one of the hypervisor's own interrupts (not a guest's), acknowledged and not yet
 * deactivated */
void cpu_own_irq(uint32_t intid);
void hyp_exception(struct arch_regs *r, uint64_t kind) __attribute__((noreturn));

/* fpregs.S */
void fp_regs_zero(void);
/* to[0..63]: q0-q31 (low half first), to[64] FPSR, to[65] FPCR */
void fp_regs_save(uint64_t *to);
void fp_regs_load(const uint64_t *from);

/* cpu.c: the register frame of the vCPU pinned to pcpu, at the top of its stack */
struct arch_regs *arch_vcpu_frame(uint32_t pcpu);

#endif
