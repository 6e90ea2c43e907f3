/*
 * vmconfig: checks a Vitrine system config (configs/<name>.cfg), places its
 * memory in physical RAM and emits it as C data of the types in config.h.
 * This header is what the tool's parts share: the parsed config and the
 * steps main() runs over it (parse, check, alloc, then emit or summary).
 */
#ifndef VMCONFIG_H
#define VMCONFIG_H

#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>

#include <vitrine/config.h>

#include "platform.h"

#define VMC_NAME_MAX 31
/* membw: a period from 100 us (ten hypervisor ticks of 10 us) to 1 s, a budget of a line at least
 */
#define VMC_MEMBW_PERIOD_MIN 100000ull
#define VMC_MEMBW_PERIOD_MAX 1000000000ull
#define VMC_MEMBW_BYTES_MIN 64ull
#define VMC_LINE_MAX 1024 /* bytes per config line, newline included */
#define VMC_PATH_MAX 4096
#define VMC_VMS_MAX 64
#define VMC_CHANNELS_MAX 64
#define VMC_REGIONS_MAX 16 /* mem, shm and device lines of one vm */
#define VMC_CPUS_MAX 64    /* ids one vm may list, before any check */
#define VMC_INTIDS_MAX 64  /* per vm */
#define VMC_PCIS_MAX 8     /* pci lines of one vm */

#define VMC_PAGE 0x1000ull
/* One page of every colour: coloured memory comes in such periods. */
#define VMC_COLOR_PERIOD ((uint64_t)(PLAT_LLC_COLORS * VMC_PAGE))
#define VMC_ALL_COLORS ((uint32_t)((1ull << PLAT_LLC_COLORS) - 1))
#define VMC_LOADS_ALIGN (2ull << 20) /* the vms' loads' region (check.c) */
#define VMC_UART_DEFAULT ((uint64_t)PLAT_VM_UART_DEFAULT)
/* The platform's UART model (PLAT_VUART_MODEL), named as the summary and errors say it. */
#if PLAT_VUART_MODEL == PLAT_VUART_PL011
#define VMC_UART_MODEL "PL011"
#else
#define VMC_UART_MODEL "ns16550a"
#endif
/* RAM as uint64_t, which is what VMC_X prints */
#define VMC_RAM_BASE ((uint64_t)PLAT_RAM_BASE)
#define VMC_RAM_END ((uint64_t)(PLAT_RAM_BASE + PLAT_RAM_SIZE))

#define VMC_X "0x%" PRIx64 /* how addresses and sizes are shown */

/* A file a vm line names (image, kernel, initrd, dtb, a device's dt), once found on disk. */
struct vmc_file {
	int line;                /* 0: not given */
	char name[VMC_LINE_MAX]; /* as written */
	char path[VMC_PATH_MAX]; /* absolute, once found */
	uint64_t size;
	uint64_t ipa; /* where it is loaded, once placed */
};

/* A mem, shm or device line. */
struct vmc_region {
	uint64_t ipa;
	uint64_t pa;    /* device: = ipa; shm: the channel's, once placed */
	uint64_t size;  /* shm: the channel's */
	uint64_t intid; /* shm: the doorbell vINTID, as written: range is checked later */
	uint8_t kind;   /* enum cfg_region_kind */
	bool write;
	bool fixed; /* mem: `pa ADDR` given, so not allocated */
	bool bad;   /* failed a check of its own; later checks skip it */
	bool irq;   /* shm: `irq N` given */
	bool bell;  /* shm: `bell IPA` given: its doorbell page (vitrine/shmbell.h) is there */
	bool pci;   /* device: a `pci` line's BAR, which the SMMU confines (pci.c) */
	uint64_t bell_ipa;
	int channel; /* shm: index in vmc_config.channels, -1 until resolved */
	int line;
	char chan_name[VMC_NAME_MAX + 1];
	struct vmc_file dt; /* device: `dt FILE`, its DT fragment (dtb.c) */
};

/* `kernel`: what its arm64 Image header says (Documentation/arm64/booting.rst). */
struct vmc_kernel {
	uint64_t text_offset, image_size, flags;
	uint64_t base; /* the 2 MiB-aligned base: [base, ipa + image_size) is the kernel's */
};

struct vmc_intid {
	uint64_t id; /* as written: range is checked later */
	int line;
	const char *field; /* the keyword that gave it: device or pci */
};

/* A `pci BB:DD.F bar [N] BASE SIZE` line. */
struct vmc_pci {
	uint64_t bus, dev, fn;
	uint64_t bar; /* N: the BAR placed (0-5; 0 when not given) */
	int region;   /* its BAR, a device region of the vm */
	int line;
};

struct vmc_vm {
	char name[VMC_NAME_MAX + 1];
	int line;
	/* Lines of the single-valued keywords; 0: not given. */
	int cpus_line, load_line, entry_line, arg_line, uart_line, colors_line;
	int dma_line, fault_line, reset_line, bootargs_line, debug_line, membw_line;
	/* image, or kernel (with its initrd and dtb): the first is loaded at `load`. */
	struct vmc_file image, kernel, initrd, dtb;
	bool dtb_auto;    /* `dtb auto`, or no dtb line with a kernel: generated (dtb.c) */
	bool dtb_checked; /* the DTB (generated, or a file) is in dtb_blob and placed at dtb.ipa */
	struct vmc_kernel khdr;
	char bootargs[VMC_LINE_MAX];
	void *dtb_blob;        /* the device tree as loaded (malloc'd), dtb.size bytes */
	uint64_t rng_seed_off; /* its /chosen/rng-seed's bytes, from the blob's start; 0: none */
	uint64_t load, entry, arg;
	uint64_t uart;   /* 0: none */
	uint32_t colors; /* LLC colours its RAM is built from, a bit each; 0: uncoloured */
	bool exclusive;  /* no other vm may use its colours */
	/* membw: bus bytes each of its pCPUs may move a period; 0: unregulated */
	uint64_t membw_bytes, membw_period_ns;
	uint32_t flags; /* CFG_VM_*: dma, on-fault (defaulted once checked), on-reset, debug */
	uint64_t cpus[VMC_CPUS_MAX];
	int nr_cpus;
	struct vmc_region regions[VMC_REGIONS_MAX];
	int nr_regions;
	struct vmc_intid intids[VMC_INTIDS_MAX];
	int nr_intids;
	struct vmc_pci pcis[VMC_PCIS_MAX];
	int nr_pcis;
};

struct vmc_channel {
	char name[VMC_NAME_MAX + 1];
	int line;
	uint64_t size, pa;
	uint32_t colors; /* built from pages of these LLC colours; 0: contiguous */
	bool fixed, bad;
};

struct vmc_config {
	const char *file;
	struct vmc_vm vms[VMC_VMS_MAX];
	int nr_vms;
	struct vmc_channel channels[VMC_CHANNELS_MAX];
	int nr_channels;
	char input[VMC_NAME_MAX + 1];
	int input_line; /* 0: no input line */
	int input_vm;   /* index in vms once resolved, -1: none */
	char monitor[VMC_NAME_MAX + 1];
	int monitor_line;    /* 0: no monitor line */
	int monitor_vm;      /* index in vms once resolved, -1: none */
	uint32_t hyp_colors; /* `hypervisor colors LIST`; 0: it stays where it was loaded */
	int hyp_line;
	uint64_t hyp_pa;
	uint32_t trace_colors; /* `trace colors LIST`; 0: the rings stay in the hypervisor's RAM */
	int trace_line;
	uint64_t trace_pa;
	int llc_events_line; /* `llc-events REFILL [ACCESS] | none`; 0: the hypervisor finds them */
	uint32_t llc_refill_event, llc_access_event; /* CFG_PMU_NONE: not counted */
	uint64_t loads_size; /* the vms' loads as linked, page by page (alloc.c reserves it) */
	uint64_t pt_pages;   /* the page-table pool the hypervisor needs (alloc.c) */
};

/* error.c: errors are counted and printed as FILE:LINE: KIND 'NAME': FIELD: message */
extern int vmc_errors;
extern FILE *vmc_errf; /* where they go; NULL: stderr */
void vmc_error(const struct vmc_config *c, int line, const char *kind, const char *name,
               const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void vmc_verror(const struct vmc_config *c, int line, const char *kind, const char *name,
                const char *field, const char *fmt, va_list ap);

/* words.c: a line (false at end of file), then its words (-1: bad quotes, said) */
#define VMC_WORDS_MAX (VMC_LINE_MAX / 2) /* cannot be exceeded: words need a separator */
bool cfgw_read(FILE *f, char *buf, bool *long_line, bool *binary);
int cfgw_split(const struct vmc_config *c, int line, char *buf, char **tok, bool *quoted);
/* loads.c: sets loads_size, the RAM after the hypervisor the vms' loads take */
void cfgl_reserve(struct vmc_config *c);

/* The steps, in the order main() runs them. */
/* roles.c: the monitor and the console input, named by the config, found among its vms. */
void cfgr_monitor(struct vmc_config *c);
void cfgr_fault_default(struct vmc_config *c);
void cfgr_input(struct vmc_config *c);
void cfgr_debug(struct vmc_config *c);
int cfgp_parse(struct vmc_config *c, const char *path); /* -1: cannot read the file */
int cfgp_parse_file(struct vmc_config *c, FILE *f);     /* -1: read error */
void cfgc_check(struct vmc_config *c, const char *images_dir);
void cfga_alloc(struct vmc_config *c);
int cfge_emit(const struct vmc_config *c, const char *out); /* -1: cannot write */
void cfge_write(FILE *f, const struct vmc_config *c, const char *out);
void cfgs_summary(const struct vmc_config *c, FILE *f);
/*
 * image.c: finds vm's image (a name in images_dir, or a path), sets its
 * image_path and image_size; false (and said) if it cannot be used. The
 * fuzz target links its own, which never touches the file system.
 */
bool cfgi_find(const struct vmc_config *c, struct vmc_vm *vm, const char *images_dir);
/* A vm's other file (kernel, initrd, dtb): a path as written, named by field in errors. */
/* The file an `image NAME` line means: NAME if it is a path, else DIR/NAME.bin (snprintf's count).
 */
int cfgi_image_path(const struct vmc_vm *vm, const char *dir, char *path, size_t size);
bool cfgi_find_file(const struct vmc_config *c, const struct vmc_vm *vm, struct vmc_file *file,
                    const char *field);
/* Reads [off, off + n) of file into buf; false (and said) if it cannot. */
bool cfgi_read(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_file *file,
               const char *field, uint64_t off, void *buf, size_t n);
/* kernel.c: a kernel vm's Image header, then where its kernel, DTB and initrd go. */
void cfgk_check(const struct vmc_config *c, struct vmc_vm *vm, const struct vmc_region *ram);
/* dtb.c: builds (dtb auto) or reads (dtb FILE) vm's device tree into vm->dtb_blob. */
bool cfgd_build(const struct vmc_config *c, struct vmc_vm *vm);
int cfgd_write(const struct vmc_vm *vm, const char *path); /* -1: cannot write */
void cfgd_print(const struct vmc_vm *vm, FILE *f);         /* as DTS */
/* pci.c: pass-through PCIe functions */
void cfgci_check(const struct vmc_config *c);
void cfgce_pcis(FILE *f, const struct vmc_vm *vm, int v);
uint64_t cfgci_bdf(const struct vmc_pci *p);
/* color.c */
void cfgc_colors(const struct vmc_config *c);
void cfga_colored(struct vmc_config *c, bool (*fit)(uint64_t size, uint64_t align, uint64_t *pa));
void cfgs_colors(uint32_t colors, char *buf, size_t size); /* "0-3,8" */

/* Ranges are [base, base + size); checks make sure base + size does not overflow. */
static inline bool vmc_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* A region's keyword, which is also the field its errors name. */
static inline const char *vmc_field(const struct vmc_region *r)
{
	return r->kind == CFG_REGION_RAM   ? "mem"
	       : r->kind == CFG_REGION_SHM ? "shm"
	       : r->pci                    ? "pci"
	                                   : "device";
}

static inline bool vmc_fits(uint64_t base, uint64_t size)
{
	return size <= UINT64_MAX - base;
}

#endif
