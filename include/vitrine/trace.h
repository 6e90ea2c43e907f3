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
 * Readers rebuild the ENTER with trace_trace_fold.h's vt_unfold, right before its EXIT.
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
 * The event vocabulary, defined once: every name table (the dump listing,
 * Lua, Perfetto, the docs) is built from it.
 * X(NAME, name, value, CLASS, payload): the enum is VT_EV_NAME, the Lua and
 * listing names are derived from `name`, the class is VT_CLASS_CLASS. Exit
 * classes (a of EXIT) are the architecture's (the dump's `arch`): Arm's ESR
 * exception classes or riscv64's scause codes, plus VT_EXIT_IRQ.
 */
#define VT_EVENTS(X)                                                                               \
	X(LOST, lost, 1, RING, "a = records dropped just before this one (stream mode)")           \
	X(EXIT, exit, 2, EXIT, "a = class, b = ESR or INTID, run time << 32, c = IPA or PC")       \
	X(ENTER, enter, 3, EXIT, "back into the guest (v2: only when it cannot be folded)")        \
	X(IRQ, irq, 4, IRQ, "a = physical INTID taken by the hypervisor")                          \
	X(INJECT, inject, 5, IRQ, "vm/vcpu = target, a = vINTID, b = physical INTID (hw) or 0")    \
	X(LR_FULL, lr_full, 6, IRQ, "vm/vcpu = target, a = vINTID waiting for a list register")    \
	X(IPI, ipi, 7, IRQ, "a = target pCPU")                                                     \
	X(HVC, hvc, 8, CALL, "a = function ID, b = x1 argument, c = result x0")                    \
	X(PSCI, psci, 9, CALL, "a = function ID, b = x1 argument, c = result x0")                  \
	X(IPC, ipc, 10, IPC, "a = channel, b = event bit, c = receiving VM")                       \
	X(FAULT, fault, 11, FAULT, "a = ESR, b = IPA, c = PC; the VM is stopped")                  \
	X(VM_STATE, vm_state, 12, STATE, "a = new VM state (enum vt_vm_state)")                    \
	X(VCPU_STATE, vcpu_state, 13, STATE,                                                       \
	  "a = new vCPU state (enum vt_vcpu_state); a debugger's stop: b = PC, c = why")           \
	X(MARK, mark, 14, MARK, "a = guest marker id, b = value (trace_mark hypercall)")           \
	X(MEMBW, membw, 15, STATE,                                                                 \
	  "throttled: a = bus bytes this period, b = budget, c = counter at the period's end")

enum vt_event {
#define VT_EV_ENUM(NAME, name, value, CLASS, payload) VT_EV_##NAME = value,
	VT_EVENTS(VT_EV_ENUM)
#undef VT_EV_ENUM
	    VT_EV_COUNT
};

#define VT_EXIT_IRQ 0x100 /* a of VT_EV_EXIT for an interrupt exit; b = INTID */

/*
 * The exit classes readers name (a of VT_EV_EXIT): X(class, key, label, b, c).
 * key names it in Lua (trace.count{by = 'reason'}), label in listings and
 * Perfetto; b and c say what the record's b and c hold (c: PC, IPA, or MMIO:
 * the IPA of a data access, an emulated device's where there is one).
 * Readers call any other class "other". Arm's: ESR exception classes.
 */
#define VT_EXIT_CLASSES(X)                                                                         \
	X(0x01, wfx, "WFx", ESR, PC)                                                               \
	X(0x16, hvc, "HVC", ESR, PC)                                                               \
	X(0x17, smc, "SMC", ESR, PC)                                                               \
	X(0x18, sysreg, "sysreg", ESR, PC)                                                         \
	X(0x20, iabt, "instruction abort", ESR, IPA)                                               \
	X(0x24, dabt, "data abort", ESR, MMIO)                                                     \
	X(VT_EXIT_IRQ, irq, "IRQ", INTID, PC)
/* riscv64's: scause exception codes; an ecall's b is a7, the SBI extension (or Vitrine's call). */
#define VT_EXIT_CLASSES_RISCV64(X)                                                                 \
	X(0x0a, ecall, "ecall from VS", EID, PC)                                                   \
	X(0x14, fetch_gpf, "fetch guest-page fault", scause, IPA)                                  \
	X(0x15, load_gpf, "load guest-page fault", scause, MMIO)                                   \
	X(0x16, virtual_insn, "virtual instruction", scause, PC)                                   \
	X(0x17, store_gpf, "store guest-page fault", scause, MMIO)                                 \
	X(VT_EXIT_IRQ, irq, "IRQ", cause, PC)
/* riscv64's interrupt exits: b of a VT_EXIT_IRQ is the scause interrupt code. X(code, name). */
#define VT_IRQS_RISCV64(X) X(1, software) X(5, timer) X(9, external)

/* The architecture a dump's exit classes belong to (struct vt_dump's arch): X(NAME, name, value).
 */
#define VT_ARCHS(X) X(AARCH64, aarch64, 0) X(RISCV64, riscv64, 1)

enum vt_arch {
#define VT_ARCH_ENUM(NAME, name, value) VT_ARCH_##NAME = value,
	VT_ARCHS(VT_ARCH_ENUM)
#undef VT_ARCH_ENUM
	    VT_ARCH_NUM /* the values above run from 0 without a gap */
};
#define VT_RUN_SHIFT 32         /* the run time's place in the b of VT_EV_EXIT (v2) */
#define VT_RUN_NONE 0xffffffffu /* ... when no ENTER is folded into it */

/*
 * Event classes, the unit of masking (trace.enable, VT_HC_TRACE_CLASSES):
 * X(CLASS, name, bit). RING (LOST) cannot be masked.
 */
#define VT_CLASSES(X)                                                                              \
	X(RING, ring, 0)                                                                           \
	X(EXIT, exit, 1)                                                                           \
	X(IRQ, irq, 2)                                                                             \
	X(CALL, call, 3)                                                                           \
	X(IPC, ipc, 4)                                                                             \
	X(FAULT, fault, 5)                                                                         \
	X(STATE, state, 6)                                                                         \
	X(MARK, mark, 7)

enum vt_class {
#define VT_CLASS_ENUM(CLASS, name, bit) VT_CLASS_##CLASS = 1u << (bit),
	VT_CLASSES(VT_CLASS_ENUM)
#undef VT_CLASS_ENUM
	    VT_CLASS_ALL = 0xff,
};

/* The class of each event, indexed by enum vt_event. */
#define VT_EV_CLASS_INIT(NAME, name, value, CLASS, payload) [value] = VT_CLASS_##CLASS,
#define VT_EVENT_CLASSES                                                                           \
	{                                                                                          \
		VT_EVENTS(VT_EV_CLASS_INIT)                                                        \
	}

/* Names indexed by enum vt_event (0 where none): lower case (Lua, Perfetto) and upper (dumps). */
#define VT_EV_NAME_INIT(NAME, name, value, CLASS, payload) [value] = #name,
#define VT_EVENT_NAMES                                                                             \
	{                                                                                          \
		VT_EVENTS(VT_EV_NAME_INIT)                                                         \
	}
#define VT_EV_UPPER_INIT(NAME, name, value, CLASS, payload) [value] = #NAME,
#define VT_EVENT_UPPER_NAMES                                                                       \
	{                                                                                          \
		VT_EVENTS(VT_EV_UPPER_INIT)                                                        \
	}

/*
 * VM and vCPU states as the trace and the system page report them: X(NAME,
 * name). The hypervisor's own enums are checked against these.
 */
#define VT_VM_STATES(X)                                                                            \
	X(RUNNING, running)                                                                        \
	X(LEAVING, leaving) /* its vCPUs are being stopped */                                      \
	X(RESETTING, resetting)                                                                    \
	X(OFF, off)         /* powered itself off */                                               \
	X(STOPPED, stopped) /* stopped by the hypervisor after a fault */                          \
	X(PAUSED, paused)   /* held by the monitor */

#define VT_VCPU_STATES(X)                                                                          \
	X(OFF, off)                                                                                \
	X(PENDING, pending) /* CPU_ON or a reset asked for it */                                   \
	X(RUNNING, running)                                                                        \
	X(PAUSED, paused) /* held by the monitor at its next exit */

enum vt_vm_state {
#define VT_VM_STATE_ENUM(NAME, name) VT_VM_##NAME,
	VT_VM_STATES(VT_VM_STATE_ENUM)
#undef VT_VM_STATE_ENUM
	    VT_VM_STATE_COUNT
};

enum vt_vcpu_state {
#define VT_VCPU_STATE_ENUM(NAME, name) VT_VCPU_##NAME,
	VT_VCPU_STATES(VT_VCPU_STATE_ENUM)
#undef VT_VCPU_STATE_ENUM
	    VT_VCPU_STATE_COUNT
};

#define VT_STATE_NAME_INIT(NAME, name) #name,
#define VT_VM_STATE_NAMES                                                                          \
	{                                                                                          \
		VT_VM_STATES(VT_STATE_NAME_INIT)                                                   \
	}
#define VT_VCPU_STATE_NAMES                                                                        \
	{                                                                                          \
		VT_VCPU_STATES(VT_STATE_NAME_INIT)                                                 \
	}

/* A dump file. */
struct vt_dump {
	uint32_t magic; /* VT_DUMP_MAGIC */
	uint16_t version;
	uint16_t record_size;
	uint32_t nr_rings;
	uint32_t nr_vms;
	uint32_t nr_vcpus;
	uint32_t arch; /* enum vt_arch (0, aarch64, where a writer leaves it zero) */
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
