/*
 * The bare-metal runtime for Vitrine's test and benchmark guests (EL1, or
 * VS-mode on riscv64): console, Vitrine hypercalls, starting and stopping
 * vCPUs. rt.c is its architecture-neutral part; psci.c (Armv8-A: SMCCC, the
 * PL011, PSCI) and riscv64/sbi.c (SBI) the rest.
 */
#ifndef RT_H
#define RT_H

#include <stdint.h>

#include <vitrine/abi.h>

#include <rt_arch.h> /* rt_relax */

struct rt_ret {
	uint64_t x0, x1, x2, x3, x4;
};

struct rt_ret rt_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct rt_ret rt_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/* HVC with all of x0..x7 in x (x[0] the function ID) and all of them back there. */
void rt_hvc_regs(uint64_t x[8]);

/* The guest's program: vCPU 0 enters here with the VM's configured arg. */
void main(uint64_t arg);

void rt_putc(char c);
void rt_puts(const char *s);
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A guest's self-check: counted in rt_checks; a failure is said ("FAIL what: ...") and counted in
 * rt_failed. */
void rt_check(const char *what, int64_t got, int64_t want);
extern int rt_checks, rt_failed;
/* Write through the console_write hypercall rather than the UART. */
int64_t rt_console_write(const char *s, uint64_t len);

struct rt_vm_info {
	uint64_t vm, vcpu, nr_vcpus, resets;
};
/*
 * Natively (no hypervisor) vm_info fails: info is then filled from MPIDR and
 * PSCI (VM 0, this vCPU, the CPUs PSCI knows, no resets) and the error returned.
 */
int64_t rt_vm_info(struct rt_vm_info *info);
/* A marker in the hypervisor's trace (VT_EV_MARK): the guest names its own phases. */
int64_t rt_trace_mark(uint32_t id, uint64_t value);
uint32_t rt_cpu_id(void);
/* This vCPU's own hardware ID, as its ID register shows it (RT_HWID names it). */
uint64_t rt_cpu_hwid(void);
/* 1 when running directly on QEMU at EL1 (no EL2 implemented), not under Vitrine. */
int rt_native(void);

/* CNTVCT_EL0 at vCPU 0's first instruction (crt0.S). */
extern uint64_t rt_entry_ticks;

#define RT_MAX_VCPUS 8 /* stacks in crt0.S */
/*
 * Natively, an arg of 0 is replaced by the second word at this address if
 * the first holds the magic (QEMU's loader device puts them there).
 */
#define RT_NATIVE_ARG_ADDR 0x7ffff000ul
#define RT_NATIVE_ARG_MAGIC 0x4752414e54495656ull /* "VVITNARG" */

int64_t rt_cpu_on(uint32_t vcpu, void (*fn)(uint32_t vcpu));
void rt_cpu_off(void) __attribute__((noreturn));
int64_t rt_affinity_info(uint32_t vcpu);
void rt_system_off(void) __attribute__((noreturn));
void rt_system_reset(void) __attribute__((noreturn));

#endif
