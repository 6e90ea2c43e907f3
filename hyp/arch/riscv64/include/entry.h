/* Between the trap vectors (vectors.S, boot.S) and C. */
#ifndef ENTRY_H
#define ENTRY_H

#include <stdint.h>

struct arch_regs;

void exit_trap(struct arch_regs *r);
void hyp_exception(uint64_t scause, uint64_t sepc, uint64_t stval) __attribute__((noreturn));
void guest_resume(struct arch_regs *r) __attribute__((noreturn));
void cpu_switch_stack(void (*fn)(void), uintptr_t sp) __attribute__((noreturn));
void boot_secondary(void);
struct vm;
struct vcpu;

void gstage_activate(const struct vm *vm);
/* At boot: a VM's config needs nothing riscv64 does not build, or the boot stops (notbuilt.c). */
void notbuilt_check_vm(const struct vm *vm);
/* The SBI call of a trap from VS-mode (vsbi.c). */
void vsbi_call(struct vcpu *v, struct arch_regs *r);
/* A guest-page fault at gpa: 1 if an emulated device took it, -1 if it refused, 0 if none (mmio.c).
 */
int mmio_emulate(struct vcpu *v, struct arch_regs *r, uint64_t gpa, int write);
/* The 16-bit parcel of guest code at VS virtual address va, or -1 if reading it traps. */
long mmio_insn_parcel(uint64_t va);
/* A byte of the guest's memory at guest-physical gpa, or -1 if it is not the VM's. */
long guest_phys_byte(uint64_t gpa);
/* The hypervisor's timer: a guest's SBI deadline passed (vsbi.c). */
void vsbi_timer_fired(void);
/* Before v returns to its guest: what other vCPUs of its VM asked of it (vsbi.c). */
void vsbi_serve(struct vcpu *v);

#endif
