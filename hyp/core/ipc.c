/*
 * Doorbells on shared-memory channels. A read-write member rings a
 * channel: every other member gets the event bit and, if its config gave
 * the channel an `irq`, that virtual interrupt. Counted per channel. A
 * read-only member only looks: its rings are refused, so it cannot
 * interrupt the writers. Rings come by hypercall or through a doorbell
 * page (vitrine/shmbell.h), emulated registers beside the channel.
 */
#include "ipc.h"

#include <vitrine/abi.h>
#include <vitrine/shmbell.h>

#include "arch.h"
#include "log.h"
#include "trace.h"
#include "vm.h"
#include "vmmio.h"

struct ipc_channel_stats ipc_stats[CFG_CHANNEL_MAX];

/* The region through which vm maps channel ch (< nr_channels), or 0 if vm is not a member. */
static const struct cfg_region *ipc_member(const struct vm *vm, uint32_t ch)
{
	return vm->ipc_region[ch];
}

int64_t ipc_notify(struct vcpu *v, uint64_t ch, uint64_t event)
{
	const struct cfg_region *me;

	if (ch >= cfg_system.nr_channels || event >= 64)
		return SMCCC_INVALID_PARAMETER;
	me = ipc_member(v->vm, (uint32_t)ch);
	if (!me || !(me->flags & CFG_REGION_WRITE)) {
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

/* 32 of the caller's pending event bits (shift 0 or 32), fetched and cleared. */
static uint32_t ipc_bell_events(struct vcpu *v, uint32_t ch, unsigned shift)
{
	uint64_t mask = 0xffffffffull << shift;
	uint64_t was = __atomic_fetch_and(&v->vm->ipc_events[ch], ~mask, __ATOMIC_ACQUIRE);

	return (uint32_t)(was >> shift);
}

static uint32_t ipc_bell_read(struct vcpu *v, const struct cfg_region *r, uint64_t offset)
{
	uint64_t size = cfg_system.channels[r->channel].size;

	switch (offset) {
	case VT_BELL_MAGIC:
		return VT_BELL_ID;
	case VT_BELL_CHANNEL:
		return r->channel;
	case VT_BELL_SIZE_LO:
		return (uint32_t)size;
	case VT_BELL_SIZE_HI:
		return (uint32_t)(size >> 32);
	case VT_BELL_ACCESS:
		return (r->flags & CFG_REGION_WRITE ? VT_BELL_ACCESS_WRITE : 0) |
		       (r->intid ? VT_BELL_ACCESS_IRQ : 0);
	case VT_BELL_EVENTS_LO:
		return ipc_bell_events(v, r->channel, 0);
	case VT_BELL_EVENTS_HI:
		return ipc_bell_events(v, r->channel, 32);
	}
	return 0; /* DOORBELL (write-only), reserved */
}

/* A doorbell page: ctx is the shm region it belongs to, so v's VM is a member. */
static int ipc_bell_access(struct vcpu *v, const void *ctx, uint64_t offset, unsigned size,
                           int write, uint64_t *value)
{
	const struct cfg_region *r = ctx;

	if (offset & 3 || size != 4)
		return -1;
	if (!write)
		*value = ipc_bell_read(v, r, offset);
	else if (offset == VT_BELL_DOORBELL) /* a refusal is counted there */
		ipc_notify(v, r->channel, *value);
	return 0;
}

void ipc_vm_init(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind != CFG_REGION_SHM)
			continue;
		if (!vm->ipc_region[r->channel]) /* the first, as a search of the regions finds */
			vm->ipc_region[r->channel] = r;
		if (r->flags & CFG_REGION_BELL)
			vmmio_add(&vm->mmio, r->bell_ipa, VT_BELL_PAGE, ipc_bell_access, r);
	}
}
