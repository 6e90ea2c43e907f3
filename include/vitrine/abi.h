/*
 * The guest-visible call ABI: PSCI and SMCCC function IDs the hypervisor
 * answers, and Vitrine's own hypercalls. Shared by the hypervisor and the
 * guest runtime. All calls follow SMCCC: function ID in w0, arguments in
 * x1..x7, results in x0..x3, HVC #0 (SMC works too: it is trapped).
 */
#ifndef VITRINE_ABI_H
#define VITRINE_ABI_H

/* SMCCC */
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_OK 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_NOT_REQUIRED (-2)
#define SMCCC_INVALID_PARAMETER (-3)

/* PSCI 1.1 (function IDs: SMC32 0x840000xx, SMC64 0xC40000xx) */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND_64 0xC4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_64 0xC4000003u
#define PSCI_AFFINITY_INFO_64 0xC4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000Au
#define PSCI_SMC64 0x40000000u /* bit that tells SMC64 from SMC32 IDs */

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/*
 * Vitrine hypercalls: SMCCC fast calls, SMC64, owning entity 6
 * ("vendor specific hypervisor service").
 */
#define VT_HC_BASE 0xC6000000u
/* -> x0 = 0, x1 = VM id, x2 = vCPU id, x3 = number of vCPUs, x4 = resets so far */
#define VT_HC_VM_INFO (VT_HC_BASE + 0)
/* x1 = length (1..48), x2..x7 = the bytes, little-endian -> x0 = 0 */
#define VT_HC_CONSOLE_WRITE (VT_HC_BASE + 1)
#define VT_HC_CONSOLE_MAX 48
/*
 * Doorbells. x1 = channel (its index in the config, in file order),
 * x2 = event (0..63): sets that event bit for every other member of the
 * channel and raises the virtual interrupt the member's `shm ... irq N`
 * names. -> x0 = 0, VT_ERR_DENIED if the caller is not a member or a
 * read-only one, SMCCC_INVALID_PARAMETER for an unknown channel or event.
 */
#define VT_HC_IPC_NOTIFY (VT_HC_BASE + 2)
/* x1 = channel -> x0 = 0, x1 = the caller's pending event bits, now cleared */
#define VT_HC_IPC_EVENTS (VT_HC_BASE + 3)
#define VT_ERR_DENIED (-4)
/* x1 = marker id, x2 = value: recorded in the trace (VT_EV_MARK) -> x0 = 0 */
#define VT_HC_TRACE_MARK (VT_HC_BASE + 4)
/*
 * Marker ids with a meaning to Vitrine's tools (irq.latency in the monitor);
 * a guest's own ids stay below 0x10000.
 * VT_MARK_IRQ_ENTRY, value = INTID: the guest's handler for that interrupt starts.
 * VT_MARK_LLC_MISSES + VM id, value = that VM's emulated-LLC misses so far
 * (the monitor's cache.llc{mark = true}); with the emulated LLC's timing
 * model also VT_MARK_LLC_TIME_NS + VM id (its modelled time, ns) and
 * VT_MARK_LLC_BUS_BYTES + VM id (the bytes its refills moved on the bus).
 */
#define VT_MARK_IRQ_ENTRY 0x10000u
#define VT_MARK_LLC_MISSES 0x10100u
#define VT_MARK_LLC_TIME_NS 0x10200u
#define VT_MARK_LLC_BUS_BYTES 0x10300u

/* Monitor only (the config's `monitor` VM): refresh the system page -> x0 = 0, else DENIED */
#define VT_HC_SYS_REFRESH (VT_HC_BASE + 5)
/* Monitor only: x1 = VM id: reset it (restart it if it is off or stopped) -> x0 = 0 */
#define VT_HC_VM_RESET (VT_HC_BASE + 6)
/* Monitor only: x1 = enum vt_class mask to record from now on -> x0 = 0 */
#define VT_HC_TRACE_ENABLE (VT_HC_BASE + 7)
/*
 * Monitor only: x1 = VM id, x2 = length (1..8), x3 = the bytes: typed to
 * that VM's emulated UART -> x0 = how many fitted in its receive FIFO
 */
#define VT_HC_CONSOLE_INPUT (VT_HC_BASE + 8)
/*
 * Monitor only: x1 = VM id (not the monitor's): hold its vCPUs at their
 * next exit, returning once they are held -> x0 = 0, DENIED if it is not
 * running; resume lets it run on -> x0 = 0, DENIED if it is not paused.
 */
#define VT_HC_VM_PAUSE (VT_HC_BASE + 9)
#define VT_HC_VM_RESUME (VT_HC_BASE + 10)
/*
 * Monitor only: every pCPU reads its LLC event counters into the system
 * page (vt_sys.pcpus) -> x0 = how many pCPUs did within 50 ms,
 * NOT_SUPPORTED if the hypervisor counts no LLC event (vt_sys.llc.pmu_refill)
 */
#define VT_HC_LLC_SAMPLE (VT_HC_BASE + 11)

/*
 * The caller met an exception it cannot handle (x1 = ESR_EL1, x2 = ELR_EL1,
 * x3 = FAR_EL1, as its own vectors saw them): the hypervisor reports it
 * and stops the VM, or restarts it (`on-fault restart`), as after a
 * stage-2 fault. Does not return.
 */
#define VT_HC_GUEST_FAULT (VT_HC_BASE + 12)

/* Standard vendor-service queries (SMCCC): UID in x0..x3, revision x0.x1 */
#define VT_HC_CALL_UID 0x8600FF01u
#define VT_HC_REVISION 0x8600FF03u

#endif
