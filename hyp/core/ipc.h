/* Doorbells between the members of a shared-memory channel. */
#ifndef IPC_H
#define IPC_H

#include <stdint.h>

#include <vitrine/config.h>

struct vcpu;
struct vm;

struct ipc_channel_stats {
	uint64_t notifies;  /* accepted ipc_notify calls */
	uint64_t delivered; /* member notifications (one per other member) */
	uint64_t denied;    /* calls from VMs that are not members */
};

extern struct ipc_channel_stats ipc_stats[CFG_CHANNEL_MAX];

int64_t ipc_notify(struct vcpu *v, uint64_t ch, uint64_t event);
int64_t ipc_events(struct vcpu *v, uint64_t ch, uint64_t *events);
void ipc_report(void);
/* At boot: vm's channels by number, and its doorbell pages (its config's `shm ... bell IPA`). */
void ipc_vm_init(struct vm *vm);

#endif
