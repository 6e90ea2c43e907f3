#include "hypercall.h"

#include <vitrine/abi.h>

#include "debug.h"
#include "ipc.h"
#include "log.h"
#include "sysview.h"
#include "trace.h"
#include "vm.h"

/* Bytes travel in registers: the hypervisor never maps guest memory to read a buffer. */
static int64_t hc_console_write(struct vcpu *v, const uint64_t *x)
{
	uint64_t len = x[1];

	if (len == 0 || len > VT_HC_CONSOLE_MAX)
		return SMCCC_INVALID_PARAMETER;
	for (uint64_t i = 0; i < len; i++)
		vconsole_putc(v, (char)(x[2 + i / 8] >> (8 * (i % 8))));
	return SMCCC_OK;
}

/* Typed at the monitor's console while attached to VM x[1]. */
static int64_t hc_console_input(const uint64_t *x)
{
	uint8_t bytes[8];

	if (x[1] >= vm_count || !vm_table[x[1]].cfg->uart_ipa || x[2] == 0 || x[2] > 8)
		return SMCCC_INVALID_PARAMETER;
	for (uint32_t i = 0; i < x[2]; i++)
		bytes[i] = (uint8_t)(x[3] >> (8 * i));
	return vuart_input(&vm_table[x[1]], bytes, (uint32_t)x[2]);
}

/* The trace's FAULT record keeps its layout: here its address is the guest's FAR, a VA. */
static __attribute__((noreturn)) void hc_guest_fault(struct vcpu *v, const uint64_t *x)
{
	int restart = vm_fault_restarts(v->vm);

	trace_vcpu(VT_CLASS_FAULT, VT_EV_FAULT, v, (uint32_t)x[1], x[3], x[2]);
	log_printf("VM %s vCPU %u: exception the guest could not handle at PC 0x%llx (ESR_EL1 "
	           "0x%llx, FAR 0x%llx): %s the VM\n",
	           v->vm->cfg->name, v->id, (unsigned long long)x[2], (unsigned long long)x[1],
	           (unsigned long long)x[3], restart ? "restarting" : "stopping");
	vm_fault(v, restart);
}

static int hc_vm_control(uint32_t fid, struct vm *vm)
{
	if (fid == VT_HC_VM_RESET)
		return vm_reset(vm);
	return fid == VT_HC_VM_PAUSE ? vm_pause(vm) : vm_resume(vm);
}

/* The calls only the config's monitor VM may make: refused to every other VM, in one place. */
static int64_t hc_monitor(struct vcpu *v, uint32_t fid, const uint64_t *x)
{
	uint64_t a1 = x[1];

	if (v->vm->id != cfg_system.monitor_vm)
		return VT_ERR_DENIED;
	switch (fid) {
	case VT_HC_SYS_REFRESH:
		sysview_refresh();
		return SMCCC_OK;
	case VT_HC_CONSOLE_INPUT:
		return hc_console_input(x);
	case VT_HC_LLC_SAMPLE:
		return sysview_llc_sample();
	case VT_HC_VM_RESET: /* Another VM only: resetting itself is PSCI SYSTEM_RESET's */
	case VT_HC_VM_PAUSE: /* job, and a monitor that held itself could never resume. */
	case VT_HC_VM_RESUME:
		if (a1 >= vm_count || a1 == v->vm->id)
			return SMCCC_INVALID_PARAMETER;
		return hc_vm_control(fid, &vm_table[a1]) ? VT_ERR_DENIED : SMCCC_OK;
	default: /* VT_HC_TRACE_ENABLE */
		if (a1 & ~(uint64_t)VT_CLASS_ALL)
			return SMCCC_INVALID_PARAMETER;
		trace_set_mask((uint32_t)a1);
		return SMCCC_OK;
	}
}

/* The call, without its record. */
static inline __attribute__((always_inline)) void hypercall_do(struct vcpu *v, uint64_t *x)
{
	uint32_t fid = (uint32_t)x[0];

	switch (fid) {
	case VT_HC_VM_INFO:
		x[1] = v->vm->id;
		x[2] = v->id;
		x[3] = v->vm->nr_vcpus;
		x[4] = v->vm->resets;
		x[0] = SMCCC_OK;
		break;
	case VT_HC_CONSOLE_WRITE:
		x[0] = (uint64_t)hc_console_write(v, x);
		break;
	case VT_HC_IPC_NOTIFY:
		x[0] = (uint64_t)ipc_notify(v, x[1], x[2]);
		break;
	case VT_HC_IPC_EVENTS:
		x[0] = (uint64_t)ipc_events(v, x[1], &x[1]);
		break;
	case VT_HC_TRACE_MARK:
		trace_own(VT_CLASS_MARK, VT_EV_MARK, (uint32_t)x[1], x[2], 0);
		x[0] = SMCCC_OK;
		break;
	case VT_HC_GUEST_FAULT:
		hc_guest_fault(v, x);
	case VT_HC_SYS_REFRESH:
	case VT_HC_VM_RESET:
	case VT_HC_TRACE_ENABLE:
	case VT_HC_CONSOLE_INPUT:
	case VT_HC_VM_PAUSE:
	case VT_HC_VM_RESUME:
	case VT_HC_LLC_SAMPLE:
		x[0] = (uint64_t)hc_monitor(v, fid, x);
		break;
	case VT_HC_CALL_UID: /* 5669b0c1-7472-4e65-a9c4-4b5b1e5d0001, as SMCCC packs it */
		x[0] = 0x5669b0c1;
		x[1] = 0x4e657472;
		x[2] = 0x5b4bc4a9;
		x[3] = 0x01005d1e;
		break;
	case VT_HC_REVISION:
		x[0] = 0;
		x[1] = 1;
		break;
	default: /* the debugger's calls here: no case of theirs slows the others' dispatch */
		if (fid - VT_HC_DBG_FIRST <= VT_HC_DBG_LAST - VT_HC_DBG_FIRST)
			x[0] = (uint64_t)debug_call(v, fid, x);
		else
			x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
		break;
	}
}

void hypercall(struct vcpu *v, uint64_t *x)
{
	uint32_t fid = (uint32_t)x[0];
	uint64_t arg = x[1];

	hypercall_do(v, x);
	trace_own(VT_CLASS_CALL, VT_EV_HVC, fid, arg, x[0]);
}

void hypercall_quiet(struct vcpu *v, uint64_t *x)
{
	hypercall_do(v, x);
}
