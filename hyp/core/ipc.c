/*
 * Doorbells on shared-memory channels. A member rings a channel: every
 * other member gets the event bit and, if its config gave the channel an
 * `irq`, that virtual interrupt. Counted per channel.
 */
#include "ipc.h"

#include "arch.h"
#include "log.h"
#include "trace.h"
#include <vitrine/abi.h>
#include "vm.h"

struct ipc_channel_stats ipc_stats[CFG_CHANNEL_MAX];

/* The region through which vm maps channel ch, or 0 if vm is not a member. */
static const struct cfg_region *ipc_member(const struct vm *vm, uint32_t ch)
{
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind == CFG_REGION_SHM && r->channel == ch)
			return r;
	}
	return 0;
}

int64_t ipc_notify(struct vcpu *v, uint64_t ch, uint64_t event)
{
	if (ch >= cfg_system.nr_channels || event >= 64)
		return SMCCC_INVALID_PARAMETER;
	if (!ipc_member(v->vm, (uint32_t)ch)) {
		__atomic_add_fetch(&ipc_stats[ch].denied, 1, __ATOMIC_RELAXED);
		return VT_ERR_DENIED;
	}
	__atomic_add_fetch(&ipc_stats[ch].notifies, 1, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < vm_count; i++) {
		struct vm *to = &vm_table[i];
		const struct cfg_region *r = ipc_member(to, (uint32_t)ch);

		if (to == v->vm || !r || to->state != VM_RUNNING)
			continue;
		__atomic_or_fetch(&to->ipc_events[ch], 1ull << event, __ATOMIC_RELEASE);
		trace_vcpu(VT_CLASS_IPC, VT_EV_IPC, v, (uint32_t)ch, event, to->id);
		if (r->intid)
			arch_virq_raise(to, r->intid);
		__atomic_add_fetch(&ipc_stats[ch].delivered, 1, __ATOMIC_RELAXED);
	}
	return SMCCC_OK;
}

void ipc_report(void)
{
	for (uint32_t i = 0; i < cfg_system.nr_channels; i++)
		log_printf("channel %s: %llu notifies, %llu delivered, %llu denied\n",
		           cfg_system.channels[i].name, (unsigned long long)ipc_stats[i].notifies,
		           (unsigned long long)ipc_stats[i].delivered,
		           (unsigned long long)ipc_stats[i].denied);
}

int64_t ipc_events(struct vcpu *v, uint64_t ch, uint64_t *events)
{
	if (ch >= cfg_system.nr_channels)
		return SMCCC_INVALID_PARAMETER;
	if (!ipc_member(v->vm, (uint32_t)ch))
		return VT_ERR_DENIED;
	*events = __atomic_exchange_n(&v->vm->ipc_events[ch], 0, __ATOMIC_ACQUIRE);
	return SMCCC_OK;
}
