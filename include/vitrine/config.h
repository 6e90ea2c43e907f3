/*
 * The static system description. A build-time tool (tools/vmconfig)
 * checks configs/<name>.cfg and emits it as C data of these types; nothing
 * here changes at run time.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdint.h>

enum cfg_region_kind {
	CFG_REGION_RAM,    /* guest RAM, normal memory */
	CFG_REGION_SHM,    /* a shared-memory channel, normal memory */
	CFG_REGION_DEVICE, /* pass-through MMIO, device memory */
};

#define CFG_REGION_WRITE 1u /* absent: read-only for the VM */
#define CFG_REGION_BELL 2u  /* shm: bell_ipa is its doorbell page (vitrine/shmbell.h) */
#define CFG_VM_BELLS_MAX 4  /* doorbell pages per VM; vmconfig enforces it */

struct cfg_region {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
	uint8_t kind;     /* enum cfg_region_kind */
	uint8_t flags;    /* CFG_REGION_* */
	uint16_t channel; /* index in cfg_system.channels for CFG_REGION_SHM */
	uint16_t intid;   /* for CFG_REGION_SHM, the doorbell vINTID raised in this VM, 0 = none */
	/*
	 * RAM built from 4 KiB pages of these LLC colours (a bit each), 0:
	 * contiguous from pa. Coloured: page i is at pa + (i / k) periods of
	 * PLAT_LLC_COLORS pages, plus the (i % k)-th of its k colours' page.
	 */
	uint32_t colors;
	uint64_t bell_ipa; /* with CFG_REGION_BELL */
};

/* cfg_vm.flags */
#define CFG_VM_DMA_UNCONFINED 1u /* `dma unconfined`: a DMA master it owns reaches all of RAM */
#define CFG_VM_FAULT_RESTART 2u  /* `on-fault restart`: reset, not stop, after a fault */
#define CFG_VM_RESET_STOP 4u     /* `on-reset stop`: stop, not reset, on the guest's request */
#define CFG_VM_DEBUG 8u          /* `debug`: the monitor may debug it (vitrine/debug.h) */

/*
 * What is copied into a VM's RAM, freshly zeroed, at every start and
 * reset: its image (or kernel), and for a kernel its DTB and initrd.
 */
struct cfg_load {
	const uint8_t *data; /* embedded in the hypervisor image */
	uint64_t size;
	uint64_t ipa; /* inside one of the VM's RAM regions */
};

/*
 * A PCIe function passed through (`pci`): the hypervisor gives its BAR `bar`
 * bar_pa (the VM sees it at the same IPA, a device region of its own), its
 * INTA line is among the VM's intids, and its DMA is translated by the SMMU
 * with the VM's memory map.
 */
struct cfg_pci {
	uint64_t bar_pa;
	uint64_t bar_size;
	uint16_t bdf; /* bus << 8 | device << 3 | function: also its SMMU stream ID */
	uint8_t bar;  /* which BAR (0-5) is placed: the function's others stay unassigned */
};

/* Linux seeds its random-number generator from the DTB's /chosen/rng-seed. */
#define CFG_RNG_SEED_SIZE 64

struct cfg_vm {
	const char *name;
	const struct cfg_load *loads;
	uint64_t entry;    /* vCPU 0 starts here */
	uint64_t arg;      /* vCPU 0's x0 at entry */
	uint64_t cpus;     /* pCPU mask; vCPU i runs on the i-th set bit */
	uint64_t uart_ipa; /* emulated PL011; 0: none */
	uint32_t flags;    /* CFG_VM_* */
	/*
	 * A kernel's DTB: where its /chosen/rng-seed (CFG_RNG_SEED_SIZE bytes)
	 * lands, filled afresh at every start and reset; 0: none.
	 */
	uint64_t rng_seed_ipa;
	/* Memory-bandwidth regulation: bus bytes each of its pCPUs may move a period; 0: none */
	uint64_t membw_bytes;
	uint64_t membw_period_ns;
	const struct cfg_region *regions;
	const uint32_t *intids; /* pass-through interrupts */
	const struct cfg_pci *pcis;
	uint16_t nr_loads;
	uint16_t nr_regions;
	uint16_t nr_intids;
	uint16_t nr_pcis;
};

struct cfg_channel {
	const char *name;
	uint64_t pa;
	uint64_t size;
	uint32_t colors; /* as cfg_region.colors: 0, contiguous from pa */
};

#define CFG_NO_VM 0xffffu
/* The monitor sees pCPU n's trace ring at CFG_MONITOR_RINGS_IPA + n * CFG_MONITOR_RING_STRIDE. */
#define CFG_MONITOR_RINGS_IPA 0x70000000ull
#define CFG_MONITOR_RING_STRIDE 0x100000ull
/* ... then the system page(s) (vitrine/sysview.h), up to 16 KiB, read-only ... */
#define CFG_MONITOR_SYS_IPA (CFG_MONITOR_RINGS_IPA + 4 * CFG_MONITOR_RING_STRIDE)
#define CFG_MONITOR_SYS_SIZE 0x4000ull
/* ... the console ring (vitrine/conring.h), read-only ... */
#define CFG_MONITOR_CON_IPA (CFG_MONITOR_SYS_IPA + CFG_MONITOR_SYS_SIZE)
#define CFG_MONITOR_CON_SIZE 0x11000ull
/* ... the one page the monitor may write: its consumer positions ... */
#define CFG_MONITOR_CTL_IPA (CFG_MONITOR_CON_IPA + CFG_MONITOR_CON_SIZE)
/* ... and the emulated LLC's counters page (vitrine/llc.h), read-only. */
#define CFG_MONITOR_LLC_IPA (CFG_MONITOR_CTL_IPA + 0x1000ull)
#define CFG_MONITOR_WINDOW (CFG_MONITOR_LLC_IPA + 0x1000ull - CFG_MONITOR_RINGS_IPA)
#define CFG_CHANNEL_MAX 64 /* vmconfig enforces it */
/* What vmconfig reserves for a coloured hypervisor (boot checks that its image fits). */
#define CFG_HYP_COLORED_BYTES 0x600000ull
/*
 * The page tables the hypervisor's own EL2 map takes at most (image, loads,
 * devices, per-pCPU windows, trace rings); vmconfig adds each vm's stage 2.
 */
#define CFG_PT_HYP_PAGES 64
/* One pCPU's trace ring, header page and records (hyp/core/trace.c), as vmconfig places them. */
#define CFG_TRACE_RING_BYTES 0x81000ull

struct cfg_system {
	const struct cfg_vm *vms;
	const struct cfg_channel *channels;
	uint16_t nr_vms;
	uint16_t nr_channels;
	/*
	 * The hypervisor's own image and data: 0, where it was loaded; or
	 * these colours' pages from hyp_pa (CFG_HYP_COLORED_BYTES of them).
	 */
	uint32_t hyp_colors;
	uint64_t hyp_pa;
	/* The trace rings: 0, in the hypervisor's RAM; or these colours' pages from trace_pa. */
	uint32_t trace_colors;
	uint64_t trace_pa;
	uint16_t input_vm; /* receives console input; CFG_NO_VM: nobody */
	/* Is shown the trace rings and owns the console (the PL011 is passed through to it). */
	uint16_t monitor_vm; /* CFG_NO_VM: nobody */
	/*
	 * The PMU events behind cache.llc() on hardware (`llc-events`): with
	 * llc_events 0 the hypervisor looks for LLC refill and access events
	 * in PMCEID; else it counts these (CFG_PMU_NONE: nothing).
	 */
	uint16_t llc_events;
	uint16_t llc_refill_event;
	uint16_t llc_access_event;
	/*
	 * The vms' loads, in physical RAM right after the hypervisor's
	 * PLAT_HYP_SIZE (hyp.ld.S), never moved with a coloured hypervisor:
	 * what vmconfig reserved there. Boot checks that the linked loads fit.
	 */
	uint64_t loads_size;
	/* cfg_pt_pool's pages: an upper bound of the tables the config needs. */
	uint32_t pt_pool_pages;
};

/* The page-table pool, emitted with the config so its size follows it. */
extern uint64_t cfg_pt_pool[][512];

#define CFG_PMU_NONE 0xffffu

extern const struct cfg_system cfg_system;

#endif
