/*
 * The emulated LLC's counters page. QEMU has no cache model; the llc TCG
 * plugin (tools/llc/) models the platform's shared L2 and, when QEMU's RAM
 * is a shared file (scripts/run.sh LLC=1), publishes its counts into this
 * page of guest physical memory so the running system can read them live.
 *
 * The page is at VT_LLC_PAGE_PA, the last page of the QEMU virt board's
 * 1 GiB of RAM. Configs must not give it to any VM; the monitor may be
 * shown it read-only. Only the plugin writes it (nothing in the guest or
 * the hypervisor does), and it is all zero when the plugin is not loaded:
 * check magic and version first.
 *
 * The plugin keeps its counts privately and copies them here every
 * `publish` accesses (default 65536) and at exit, between two writes of
 * `seq`: odd while a copy is under way, even and one more than before when
 * it is done. A reader copies the page and takes the copy only if `seq` was
 * even and the same before and after (a seqlock). A reader inside the guest
 * must not wait for `seq` to change: its own accesses are what drives the
 * plugin, so a spin on the page would only see it change every `publish`
 * accesses.
 */
#ifndef VITRINE_LLC_H
#define VITRINE_LLC_H

#include <stdint.h>

#define VT_LLC_PAGE_PA 0x7ffff000ull /* the last page of RAM: configs must leave it free */
#define VT_LLC_PAGE_SIZE 0x1000u
#define VT_LLC_MAGIC 0x434c4c56u /* "VLLC" */
#define VT_LLC_VERSION 2
#define VT_LLC_CPUS 16 /* vCPUs (pCPUs of the hypervisor) with a row */

/*
 * One vCPU's counts, since QEMU started. hits = accesses - misses. The
 * timing model's figures (tools/llc/llc_time.h) are zero when it is off:
 * modelled cycles (instructions, hit and miss costs, the bus's wait) and
 * the bytes its refills moved over the memory bus.
 */
struct vt_llc_cpu {
	uint64_t loads;
	uint64_t load_hits;
	uint64_t load_misses;
	uint64_t stores;
	uint64_t store_hits;
	uint64_t store_misses;
	uint64_t insns;      /* instructions run */
	uint64_t cycles;     /* modelled cycles, at freq_mhz */
	uint64_t bus_bytes;  /* refills x line */
	uint64_t prefetched; /* misses on the line after the previous one, of all misses */
	/*
	 * Refill bytes (misses x line), written at every miss, outside the
	 * seqlock: the hypervisor's bandwidth regulation reads it at its tick.
	 */
	uint64_t bus_live;
};

struct vt_llc_page {
	uint32_t magic;     /* VT_LLC_MAGIC */
	uint32_t version;   /* VT_LLC_VERSION */
	uint64_t seq;       /* odd while the plugin rewrites the page */
	uint64_t size;      /* the modelled cache: bytes, */
	uint32_t ways;      /* ways, */
	uint32_t line;      /* bytes per line, */
	uint32_t sets;      /* size / (ways * line) */
	uint32_t cpus;      /* rows of cpu[] in use: QEMU's vCPUs, at most VT_LLC_CPUS */
	uint64_t publishes; /* copies made so far (the last one at QEMU's exit) */
	uint64_t io;        /* accesses to I/O (MMIO), not modelled, all vCPUs */
	uint32_t freq_mhz;  /* the timing model's clock; 0: the model is off */
	uint32_t bus_mbps;  /* the memory bus's bandwidth, MB/s */
	uint32_t bus_util;  /* its utilisation now, thousandths */
	uint32_t pad;
	struct vt_llc_cpu cpu[VT_LLC_CPUS];
};

_Static_assert(sizeof(struct vt_llc_page) <= VT_LLC_PAGE_SIZE, "vt_llc_page fits its page");

#endif
