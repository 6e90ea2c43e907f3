/*
 * Vitrine trace format, version 2: one header shared by the hypervisor
 * (writer), the monitor partition and the host tools (readers).
 *
 * Each pCPU owns one ring: a struct vt_ring header, then `capacity` (a
 * power of two) records of 32 bytes. Only that pCPU writes records and
 * `head`; a reader on any CPU copies records and, in stream mode, moves
 * `tail`. Positions are 64-bit counts of records ever written, so they
 * never wrap; a record's slot is position % capacity. See ring.h.
 *
 * A dump (what `make run TRACE=file` saves) is a struct vt_dump header,
 * the VM table, the vCPU counters, then per ring a struct vt_dump_ring and
 * its records, oldest first. All fields little-endian.
 *
 * Version 2 folds the ENTER (back into the guest) into the next EXIT of the
 * same pCPU: one record per exit instead of two. The EXIT's b holds the ESR
 * or INTID in its low 32 bits (ESR_EL2[63:32] is RES0 before FEAT_LS64's
 * ISS2, which this hypervisor's CPUs lack; an INTID has 24 bits) and in its
 * high 32 bits the guest's run time: EXIT ts - ENTER ts, in counter ticks,
 * or VT_RUN_NONE when no ENTER is folded (the vCPU's first exit, or a run
 * too long for 32 bits: then an explicit ENTER record precedes the EXIT).
 * Readers rebuild the ENTER with fold.h's vt_unfold, right before its EXIT.
 * A folded ENTER is not a ring record: positions, counts and every lost or
 * skipped figure count ring records only. Version 1 (every ENTER a record
 * of its own, b the whole ESR) is still read.
 */
#ifndef VT_FORMAT_H
#define VT_FORMAT_H

#include <stdint.h>

#define VT_RING_MAGIC 0x43525456u /* "VTRC" */
#define VT_DUMP_MAGIC 0x50445456u /* "VTDP" */
#define VT_VERSION 2
#define VT_VERSION_UNFOLDED 1 /* the last version without folded ENTERs */

enum vt_mode {
	VT_MODE_STREAM = 0, /* full: new records are dropped and counted in `lost` */
	VT_MODE_FLIGHT = 1, /* full: the oldest records are overwritten */
};

struct vt_ring {
	uint32_t magic;
	uint16_t version;
	uint16_t record_size; /* sizeof(struct vt_record) */
	uint32_t cpu;
	uint32_t capacity;   /* records, a power of two */
	uint32_t mode;       /* enum vt_mode */
	uint32_t mask;       /* capacity - 1: slot = position & mask */
	uint64_t timer_freq; /* Hz of vt_record.ts */
	/* Written by the producer only. */
	uint64_t head __attribute__((aligned(64))); /* records written (published with release) */
	uint64_t lost;                              /* stream mode: records dropped, ever */
	uint64_t lost_noted;                        /* of those, reported by a VT_EV_LOST record */
	/* Written by the consumer only (stream mode). */
	uint64_t tail __attribute__((aligned(64))); /* records consumed */
	uint8_t pad1[56];
};

struct vt_record {
	uint64_t ts;    /* generic counter (CNTPCT) when the event happened */
	uint16_t event; /* enum vt_event */
	uint8_t vm;     /* index in the dump's VM table (= VM id); VT_NONE if not about a VM */
	uint8_t vcpu;   /* VT_NONE if not about a vCPU */
	uint32_t a;     /* payload: see enum vt_event */
	uint64_t b;
	uint64_t c;
};

#define VT_NONE 0xff

/*
 * Events, their class (for masking) and payload. Exit classes (a of
 * VT_EV_EXIT) are the Arm ESR exception classes, plus VT_EXIT_IRQ.
 */
enum vt_event {
	VT_EV_LOST = 1,        /* ring: a = records dropped just before this one (stream mode) */
	VT_EV_EXIT = 2,        /* exit: a = class, b = ESR or INTID | run << 32, c = IPA or PC */
	VT_EV_ENTER = 3,       /* exit: back into the guest (v2: only when it cannot be folded) */
	VT_EV_IRQ = 4,         /* irq: a = physical INTID taken by the hypervisor */
	VT_EV_INJECT = 5,      /* irq: vm/vcpu = target, a = vINTID, b = physical INTID (hw) or 0 */
	VT_EV_LR_FULL = 6,     /* irq: vm/vcpu = target, a = vINTID waiting for a list register */
	VT_EV_IPI = 7,         /* irq: a = target pCPU */
	VT_EV_HVC = 8,         /* call: a = function ID, b = x1 argument, c = result x0 */
	VT_EV_PSCI = 9,        /* call: a = function ID, b = x1 argument, c = result x0 */
	VT_EV_IPC = 10,        /* ipc: a = channel, b = event bit, c = receiving VM */
	VT_EV_FAULT = 11,      /* fault: a = ESR, b = IPA, c = PC; the VM is stopped */
	VT_EV_VM_STATE = 12,   /* state: a = new VM state (vm.h enum vm_state; 5: paused) */
	VT_EV_VCPU_STATE = 13, /* state: a = new vCPU state (0 off, 1 pending, 2 running) */
	VT_EV_MARK = 14,       /* mark: a = guest marker id, b = value (trace_mark hypercall) */
	VT_EV_COUNT
};

#define VT_EXIT_IRQ 0x100       /* a of VT_EV_EXIT for an interrupt exit; b = INTID */
#define VT_RUN_SHIFT 32         /* the run time's place in the b of VT_EV_EXIT (v2) */
#define VT_RUN_NONE 0xffffffffu /* ... when no ENTER is folded into it */

enum vt_class {
	VT_CLASS_RING = 1u << 0, /* VT_EV_LOST: cannot be masked */
	VT_CLASS_EXIT = 1u << 1,
	VT_CLASS_IRQ = 1u << 2,
	VT_CLASS_CALL = 1u << 3,
	VT_CLASS_IPC = 1u << 4,
	VT_CLASS_FAULT = 1u << 5,
	VT_CLASS_STATE = 1u << 6,
	VT_CLASS_MARK = 1u << 7,
	VT_CLASS_ALL = 0xff,
};

/* The class of each event, indexed by enum vt_event. */
#define VT_EVENT_CLASSES                                                                           \
	{                                                                                          \
		0, VT_CLASS_RING, VT_CLASS_EXIT, VT_CLASS_EXIT, VT_CLASS_IRQ, VT_CLASS_IRQ,        \
		    VT_CLASS_IRQ, VT_CLASS_IRQ, VT_CLASS_CALL, VT_CLASS_CALL, VT_CLASS_IPC,        \
		    VT_CLASS_FAULT, VT_CLASS_STATE, VT_CLASS_STATE, VT_CLASS_MARK                  \
	}

/* A dump file. */
struct vt_dump {
	uint32_t magic; /* VT_DUMP_MAGIC */
	uint16_t version;
	uint16_t record_size;
	uint32_t nr_rings;
	uint32_t nr_vms;
	uint32_t nr_vcpus;
	uint32_t pad;
	uint64_t timer_freq;
};

struct vt_dump_vm {
	char name[32];
	uint32_t id;
	uint32_t nr_vcpus;
	uint64_t cpus; /* pCPU mask */
};

struct vt_dump_vcpu {
	uint8_t vm, vcpu, pcpu, pad[5];
	uint64_t exits; /* the hypervisor's own count of this vCPU's exits */
};

struct vt_dump_ring {
	uint32_t cpu;
	uint32_t mode;
	uint64_t first; /* position of the first record that follows */
	uint64_t count; /* records that follow */
	uint64_t lost;  /* stream mode: dropped by the producer, ever */
	uint64_t
	    skipped; /* records written but no longer in the ring (overwritten or never read) */
};

#endif
