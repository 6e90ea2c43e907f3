/*
 * A channel's doorbell page (`shm CHANNEL IPA rw|ro ... bell IPA`): one
 * 4 KiB page of emulated registers beside the shared memory, as ivshmem
 * has registers beside its BAR, for code that cannot make hypercalls:
 * Linux userspace maps it through /dev/mem. Every register is 32 bits
 * wide and must be read or written with one aligned 32-bit access (the
 * load or store must be a single one the hypervisor can decode: no pairs,
 * no exclusives); anything else is a fault of the VM, as for every
 * emulated device. Unknown offsets read 0 and ignore writes; writes to
 * read-only registers are ignored.
 *
 * Shared by the hypervisor and the guests; no VM memory is mapped by it.
 */
#ifndef VITRINE_SHMBELL_H
#define VITRINE_SHMBELL_H

#define VT_BELL_PAGE 0x1000u
#define VT_BELL_ID 0x6c6c6276u /* "vbll" */

/* Offsets. */
#define VT_BELL_MAGIC 0x00   /* RO: VT_BELL_ID */
#define VT_BELL_CHANNEL 0x04 /* RO: the channel's index (VT_HC_IPC_* x1) */
#define VT_BELL_SIZE_LO 0x08 /* RO: the channel's size in bytes, low 32 bits */
#define VT_BELL_SIZE_HI 0x0c /* RO: ... and high 32 bits */
#define VT_BELL_ACCESS 0x10  /* RO: VT_BELL_ACCESS_* */
/*
 * WO: event number 0..63, as VT_HC_IPC_NOTIFY on this channel: the same
 * rule (a read-only member's ring is refused), counting and tracing. A
 * refused ring or an event above 63 changes nothing and is not reported
 * to the writer (the channel's counters show refusals).
 */
#define VT_BELL_DOORBELL 0x20
/* RO: this VM's pending events 0..31 (32..63), fetched and cleared, as VT_HC_IPC_EVENTS. */
#define VT_BELL_EVENTS_LO 0x24
#define VT_BELL_EVENTS_HI 0x28

/* VT_BELL_ACCESS bits */
#define VT_BELL_ACCESS_WRITE 1u /* an rw member: may write the memory and ring */
#define VT_BELL_ACCESS_IRQ 2u   /* a ring by another member raises an interrupt here */

#endif
