/* The seams between the assembly (boot.S, vectors.S, fpregs.S) and the C of this port. */
#ifndef ENTRY_H
#define ENTRY_H

/*
 * vectors.S picks exit_sync_traced or exit_sync_masked on the EXIT bit of
 * struct cpu's trace_on (trace.h), unless EXIT is compiled out
 * (VT_TRACE_CLASSES, a number where it is given); masked, it stores that
 * trace_on as last_enter (trace.h trace_enter_masked). exit.c checks these.
 */
#define ENTRY_CPU_TRACE_ON 24   /* offsetof(struct cpu, trace_on) */
#define ENTRY_CPU_LAST_ENTER 56 /* offsetof(struct cpu, last_enter) */
#define ENTRY_CLASS_EXIT_BIT 1  /* VT_CLASS_EXIT == 1u << it */
#if !defined(VT_TRACE_CLASSES) || (VT_TRACE_CLASSES)
#define ENTRY_TRACED 1
#else
#define ENTRY_TRACED 0
#endif
#if !defined(VT_TRACE_CLASSES) || ((VT_TRACE_CLASSES) >> ENTRY_CLASS_EXIT_BIT & 1)
#define ENTRY_EXIT_TRACED 1
#else
#define ENTRY_EXIT_TRACED 0
#endif

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "arch_vcpu.h"

struct cpu;

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
 * the whole frame, is to do. A synchronous exit, with EXIT recorded:
 */
#define EXIT_DONE 0
#define EXIT_HANDLE 1 /* the sync exit is not handled yet: it reads x20-x30 */
#define EXIT_FINISH 2 /* handled, but the vCPU is no longer RUNNING */
uint32_t exit_sync_traced(struct arch_regs *r, struct cpu *self, uint64_t on, uint64_t elr);
/*
 * The same, EXIT masked or compiled out. on: self's trace_on, as the
 * vector loaded it; elr: the guest's PC, as it saved it in r.
 */
uint32_t exit_sync_masked(struct arch_regs *r, struct cpu *self, uint64_t on, uint64_t elr);
uint32_t exit_irq(struct arch_regs *r);
uint32_t exit_other(struct arch_regs *r);
void exit_slow(struct arch_regs *r, uint32_t what);
/* Its records' ready-made words (struct arch_vcpu), once the VM has placed it. */
void exit_vcpu_init(struct vcpu *v);
/* cpu.c: one of the hypervisor's own interrupts (not a guest's), acknowledged and not yet
 * deactivated */
void cpu_own_irq(uint32_t intid);
/* An exception the hypervisor took: a panic, but for arch_probe_read32's abort, resumed. */
void hyp_exception(struct arch_regs *r, uint64_t kind);
/* probe.S: *p into *out, 0; or -1 if nothing answers there (an external abort). */
int arch_probe_read32(const volatile uint32_t *p, uint32_t *out);

/* fpregs.S */
void fp_regs_zero(void);
/* to[0..63]: q0-q31 (low half first), to[64] FPSR, to[65] FPCR */
void fp_regs_save(uint64_t *to);
void fp_regs_load(const uint64_t *from);

/* cpu.c: the register frame of the vCPU pinned to pcpu, at the top of its stack */
struct arch_regs *arch_vcpu_frame(uint32_t pcpu);

#endif /* __ASSEMBLER__ */

#endif
