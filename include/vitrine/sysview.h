/*
 * What the monitor partition is shown of the system, read-only, at
 * CFG_MONITOR_SYS_IPA (at most 4 pages): the VM table with each VM's memory
 * map, interrupts, channels and cache colours, the last-level cache's
 * geometry, and live counters. The description is written once at boot;
 * the hypervisor rewrites the live fields when the monitor asks
 * (VT_HC_SYS_REFRESH), so the exit path never writes this page. A reader
 * must check every count and index against the array it bounds.
 */
#ifndef VITRINE_SYSVIEW_H
#define VITRINE_SYSVIEW_H

#include <stdint.h>

#define VT_SYS_MAGIC 0x53595456u /* "VTYS" */
#define VT_SYS_VERSION 5
#define VT_SYS_VMS 16
#define VT_SYS_VCPUS 16
#define VT_SYS_PCPUS 16
#define VT_SYS_REGIONS 128 /* of all VMs together */
#define VT_SYS_INTIDS 256  /* of all VMs together */
#define VT_SYS_CHANNELS 64
#define VT_SYS_COLORS 256 /* colours a VM's mask can name */
#define VT_SYS_NAME 32    /* names are NUL-terminated within this */
#define VT_SYS_MAX_BYTES 0x4000

/* vt_sys.flags */
#define VT_SYS_TRUNCATED 1u     /* the config had more than these tables hold */
#define VT_SYS_COLORS_CAPPED 2u /* the LLC has more colours than VT_SYS_COLORS */

/* vt_sys_vm.flags */
#define VT_SYS_VM_INPUT 1u     /* receives console input */
#define VT_SYS_VM_MONITOR 2u   /* is shown this page and the trace rings */
#define VT_SYS_VM_PMU 4u       /* uses its pCPUs' PMUs directly (not trapped) */
#define VT_SYS_VM_UNCOLORED 8u /* no cache colouring: its mask is every colour */
/* `dma unconfined`: a device it owns can write all physical memory (no SMMU) */
#define VT_SYS_VM_DMA_UNCONFINED 16u

struct vt_sys_vm {
	char name[VT_SYS_NAME];
	uint32_t id;
	uint32_t nr_vcpus;
	uint32_t state; /* enum vt_vm_state (include/vitrine/trace.h) */
	uint32_t resets;
	uint64_t cpus;                       /* pCPU mask */
	uint64_t ram_bytes;                  /* its RAM regions, together */
	uint64_t foreign;                    /* accesses to interrupts it does not own */
	uint64_t uart_ipa;                   /* its emulated PL011; 0: none */
	uint32_t flags;                      /* VT_SYS_VM_* */
	uint16_t first_region, nr_regions;   /* its slice of vt_sys.regions */
	uint16_t first_intid, nr_intids;     /* its slice of vt_sys.intids */
	uint32_t dma_faults;                 /* its PCIe functions' DMA the SMMU refused */
	uint64_t colors[VT_SYS_COLORS / 64]; /* bit c: it may allocate in LLC colour c */
	/* Memory-bandwidth regulation: the config's budget (0: none), then what it did */
	uint64_t membw_bytes; /* a pCPU's budget a period */
	uint64_t membw_period_ns;
	uint64_t membw_periods;   /* finished, over its pCPUs */
	uint64_t membw_throttles; /* periods a vCPU of it waited out */
	uint64_t membw_used;      /* bus bytes over those periods */
};

enum vt_sys_region_kind {
	VT_SYS_RAM,
	VT_SYS_SHM,    /* a shared-memory channel */
	VT_SYS_DEVICE, /* pass-through MMIO (IPA = PA) */
};

#define VT_SYS_REGION_WRITE 1u /* absent: read-only for the VM */

struct vt_sys_region {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
	uint8_t kind;     /* enum vt_sys_region_kind */
	uint8_t flags;    /* VT_SYS_REGION_* */
	uint16_t channel; /* VT_SYS_SHM: index in vt_sys.channels */
	uint16_t intid;   /* VT_SYS_SHM: the doorbell vINTID raised in this VM; 0: none */
	uint16_t reserved;
};

struct vt_sys_channel {
	char name[VT_SYS_NAME];
	uint64_t pa;
	uint64_t size;
	uint64_t notifies, delivered, denied; /* live: doorbells rung, delivered, refused */
};

/*
 * The last-level cache as the boot pCPU's CLIDR_EL1/CCSIDR_EL1 describe
 * it. A colour is the set of 4 KiB pages that index the same LLC sets:
 * colours = size / (ways * 4 KiB). level 0: no data or unified cache.
 */
struct vt_sys_llc {
	uint32_t level; /* 1..7 */
	uint32_t ways;
	uint32_t line; /* bytes */
	uint32_t sets;
	uint64_t size; /* bytes */
	uint32_t colors;
	/*
	 * The PMU events the hypervisor counts on every pCPU, in counters it
	 * keeps from the guests (MDCR_EL2.HPMN), for cache.llc() on hardware:
	 * LLC refills and LLC accesses (the config's `llc-events`, or what
	 * PMCEID offers); VT_SYS_PMU_NONE: not counted.
	 */
	uint16_t pmu_refill;
	uint16_t pmu_access;
};

#define VT_SYS_PMU_NONE 0xffffu

struct vt_sys_vcpu {
	uint32_t vm, vcpu, pcpu, state; /* state: enum vt_vcpu_state (include/vitrine/trace.h) */
	uint64_t exits;
	uint64_t sysreg_traps;
};

/*
 * One pCPU's counts of llc.pmu_refill and llc.pmu_access since boot, at
 * EL1 and EL0 only (its guest's, not the hypervisor's), as of `sampled`
 * (counter time; 0: never). VT_HC_LLC_SAMPLE brings them up to date.
 */
struct vt_sys_pcpu {
	uint64_t llc_refills;
	uint64_t llc_accesses;
	uint64_t sampled;
};

struct vt_sys {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_vms;
	uint32_t nr_vcpus;
	uint64_t timer_freq;
	uint64_t refreshed;    /* counter value when the hypervisor last wrote this page */
	uint64_t boot_seed[2]; /* the run's random seed (hyp/core/bootparam.h); 0, 0: none */
	uint32_t nr_regions;
	uint32_t nr_intids;
	uint32_t nr_channels;
	uint32_t flags; /* VT_SYS_* */
	struct vt_sys_llc llc;
	struct vt_sys_vm vms[VT_SYS_VMS];
	struct vt_sys_vcpu vcpus[VT_SYS_VCPUS];
	struct vt_sys_region regions[VT_SYS_REGIONS];
	uint32_t intids[VT_SYS_INTIDS];
	struct vt_sys_channel channels[VT_SYS_CHANNELS];
	uint32_t nr_pcpus;
	uint32_t pmu_counters; /* the event counters left to a VM that owns its PMU (HPMN) */
	struct vt_sys_pcpu pcpus[VT_SYS_PCPUS];
};

#endif
