/*
 * The life of a pCPU: wait until its vCPU is asked to run, run it, and
 * come back here whenever the vCPU is switched off. There is no scheduler:
 * one vCPU per pCPU, for good.
 */
#include "vm.h"

#include <vitrine/abi.h>

#include "arch.h"
#include "cpu.h"
#include "membw.h"
#include "trace.h"

void vcpu_loop(void)
{
	struct vcpu *v = arch_cpu_this()->vcpu;

	while (!v) /* a pCPU no VM was given sleeps for good */
		arch_cpu_idle();
	for (;;) {
		int start = 0;

		vconsole_flush(v);
		debug_parked(v);
		__atomic_store_n(&v->parked, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_ON_PENDING)
			arch_cpu_idle();
		spin_lock(&v->vm->lock);
		if (v->state == VCPU_ON_PENDING && v->vm->state == VM_RUNNING && !v->vm->paused) {
			v->state = VCPU_RUNNING;
			v->parked = 0;
			start = 1;
		}
		spin_unlock(&v->vm->lock);
		if (start) {
			trace_vcpu(VT_CLASS_STATE, VT_EV_VCPU_STATE, v, VCPU_RUNNING, v->entry, 0);
			membw_start(v);
			arch_vcpu_start(v);
		}
	}
}

void vcpu_park(void)
{
	arch_cpu_park();
}

/*
 * v leaves its hold if it is to run, under its VM's lock: a pause that
 * comes as it wakes either sees it RUNNING (and holds it at its next exit)
 * or keeps it held, never both, so no pause finds it gone and waits on.
 * A step makes it run as a paused vCPU, so that its next exit holds it
 * again, whichever it is (the step's own exception, or an exit that
 * emulates the instruction and moves the PC past it), and no exit path
 * looks for a step. The state it left for, or VCPU_PAUSED if it stays.
 */
static uint32_t vcpu_leave_hold(struct vcpu *v)
{
	uint32_t state;

	spin_lock(&v->vm->lock);
	state = v->state;
	if (state != VCPU_PAUSED) {
		__atomic_store_n(&v->held, 0, __ATOMIC_RELEASE);
		if (debug_release(v) && state == VCPU_RUNNING)
			__atomic_store_n(&v->state, VCPU_PAUSED, __ATOMIC_RELEASE);
	}
	spin_unlock(&v->vm->lock);
	return state;
}

/*
 * At an exit, the vCPU is no longer RUNNING: paused, it waits here with its
 * context on this stack (shown to a debugging monitor: debug.c) and
 * returns to the guest when resumed; anything
 * else (off, reset, stopped, also while paused) parks it.
 */
void vcpu_not_running(struct vcpu *v)
{
	uint32_t state = __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);

	if (state == VCPU_PAUSED && debug_step_again(v))
		return; /* an exit that ran nothing does not end a step */
	while (state == VCPU_PAUSED) {
		debug_held(v);
		__atomic_store_n(&v->held, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_PAUSED) {
			arch_cpu_idle();
			debug_held(v); /* a session opened while it was held */
		}
		state = vcpu_leave_hold(v);
	}
	if (state != VCPU_RUNNING)
		vcpu_park();
}

/* PSCI CPU_ON, or the reset of a VM: PSCI_SUCCESS or a PSCI error code. */
int vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t context)
{
	int ret = 0;

	spin_lock(&v->vm->lock);
	if (v->state == VCPU_RUNNING)
		ret = PSCI_ALREADY_ON;
	else if (v->state == VCPU_ON_PENDING)
		ret = PSCI_ON_PENDING;
	else {
		v->entry = entry;
		v->context = context;
		__atomic_store_n(&v->state, VCPU_ON_PENDING, __ATOMIC_RELEASE);
	}
	spin_unlock(&v->vm->lock);
	if (!ret)
		arch_cpu_wake(v->pcpu);
	return ret;
}

void vcpu_power_off(struct vcpu *v)
{
	struct vm *vm = v->vm;
	int any_on = 0;

	trace_emit(VT_CLASS_STATE, VT_EV_VCPU_STATE, (uint8_t)vm->id, (uint8_t)v->id, VCPU_OFF, 0,
	           0);
	spin_lock(&vm->lock);
	v->state = VCPU_OFF;
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		any_on |= vm->vcpus[i]->state != VCPU_OFF;
	spin_unlock(&vm->lock);
	/* A VM whose vCPUs are all off can never run again: it is off. */
	if (!any_on)
		vm_stop(vm, VM_OFF);
	vcpu_park();
}
