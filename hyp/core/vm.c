/*
 * VMs from the static config: built once at boot, loaded (zeroed and
 * given their image) at boot and on every reset, stopped on power-off or
 * fault. VM memory is mapped into the hypervisor only inside vm_load.
 */
#include "vm.h"

#include <string.h>

#include "arch.h"
#include "color.h"
#include "conring.h"
#include "entropy.h"
#include "cpu.h"
#include "ipc.h"
#include "log.h"
#include "sysview.h"
#include "trace.h"
#include "vuart.h"

struct vm vm_table[VM_MAX];
uint32_t vm_count;
static uint32_t vm_powering_off;
static struct vcpu vcpu_table[PLAT_CPU_NUM];

int vm_ipa_is_ram(const struct vm *vm, uint64_t ipa)
{
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind == CFG_REGION_RAM && ipa - r->ipa < r->size)
			return 1;
	}
	return 0;
}

/* What falls in [at, at+len) of load l, copied to va (which is at). */
static void vm_copy_in(uint8_t *va, uint64_t at, uint64_t len, const struct cfg_load *l)
{
	uint64_t lo = l->ipa > at ? l->ipa : at;
	uint64_t hi = l->ipa + l->size < at + len ? l->ipa + l->size : at + len;

	if (lo < hi)
		memcpy(va + (lo - at), l->data + (lo - l->ipa), hi - lo);
}

/*
 * Zero [pa, pa+size), which is [ipa, ipa+size) of the VM, and copy into
 * it what falls there of the VM's loads, then of seed (if any).
 */
static void vm_fill(uint64_t pa, uint64_t ipa, uint64_t size, const struct cfg_load *loads,
                    uint32_t nr_loads, const struct cfg_load *seed)
{
	const uint64_t chunk = 1ull << 30;

	for (uint64_t off = 0; off < size; off += chunk) {
		uint64_t len = size - off < chunk ? size - off : chunk;
		uint64_t at = ipa + off;
		uint8_t *va = arch_window_map(pa + off, len);

		arch_zero(va, len);
		for (uint32_t i = 0; i < nr_loads; i++)
			vm_copy_in(va, at, len, &loads[i]);
		if (seed)
			vm_copy_in(va, at, len, seed);
		arch_dcache_clean(va, len);
		arch_window_unmap(va, len);
	}
}

/* Channels start zeroed once, at boot; a member's reset leaves them alone. */
static void vm_zero_channels(void)
{
	for (uint32_t i = 0; i < cfg_system.nr_channels; i++) {
		const struct cfg_channel *c = &cfg_system.channels[i];
		const struct cfg_region r = {.pa = c->pa, .size = c->size, .colors = c->colors};

		for (uint64_t off = 0, run; off < c->size; off += run) {
			run = color_run(&r, off);
			vm_fill(color_pa(&r, off), 0, run, NULL, 0, NULL);
		}
	}
}

void vm_init_all(void)
{
	if (cfg_system.nr_vms > VM_MAX)
		panic("%u VMs configured, at most %u supported\n", cfg_system.nr_vms, VM_MAX);
	for (uint32_t i = 0; i < cfg_system.nr_vms; i++) {
		struct vm *vm = &vm_table[i];
		const struct cfg_vm *cfg = &cfg_system.vms[i];

		vm->cfg = cfg;
		vm->id = i;
		vm->state = VM_RUNNING;
		/* The monitor measures with the PMU; it already sees every VM through the rings. */
		vm->pmu = cfg_system.monitor_vm == i;
		for (uint32_t p = 0; p < PLAT_CPU_NUM; p++) {
			struct vcpu *v = &vcpu_table[p];

			if (!(cfg->cpus >> p & 1))
				continue;
			v->vm = vm;
			v->id = vm->nr_vcpus;
			v->pcpu = p;
			v->trace_who = vt_word1(0, (uint8_t)i, (uint8_t)v->id, 0);
			v->trace_exit = v->trace_who | VT_EV_EXIT;
			v->parked = 1;
			vm->vcpus[vm->nr_vcpus++] = v;
			cpus[p].vcpu = v;
			cpus[p].trace_who = v->trace_who;
		}
		if (cfg->uart_ipa)
			vmmio_add(&vm->mmio, cfg->uart_ipa, VUART_SIZE, vuart_access, 0);
		ipc_vm_init(vm);
		vuart_reset(vm);
		arch_vm_init(vm);
		arch_vm_audit_colors(vm);
		/* Said at every boot: no SMMU confines what such a device writes. */
		if (cfg->flags & CFG_VM_DMA_UNCONFINED)
			log_printf("VM %s: dma unconfined: a device it owns can write all physical "
			           "memory\n",
			           cfg->name);
		if (cfg_system.monitor_vm == i) {
			trace_show_rings(vm);
			conring_show(vm);
			/* The emulated LLC's counters, where QEMU's plugin writes them (or zeros).
			 */
			arch_vm_map_pa_readonly(vm, CFG_MONITOR_LLC_IPA, PLAT_LLC_PAGE_PA, 0x1000);
		}
	}
	vm_count = cfg_system.nr_vms;
	vm_zero_channels();
	if (cfg_system.monitor_vm < vm_count)
		sysview_show(&vm_table[cfg_system.monitor_vm]);
}

/*
 * The VM's RAM as it starts: zeroed, its loads copied in, and for a kernel
 * a fresh rng-seed in its DTB, different at every start and reset.
 */
void vm_load(struct vm *vm)
{
	uint8_t bytes[CFG_RNG_SEED_SIZE];
	const struct cfg_load seed = {bytes, sizeof bytes, vm->cfg->rng_seed_ipa};

	if (seed.ipa)
		entropy_fill(bytes, sizeof bytes, (uint64_t)vm->id << 32 | vm->resets);
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind != CFG_REGION_RAM)
			continue;
		for (uint64_t off = 0, run; off < r->size; off += run) { /* whole if uncoloured */
			run = color_run(r, off);
			vm_fill(color_pa(r, off), r->ipa + off, run, vm->cfg->loads,
			        vm->cfg->nr_loads, seed.ipa ? &seed : NULL);
		}
	}
}

static int vm_all_down(void)
{
	for (uint32_t i = 0; i < vm_count; i++) {
		uint32_t s = __atomic_load_n(&vm_table[i].state, __ATOMIC_ACQUIRE);

		if (s != VM_OFF && s != VM_STOPPED)
			return 0;
	}
	return 1;
}

/*
 * Move a running VM to state `to` with every vCPU off: interrupt the pCPUs
 * still in the guest and wait until they have parked, so that no code of
 * the VM runs once this returns 1. 0 if the VM was not running (a second
 * fault or power-off racing the first loses).
 */
static int vm_leave_running(struct vm *vm, enum vm_state to)
{
	struct cpu *self = arch_cpu_this();
	uint64_t kick = 0;

	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return 0;
	}
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		__atomic_store_n(&v->state, VCPU_OFF, __ATOMIC_RELEASE);
		if (!__atomic_load_n(&v->parked, __ATOMIC_ACQUIRE))
			kick |= 1ull << v->pcpu;
	}
	vm->state = VM_LEAVING;
	spin_unlock(&vm->lock);
	for (uint32_t p = 0; p < PLAT_CPU_NUM; p++)
		if (kick >> p & 1 && p != self->id)
			arch_ipi_send(p);
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		while (vm->vcpus[i]->pcpu != self->id &&
		       !__atomic_load_n(&vm->vcpus[i]->parked, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	/* Lines the calling vCPU left unfinished come out before the message about its VM. */
	if (self->vcpu && self->vcpu->vm == vm)
		vconsole_flush(self->vcpu);
	vuart_flush(vm);
	arch_vm_quiesce(vm);
	/* Said before it is down: the pCPU that sees every VM down powers off at once. */
	if (to != VM_RESETTING)
		log_printf("VM %s %s\n", vm->cfg->name, to == VM_OFF ? "powered off" : "stopped");
	__atomic_store_n(&vm->state, to, __ATOMIC_RELEASE);
	trace_emit(VT_CLASS_STATE, VT_EV_VM_STATE, (uint8_t)vm->id, VT_NONE, to, 0, 0);
	return 1;
}

void vm_stop(struct vm *vm, enum vm_state why)
{
	if (!vm_leave_running(vm, why))
		return;
	/* The last two VMs may go down at once on two pCPUs: one of them powers off. */
	if (vm_all_down() && !__atomic_exchange_n(&vm_powering_off, 1, __ATOMIC_ACQ_REL)) {
		ipc_report();
		arch_audit_hyp_map();
		log_printf("all VMs are down: powering off\n");
		trace_dump();
		arch_power_off();
	}
}

/*
 * After a fault (`on-fault restart`) or the guest's own reset request
 * (`on-reset restart`, the default), a VM is restarted at most
 * VM_RESTART_BURST times within VM_RESTART_WINDOW seconds, so a VM that
 * faults or resets at once on every start (a kernel panicking at boot)
 * cannot keep a pCPU busy reloading it; past that it is stopped.
 */
#define VM_RESTART_BURST 3
#define VM_RESTART_WINDOW 60

static int vm_restart_bounded(struct vm *vm, const char *after)
{
	uint64_t now = arch_counter(), window = arch_counter_freq() * VM_RESTART_WINDOW;
	int restart;

	spin_lock(&vm->lock); /* two vCPUs may fault at once */
	if (!vm->fault_restarts_at || now - vm->fault_restarts_at > window) {
		vm->fault_restarts_at = now; /* a new window opens with this restart */
		vm->fault_restarts_recent = 0;
	}
	restart = vm->fault_restarts_recent < VM_RESTART_BURST;
	if (restart) {
		vm->fault_restarts_recent++;
		vm->fault_restarts++;
	}
	spin_unlock(&vm->lock);
	if (!restart)
		log_printf("VM %s restarted %u times in %u s after %s: not again\n", vm->cfg->name,
		           VM_RESTART_BURST, VM_RESTART_WINDOW, after);
	return restart;
}

int vm_fault_restarts(struct vm *vm)
{
	return vm->cfg->flags & CFG_VM_FAULT_RESTART && vm_restart_bounded(vm, "faults");
}

void vm_reset_request(struct vm *vm)
{
	if (vm->cfg->flags & CFG_VM_RESET_STOP) {
		log_printf("VM %s asked for a reset: on-reset stop\n", vm->cfg->name);
		vm_stop(vm, VM_STOPPED);
	} else if (vm_restart_bounded(vm, "resets")) {
		vm_reset(vm);
	} else {
		vm_stop(vm, VM_STOPPED);
	}
}

void vm_fault_report(struct vcpu *v, const char *what, uint64_t ipa, uint64_t pc, uint64_t syndrome)
{
	int restart = vm_fault_restarts(v->vm);

	trace_vcpu(VT_CLASS_FAULT, VT_EV_FAULT, v, (uint32_t)syndrome, ipa, pc);
	log_printf("VM %s vCPU %u: %s at IPA 0x%llx, PC 0x%llx (" ARCH_SYNDROME " 0x%llx): %s the "
	           "VM\n",
	           v->vm->cfg->name, v->id, what, (unsigned long long)ipa, (unsigned long long)pc,
	           (unsigned long long)syndrome, restart ? "restarting" : "stopping");
	vm_fault(v, restart);
}

void vm_fault(struct vcpu *v, int restart)
{
	if (restart)
		vm_reset(v->vm);
	else
		vm_stop(v->vm, VM_STOPPED);
	vcpu_park();
}

/*
 * Reset vm: a running VM is stopped first; one that is off or stopped is
 * simply started again. Its memory is zeroed and its image reloaded.
 * 0, or -1 if the VM is in the middle of another change.
 */
int vm_reset(struct vm *vm)
{
	int down;

	spin_lock(&vm->lock);
	down = vm->state == VM_OFF || vm->state == VM_STOPPED;
	if (down)
		vm->state = VM_RESETTING; /* claimed: no other reset may start it too */
	spin_unlock(&vm->lock);
	if (!down && !vm_leave_running(vm, VM_RESETTING))
		return -1;
	log_printf("VM %s reset\n", vm->cfg->name);
	vm_load(vm);
	debug_vm_reset(vm);
	vuart_reset(vm);
	spin_lock(&vm->lock);
	vm->resets++;
	vm->paused = 0;
	vm->state = VM_RUNNING;
	spin_unlock(&vm->lock);
	trace_emit(VT_CLASS_STATE, VT_EV_VM_STATE, (uint8_t)vm->id, VT_NONE, VM_RUNNING, 0, 0);
	vcpu_power_on(vm->vcpus[0], vm->cfg->entry, vm->cfg->arg);
	return 0;
}

/* Under vm's lock: its running vCPUs are to stop at their next exit; an IPI makes one at once. */
static void vm_hold_running(struct vm *vm)
{
	struct cpu *self = arch_cpu_this();

	vm->paused = 1;
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (v->state == VCPU_RUNNING) {
			__atomic_store_n(&v->state, VCPU_PAUSED, __ATOMIC_RELEASE);
			if (v->pcpu != self->id)
				arch_ipi_send(v->pcpu);
		}
	}
}

void vm_pause_nowait(struct vm *vm)
{
	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING)
		vm_hold_running(vm);
	spin_unlock(&vm->lock);
}

/*
 * Pause a running VM: each running vCPU is held at its next exit (an IPI
 * makes one at once), with its context kept, and this returns once they
 * all are, so counters read afterwards stand still. Guest time runs on:
 * the virtual counter is not stopped. 0, or -1 if the VM is not running.
 */
int vm_pause(struct vm *vm)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return -1;
	}
	vm_hold_running(vm);
	spin_unlock(&vm->lock);
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_PAUSED &&
		       !__atomic_load_n(&v->held, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	}
	trace_emit(VT_CLASS_STATE, VT_EV_VM_STATE, (uint8_t)vm->id, VT_NONE, VM_PAUSED, 0, 0);
	return 0;
}

/* Let a paused VM run on where it stopped. 0, or -1 if it is not paused. */
int vm_resume(struct vm *vm)
{
	int was;

	spin_lock(&vm->lock);
	was = vm->paused && vm->state == VM_RUNNING;
	vm->paused = 0;
	for (uint32_t i = 0; was && i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (v->state == VCPU_PAUSED)
			__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
		arch_cpu_wake(v->pcpu); /* also a vCPU CPU_ON left pending meanwhile */
	}
	spin_unlock(&vm->lock);
	if (!was)
		return -1;
	trace_emit(VT_CLASS_STATE, VT_EV_VM_STATE, (uint8_t)vm->id, VT_NONE, VM_RUNNING, 0, 0);
	return 0;
}
