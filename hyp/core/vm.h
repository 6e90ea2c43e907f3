/*
 * VMs and vCPUs. Each vCPU is pinned to one pCPU for life; a VM's state
 * changes (power off, fault, reset) are made under the VM's lock and seen
 * by its other pCPUs through an IPI.
 */
#ifndef VM_H
#define VM_H

#include <stdint.h>

#include <vitrine/config.h>
#include <vitrine/trace.h>

#include "arch_vcpu.h"
#include "arch_vm.h"
#include "debug.h"
#include "platform.h"
#include "spinlock.h"
#include "vconsole.h"
#include "vmmio.h"
#include "vuart.h"

#define VM_MAX 16

/* The values are the ABI's (enum vt_vm_state): the trace and the system page report them. */
enum vm_state {
	VM_RUNNING = VT_VM_RUNNING,
	VM_LEAVING =
	    VT_VM_LEAVING, /* its vCPUs are being stopped; becomes OFF, STOPPED or RESETTING */
	VM_RESETTING = VT_VM_RESETTING,
	VM_OFF = VT_VM_OFF,         /* powered itself off */
	VM_STOPPED = VT_VM_STOPPED, /* stopped by the hypervisor after a fault */
	VM_PAUSED = VT_VM_PAUSED,   /* never in vm->state: how a paused RUNNING VM is reported */
};

enum vcpu_state {
	VCPU_OFF = VT_VCPU_OFF,
	VCPU_ON_PENDING =
	    VT_VCPU_PENDING, /* CPU_ON or reset asked for it; its pCPU will start it */
	VCPU_RUNNING = VT_VCPU_RUNNING,
	VCPU_PAUSED = VT_VCPU_PAUSED, /* held by the monitor at its next exit, context kept */
};

struct vcpu {
	struct vm *vm;
	struct arch_regs *regs;
	uint32_t id;
	uint32_t pcpu;
	uint32_t state;  /* enum vcpu_state; written under vm->lock */
	uint32_t parked; /* its pCPU is waiting in vcpu_loop, not in the guest */
	uint32_t held;   /* its pCPU is waiting out a pause, not in the guest */
	uint64_t entry;  /* where an ON_PENDING vCPU starts, and its x0 */
	uint64_t context;
	uint64_t exits;
	uint64_t sysreg_traps;
	uint64_t trace_who;  /* VM and vCPU ids as placed in a trace record's second word */
	uint64_t trace_exit; /* ... with VT_EV_EXIT: an EXIT's second word but its class */
	struct vconsole console;
	struct arch_vcpu arch;
	struct debug_vcpu debug; /* last: the exit paths' fields keep their offsets */
};

struct vm {
	const struct cfg_vm *cfg;
	struct vcpu *vcpus[PLAT_CPU_NUM];
	struct spinlock lock;
	uint32_t id;
	uint32_t nr_vcpus;
	uint32_t state; /* enum vm_state */
	uint32_t
	    paused; /* by the monitor: no vCPU of it runs until resumed (state stays RUNNING) */
	uint32_t resets;
	uint32_t fault_restarts;        /* restarts after a fault or reset request, in all */
	uint32_t fault_restarts_recent; /* ... since fault_restarts_at */
	uint64_t fault_restarts_at;     /* counter value when the current window opened; 0: none */
	uint32_t pmu; /* its pCPUs' PMUs are its own, untrapped (the config's monitor) */
	uint64_t ipc_events[CFG_CHANNEL_MAX]; /* doorbell events not yet fetched, by channel */
	uint32_t dma_faults; /* its PCIe functions' DMA the SMMU refused (smmuv3.c) */
	struct arch_vm arch;
	struct vmmio mmio;
	struct vuart vuart;
	const struct cfg_region *ipc_region[CFG_CHANNEL_MAX]; /* its region of each channel, or 0 */
	struct debug_vm debug; /* last: the exit paths' fields keep their offsets */
};

extern struct vm vm_table[VM_MAX];
extern uint32_t vm_count;

void vm_init_all(void);
void vm_load(struct vm *vm);
int vm_ipa_is_ram(const struct vm *vm, uint64_t ipa);
void vm_stop(struct vm *vm, enum vm_state why);
/*
 * After a fault of one of vm's vCPUs: 1 if vm restarts (its config says
 * `on-fault restart` and it has not done so too often lately; counted), 0
 * if it stops. The caller reports the fault, then vm_fault acts on it.
 */
int vm_fault_restarts(struct vm *vm);
void vm_fault(struct vcpu *v, int restart) __attribute__((noreturn));
/*
 * A guest's fault: trace it, say what it was (at guest-physical ipa, the
 * vCPU at pc, the architecture's syndrome), then stop or restart its VM
 * alone.
 */
void vm_fault_report(struct vcpu *v, const char *what, uint64_t ipa, uint64_t pc, uint64_t syndrome)
    __attribute__((noreturn));
int vm_reset(struct vm *vm);
/* The guest asked for a reset (PSCI SYSTEM_RESET): reset or stop it, as its config says. */
void vm_reset_request(struct vm *vm);
int vm_pause(struct vm *vm);
/* Ask vm's running vCPUs to stop at their next exit (this one's too), without waiting. */
void vm_pause_nowait(struct vm *vm);
int vm_resume(struct vm *vm);

void vcpu_loop(void) __attribute__((noreturn));
void vcpu_park(void) __attribute__((noreturn));
void vcpu_not_running(struct vcpu *v);
int vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t context);
void vcpu_power_off(struct vcpu *v) __attribute__((noreturn));

/* After an exit: go back to the guest only if this vCPU is still meant to run. */
static inline void vcpu_check_state(struct vcpu *v)
{
	if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING)
		vcpu_not_running(v);
}

#endif
