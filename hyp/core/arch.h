/* What the arch-neutral core asks of an architecture port. */
#ifndef ARCH_H
#define ARCH_H

#include <stdint.h>

#include "arch_inline.h"

struct cpu;
struct vcpu;
struct vm;
struct vt_sys;
struct vt_sys_llc;
struct vt_llc_page;

uintptr_t arch_device_va(uint64_t pa);
/* Map a device the boot map leaves out into the hypervisor's map, at arch_device_va(pa). */
uintptr_t arch_map_device(uint64_t pa, uint64_t size);
void arch_cpu_init(struct cpu *c);
int arch_cpu_start(uint32_t id);
/* After every VM is built: the buses and IOMMUs that hand devices to VMs (PCIe and the SMMU). */
void arch_devices_init(void);
void arch_boot_done(void);
void arch_power_off(void) __attribute__((noreturn));

void arch_ipi_send(uint32_t pcpu);
/* Sleep until arch_cpu_wake(this pCPU) (or a spurious wake-up: callers loop). */
void arch_cpu_idle(void);
/* The hypervisor's own timer fires at counter value `at` (0: never); membw.c's tick. */
void arch_hyp_timer_at(uint64_t at);
/* The emulated LLC's counters page, mapped when some VM has a membw budget; else NULL. */
const volatile struct vt_llc_page *arch_llc_page(void);
void arch_cpu_wake(uint32_t pcpu);

void arch_vm_init(struct vm *vm);
/* Log whether every frame of vm's coloured RAM, as its stage-2 tables map it, is of its colours. */
void arch_vm_audit_colors(const struct vm *vm);
/* Show vm some of the hypervisor's own memory, read-only, at ipa. */
void arch_vm_map_readonly(struct vm *vm, uint64_t ipa, const void *va, uint64_t size);
/* Show vm physical memory no VM owns (and the hypervisor never maps), read-only, at ipa. */
void arch_vm_map_pa_readonly(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size);
/* ... and read-write: for what the VM hands the hypervisor (which checks every value). */
void arch_vm_map_writable(struct vm *vm, uint64_t ipa, void *va, uint64_t size);
/* All vCPUs of vm are parked: silence its devices' interrupts, reset its interrupt state. */
void arch_vm_quiesce(struct vm *vm);
/* How many of vm's interrupt-controller accesses touched interrupts it does not own. */
uint64_t arch_vm_foreign_irq_accesses(const struct vm *vm);
/* Raise virtual interrupt intid in vm, in the vCPU it is routed to. */
void arch_virq_raise(struct vm *vm, uint32_t intid);
/* Withdraw it, if the guest has not taken it yet (a level interrupt's line fell). */
void arch_virq_lower(struct vm *vm, uint32_t intid);
void arch_vcpu_start(struct vcpu *v) __attribute__((noreturn));
void arch_cpu_park(void) __attribute__((noreturn));

/* Map guest physical memory into this pCPU's window just long enough to load it. */
void *arch_window_map(uint64_t pa, uint64_t size);
void arch_window_unmap(void *va, uint64_t size);
void arch_zero(void *va, uint64_t size);
/* The run's options (bootparam.h) or 0 if it gave none. */
uint32_t arch_boot_param(void);
void arch_dcache_clean(const void *va, uint64_t size);
/* The last-level cache's geometry, as this pCPU's cache ID registers describe it. */
void arch_llc_geometry(struct vt_sys_llc *llc);
/* The PMU's LLC events and the counters left to guests, in the system page. */
void arch_llc_pmu_describe(struct vt_sys *s);
/* Every pCPU's LLC event counts into s->pcpus: how many answered, or SMCCC_NOT_SUPPORTED. */
int arch_llc_sample(struct vt_sys *s);
struct cfg_region;
/*
 * The trace rings in their colours (`trace colors`), in the hypervisor's own
 * map at HYP_RINGS_VA: their page at off is pa; then, all mapped (on pCPU 0,
 * before any other runs), where they are.
 */
void arch_map_ring_page(uint64_t off, uint64_t pa);
void *arch_rings_mapped(uint64_t size);
/* The physical address behind one of the hypervisor's own virtual addresses. */
uint64_t arch_hyp_pa(const void *va);
/* Log where the hypervisor's image went, if the config colours it. */
void arch_audit_hyp_colors(void);
/* Log what the hypervisor's own page tables map, by kind. */
void arch_audit_hyp_map(void);

/* Debugging a held vCPU (hyp/core/debug.c); save and restore run on the vCPU's pCPU. */
void arch_debug_save(struct vcpu *v);
void arch_debug_restore(struct vcpu *v, int session, int step);
/* This pCPU's debug exceptions from EL1 and EL0 trap to EL2 (on) or stay the guest's. */
void arch_debug_trap(int on);
/* Where register n (VT_DBG_REG_*) of a held v is kept, or 0 if there is no such register. */
uint64_t *arch_debug_reg(struct vcpu *v, uint32_t n);
/* 0 if value may be written to register n. */
int arch_debug_reg_check(uint32_t n, uint64_t value);
uint32_t arch_debug_break_insn(void);
/* How many hardware breakpoints (watch 0) or watchpoints (1) there are, VT_DBG_HWS at most. */
uint32_t arch_debug_hw_slots(int watch);
/* After an instruction was written into guest memory. */
void arch_icache_invalidate(void);
/* A VA of held v through its stage 1: 0, VT_DBG_ERR_UNMAPPED or SMCCC_NOT_SUPPORTED. */
int arch_debug_translate(struct vcpu *v, uint64_t va, uint64_t *ipa);
/* At an exit, a debug exception of a session: 1 if it was (v then stops), 0 if not ours. */
int arch_debug_exit(struct vcpu *v, uint64_t esr);

#endif
