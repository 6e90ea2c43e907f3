/*
 * Judges how the lines of a parsed config fit together: fields, references,
 * pCPUs, INTIDs, images against their mem, IPAs within what stage 2
 * translates, overlaps of IPA, PA and MMIO ranges, and devices against the
 * platform's reserved and DMA-capable MMIO. Every
 * error is reported; a line found broken is marked bad so that the checks
 * after it neither trip over it nor report it again.
 */
#include <string.h>

#include <vitrine/shmbell.h>

#include "vmconfig.h"

#define CFGC_RANGES_MAX (VMC_VMS_MAX * VMC_REGIONS_MAX + VMC_CHANNELS_MAX + 8)

/* A range in one address space, and who it belongs to for messages. */
struct cfgc_range {
	uint64_t base, size;
	const char *kind, *name; /* owner: "vm" 'a', "channel" 'c'; kind NULL: the platform */
	const char *field;       /* its keyword; for the platform, what the range is */
	const char *note;        /* said when another range clashes with this one */
	int line;                /* 0: the platform's, or a default */
};

static struct cfgc_range cfgc_ranges[CFGC_RANGES_MAX];

static void cfgc_err(const struct vmc_config *c, const struct cfgc_range *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfgc_err(const struct vmc_config *c, const struct cfgc_range *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, r->line, r->kind, r->name, r->field, fmt, ap);
	va_end(ap);
}

static struct cfgc_range cfgc_of(const struct vmc_vm *vm, const struct vmc_region *r, bool pa)
{
	return (struct cfgc_range){.base = pa ? r->pa : r->ipa,
	                           .size = r->size,
	                           .kind = "vm",
	                           .name = vm->name,
	                           .field = vmc_field(r),
	                           .line = r->line};
}

/* A shm line's doorbell page, named by its keyword in messages. */
static struct cfgc_range cfgc_bell(const struct vmc_vm *vm, const struct vmc_region *r)
{
	return (struct cfgc_range){.base = r->bell_ipa,
	                           .size = VT_BELL_PAGE,
	                           .kind = "vm",
	                           .name = vm->name,
	                           .field = "shm bell",
	                           .line = r->line};
}

/* Alignment and overflow of base (an `what` address) and, if asked, the size. */
static bool cfgc_valid(const struct vmc_config *c, const struct cfgc_range *r, const char *what,
                       bool size)
{
	bool ok = true;

	if (r->base % VMC_PAGE) {
		cfgc_err(c, r, "%s " VMC_X " is not 4 KiB aligned", what, r->base);
		ok = false;
	}
	if (size && !r->size) {
		cfgc_err(c, r, "size must not be 0");
		ok = false;
	} else if (size && r->size % VMC_PAGE) {
		cfgc_err(c, r, "size " VMC_X " is not 4 KiB aligned", r->size);
		ok = false;
	}
	if (!vmc_fits(r->base, r->size)) {
		cfgc_err(c, r, "%s " VMC_X " + size " VMC_X " overflows 64 bits", what, r->base,
		         r->size);
		ok = false;
	}
	return ok;
}

/* Stage 2 translates PLAT_IPA_BITS: an IPA past that would alias a lower one. */
static bool cfgc_ipa_limit(const struct vmc_config *c, const struct cfgc_range *r)
{
	const uint64_t limit = 1ull << PLAT_IPA_BITS;

	if (r->base < limit && r->size <= limit - r->base)
		return true;
	cfgc_err(c, r,
	         "IPA range [" VMC_X ", " VMC_X ") ends above the %d-bit IPA space stage 2 "
	         "translates (" VMC_X ")",
	         r->base, r->base + r->size, PLAT_IPA_BITS, limit);
	return false;
}

static const char *cfgc_describe(const struct cfgc_range *r, char *buf, size_t n)
{
	char at[32] = " (default)";

	if (r->line)
		snprintf(at, sizeof at, " at line %d", r->line);
	if (!r->kind)
		snprintf(buf, n, "%s [" VMC_X ", " VMC_X ")%s", r->field, r->base,
		         r->base + r->size, r->note ? r->note : "");
	else
		snprintf(buf, n, "%s '%s'%s%s%s [" VMC_X ", " VMC_X ")%s", r->kind, r->name,
		         r->field ? " " : "", r->field ? r->field : "", at, r->base,
		         r->base + r->size, r->note ? r->note : "");
	return buf;
}

/* Reports r overlapping any of others[0, n). */
static void cfgc_against(const struct vmc_config *c, const struct cfgc_range *r,
                         const struct cfgc_range *others, int n, const char *what)
{
	char buf[256];

	for (int i = 0; i < n; i++)
		if (vmc_overlap(r->base, r->size, others[i].base, others[i].size))
			cfgc_err(c, r, "%s [" VMC_X ", " VMC_X ") overlaps %s", what, r->base,
			         r->base + r->size, cfgc_describe(&others[i], buf, sizeof buf));
}

static void cfgc_channels(struct vmc_config *c)
{
	for (int i = 0; i < c->nr_channels; i++) {
		struct vmc_channel *ch = &c->channels[i];
		struct cfgc_range r = {.base = ch->fixed ? ch->pa : 0,
		                       .size = ch->size,
		                       .kind = "channel",
		                       .name = ch->name,
		                       .line = ch->line};
		bool used = false;

		ch->bad = !cfgc_valid(c, &r, "PA", true);
		for (int v = 0; v < c->nr_vms; v++)
			for (int k = 0; k < c->vms[v].nr_regions; k++)
				used |= !strcmp(c->vms[v].regions[k].chan_name, ch->name);
		if (!used)
			cfgc_err(c, &r, "unused channel: no vm maps it with 'shm'");
	}
}

static int cfgc_channel(const struct vmc_config *c, const char *name)
{
	for (int i = 0; i < c->nr_channels; i++)
		if (!strcmp(c->channels[i].name, name))
			return i;
	return -1;
}

static void cfgc_fields(struct vmc_config *c, struct vmc_vm *vm)
{
	struct cfgc_range at = {.kind = "vm", .name = vm->name, .line = vm->line};
	bool mem = false;
	int bells = 0;

	for (int i = 0; i < vm->nr_regions; i++) {
		struct vmc_region *reg = &vm->regions[i];
		struct cfgc_range r;

		if (reg->kind == CFG_REGION_SHM) {
			reg->channel = cfgc_channel(c, reg->chan_name);
			r = cfgc_of(vm, reg, false);
			if (reg->channel < 0) {
				cfgc_err(c, &r, "no channel named '%s'", reg->chan_name);
				reg->bad = true;
				continue;
			}
			reg->size = c->channels[reg->channel].size;
			if (c->channels[reg->channel].bad) {
				reg->bad = true;
				continue;
			}
		}
		mem |= reg->kind == CFG_REGION_RAM;
		r = cfgc_of(vm, reg, false);
		reg->bad = !cfgc_valid(c, &r, reg->kind == CFG_REGION_DEVICE ? "base" : "IPA",
		                       reg->kind != CFG_REGION_SHM) ||
		           !cfgc_ipa_limit(c, &r);
		r = cfgc_of(vm, reg, true);
		if (reg->kind == CFG_REGION_RAM && reg->fixed && !reg->bad &&
		    !cfgc_valid(c, &r, "PA", false))
			reg->bad = true;
		r = cfgc_bell(vm, reg);
		if (reg->bell && !(cfgc_valid(c, &r, "IPA", false) && cfgc_ipa_limit(c, &r)))
			reg->bell = false; /* said: the IPA checks skip it */
		if (reg->bell && ++bells == CFG_VM_BELLS_MAX + 1)
			cfgc_err(c, &r, "more than %d doorbell pages in this vm", CFG_VM_BELLS_MAX);
	}
	at.field = "image";
	if (!vm->image.line && !vm->kernel.line)
		cfgc_err(c, &at, "missing (every vm needs image, cpus and mem)");
	at.field = "cpus";
	if (!vm->cpus_line)
		cfgc_err(c, &at, "missing (every vm needs image, cpus and mem)");
	at.field = "mem";
	if (!mem)
		cfgc_err(c, &at, "missing (every vm needs image, cpus and mem)");

	at = (struct cfgc_range){.base = vm->load,
	                         .kind = "vm",
	                         .name = vm->name,
	                         .field = "load",
	                         .line = vm->load_line};
	if (vm->load_line)
		cfgc_valid(c, &at, "IPA", false);
	at = (struct cfgc_range){.base = vm->uart,
	                         .size = VMC_PAGE,
	                         .kind = "vm",
	                         .name = vm->name,
	                         .field = "uart",
	                         .line = vm->uart_line};
	if (vm->uart_line && vm->uart && cfgc_valid(c, &at, "IPA", false))
		cfgc_ipa_limit(c, &at);
	at = (struct cfgc_range){
	    .kind = "vm", .name = vm->name, .field = "entry", .line = vm->entry_line};
	if (vm->entry_line && vm->entry % 4)
		cfgc_err(c, &at, "IPA " VMC_X " is not 4-byte aligned", vm->entry);
}

/*
 * Within one vm, the IPA ranges of mem, shm, device, the doorbell pages,
 * the uart page and its virtual GIC.
 */
static void cfgc_ipa(const struct vmc_config *c, const struct vmc_vm *vm)
{
	struct cfgc_range *r = cfgc_ranges;
	int n = 0;

	/* The emulated GIC sits at the platform's GIC addresses: RAM there would hide it. */
	r[n++] = (struct cfgc_range){
	    .base = PLAT_GICD_BASE, .size = PLAT_GICD_SIZE, .field = "its virtual GIC distributor"};
	r[n++] = (struct cfgc_range){.base = PLAT_GICR_BASE,
	                             .size = PLAT_GICR_STRIDE *
	                                     (uint64_t)(vm->nr_cpus ? vm->nr_cpus : 1),
	                             .field = "its virtual GIC redistributors"};
	if (c->monitor_vm >= 0 && vm == &c->vms[c->monitor_vm])
		r[n++] = (struct cfgc_range){.base = CFG_MONITOR_RINGS_IPA,
		                             .size = CFG_MONITOR_WINDOW,
		                             .field = "the trace rings it is shown (monitor)"};

	if (vm->nr_pcis)
		r[n++] = (struct cfgc_range){.base = PLAT_PCIE_VECAM_IPA,
		                             .size = PLAT_PCIE_ECAM_BUS_SIZE,
		                             .field = "its emulated PCIe config space (pci)"};
	if (vm->uart && vm->uart % VMC_PAGE == 0 && vmc_fits(vm->uart, VMC_PAGE))
		r[n++] = (struct cfgc_range){
		    .base = vm->uart,
		    .size = VMC_PAGE,
		    .kind = "vm",
		    .name = vm->name,
		    .field = "uart",
		    .line = vm->uart_line,
		    .note = vm->uart_line ? NULL : " (move it with 'uart IPA' or 'uart none')"};
	for (int i = 0; i < vm->nr_regions; i++)
		if (!vm->regions[i].bad)
			r[n++] = cfgc_of(vm, &vm->regions[i], false);
	for (int i = 0; i < vm->nr_regions; i++)
		if (vm->regions[i].bell && !vm->regions[i].bad)
			r[n++] = cfgc_bell(vm, &vm->regions[i]);
	for (int j = 0; j < n; j++)
		cfgc_against(c, &r[j], r, j, "IPA range");
}

/* Physical ranges placed by `pa`: inside RAM, apart from each other and the hypervisor. */
static void cfgc_pa(const struct vmc_config *c)
{
	struct cfgc_range *r = cfgc_ranges;
	int n = 0;

	r[n++] = (struct cfgc_range){.base = PLAT_HYP_BASE,
	                             .size = PLAT_HYP_SIZE,
	                             .field = "the hypervisor's reserved range"};
	r[n++] = (struct cfgc_range){.base = PLAT_HYP_BASE + PLAT_HYP_SIZE,
	                             .size = c->loads_size,
	                             .field = "the vms' images, kernels, initrds and DTBs"};
	r[n++] = (struct cfgc_range){.base = PLAT_LLC_PAGE_PA,
	                             .size = VMC_PAGE,
	                             .field = "the emulated LLC's counters page"};
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; i < c->vms[v].nr_regions; i++) {
			const struct vmc_region *reg = &c->vms[v].regions[i];

			if (reg->kind == CFG_REGION_RAM && reg->fixed && !reg->bad)
				r[n++] = cfgc_of(&c->vms[v], reg, true);
		}
	for (int i = 0; i < c->nr_channels; i++) {
		const struct vmc_channel *ch = &c->channels[i];

		if (ch->fixed && !ch->bad)
			r[n++] = (struct cfgc_range){.base = ch->pa,
			                             .size = ch->size,
			                             .kind = "channel",
			                             .name = ch->name,
			                             .line = ch->line};
	}
	for (int j = 3; j < n; j++) {
		if (r[j].base < PLAT_RAM_BASE || r[j].base + r[j].size > VMC_RAM_END)
			cfgc_err(c, &r[j],
			         "PA range [" VMC_X ", " VMC_X ") is outside RAM [" VMC_X ", " VMC_X
			         ")",
			         r[j].base, r[j].base + r[j].size, VMC_RAM_BASE, VMC_RAM_END);
		cfgc_against(c, &r[j], r, j, "PA range");
	}
}

/* The platform's MMIO a device must stay out of (platform.h), as ranges. */
#define CFGC_RESERVED(b, s, what)                                                                  \
	{.base = b, .size = s, .field = what, .note = ", reserved by the hypervisor"},
#define CFGC_DMA(b, s, what)                                                                       \
	{.base = b,                                                                                \
	 .size = s,                                                                                \
	 .field = what,                                                                            \
	 .note = ", a DMA master: it can write all physical memory (say 'dma unconfined' in the "  \
	         "vm to pass it through anyway)"},

static const struct cfgc_range cfgc_reserved[] = {PLAT_RESERVED_MMIO(CFGC_RESERVED)};
static const struct cfgc_range cfgc_dma[] = {PLAT_DMA_MMIO(CFGC_DMA)};
static const struct cfgc_range cfgc_ram_mmio = {.base = PLAT_RAM_BASE,
                                                .size = PLAT_RAM_SIZE,
                                                .field = "RAM",
                                                .note = " (pass-through devices are MMIO)"};

#define CFGC_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * Pass-through MMIO: one vm per device, never what the hypervisor keeps,
 * and a DMA master only to a vm that says `dma unconfined`.
 */
static void cfgc_devices(const struct vmc_config *c)
{
	struct cfgc_range *r = cfgc_ranges;
	int n = 0;

	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];
		int before = n; /* within a vm, the IPA check already catches a repeat */

		for (int i = 0; i < vm->nr_regions; i++) {
			const struct vmc_region *reg = &vm->regions[i];

			if (reg->kind != CFG_REGION_DEVICE || reg->bad)
				continue;
			r[n] = cfgc_of(vm, reg, true);
			cfgc_against(c, &r[n], cfgc_reserved, CFGC_COUNT(cfgc_reserved),
			             "MMIO range");
			cfgc_against(c, &r[n], &cfgc_ram_mmio, 1, "MMIO range");
			if (!(vm->flags & CFG_VM_DMA_UNCONFINED) && !reg->pci)
				cfgc_against(c, &r[n], cfgc_dma, CFGC_COUNT(cfgc_dma),
				             "MMIO range");
			cfgc_against(c, &r[n], r, before, "MMIO range");
			n++;
		}
	}
}

static void cfgc_cpus(const struct vmc_config *c)
{
	const struct vmc_vm *owner[PLAT_CPU_NUM] = {0};
	int total = 0;

	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];
		struct cfgc_range at = {
		    .kind = "vm", .name = vm->name, .field = "cpus", .line = vm->cpus_line};

		for (int i = 0; i < vm->nr_cpus; i++) {
			uint64_t id = vm->cpus[i];

			if (id >= PLAT_CPU_NUM)
				cfgc_err(c, &at,
				         "pCPU %" PRIu64 " does not exist: "
				         "the platform has %d",
				         id, PLAT_CPU_NUM);
			else if (owner[id])
				cfgc_err(c, &at,
				         "pCPU %" PRIu64 " given twice: "
				         "also in vm '%s' at line %d",
				         id, owner[id]->name, owner[id]->cpus_line);
			else
				owner[id] = vm;
		}
		if (total <= PLAT_CPU_NUM && total + vm->nr_cpus > PLAT_CPU_NUM)
			cfgc_err(c, &at, "%d pCPUs listed in total, the platform has %d",
			         total + vm->nr_cpus, PLAT_CPU_NUM);
		total += vm->nr_cpus;
	}
}

static void cfgc_intids(const struct vmc_config *c)
{
	static struct {
		const struct vmc_vm *vm;
		const char *field;
		int line;
	} owner[PLAT_INTID_MAX + 1];

	memset(owner, 0, sizeof owner);
	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];

		for (int i = 0; i < vm->nr_intids; i++) {
			uint64_t id = vm->intids[i].id;
			struct cfgc_range at = {.kind = "vm",
			                        .name = vm->name,
			                        .field = vm->intids[i].field,
			                        .line = vm->intids[i].line};

			if (id < PLAT_INTID_MIN || id > PLAT_INTID_MAX)
				cfgc_err(c, &at,
				         "INTID %" PRIu64 " is not " PLAT_INTID_KIND " (%d..%d)",
				         id, PLAT_INTID_MIN, PLAT_INTID_MAX);
			else if (id == PLAT_UART_INTID)
				cfgc_err(c, &at,
				         "INTID %" PRIu64 " is reserved by the hypervisor "
				         "(its UART)",
				         id);
			else if (owner[id].vm)
				cfgc_err(c, &at,
				         "INTID %" PRIu64 " given twice: "
				         "also vm '%s' %s at line %d",
				         id, owner[id].vm->name, owner[id].field, owner[id].line);
			else {
				owner[id].vm = vm;
				owner[id].field = at.field;
				owner[id].line = at.line;
			}
		}
	}
}

/*
 * Doorbells are virtual and per vm: unlike device INTIDs, the same one may
 * serve in several vms. Within a vm it must be an SPI that nothing else
 * raises there: none of its devices, other doorbells, or its UART's
 * receive interrupt.
 */
static void cfgc_doorbells(const struct vmc_config *c)
{
	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];

		for (int i = 0; i < vm->nr_regions; i++) {
			const struct vmc_region *reg = &vm->regions[i];
			uint64_t id = reg->intid;
			struct cfgc_range at = {
			    .kind = "vm", .name = vm->name, .field = "shm", .line = reg->line};
			int line = 0;
			const char *what = "device";

			if (reg->kind != CFG_REGION_SHM || !reg->irq)
				continue;
			if (id < PLAT_INTID_MIN || id > PLAT_INTID_MAX) {
				cfgc_err(c, &at,
				         "doorbell INTID %" PRIu64 " is not " PLAT_INTID_KIND
				         " (%d..%d)",
				         id, PLAT_INTID_MIN, PLAT_INTID_MAX);
				continue;
			}
			if (id == PLAT_UART_INTID && vm->uart) {
				cfgc_err(c, &at,
				         "doorbell INTID %" PRIu64 " is the receive interrupt of "
				         "the vm's uart (write 'uart none' to free it)",
				         id);
				continue;
			}
			for (int k = 0; k < vm->nr_intids && !line; k++)
				if (vm->intids[k].id == id)
					line = vm->intids[k].line;
			for (int k = 0; k < i && !line; k++)
				if (vm->regions[k].kind == CFG_REGION_SHM && vm->regions[k].irq &&
				    vm->regions[k].intid == id) {
					line = vm->regions[k].line;
					what = "shm";
				}
			if (line)
				cfgc_err(c, &at,
				         "doorbell INTID %" PRIu64 " given twice in this vm: "
				         "also %s at line %d",
				         id, what, line);
		}
	}
}

/* The RAM region holding [ipa, ipa + size), or NULL. */
static const struct vmc_region *cfgc_ram(const struct vmc_vm *vm, uint64_t ipa, uint64_t size)
{
	for (int i = 0; i < vm->nr_regions; i++) {
		const struct vmc_region *r = &vm->regions[i];

		if (r->kind == CFG_REGION_RAM && !r->bad && ipa >= r->ipa &&
		    ipa - r->ipa < r->size && size <= r->size - (ipa - r->ipa))
			return r;
	}
	return NULL;
}

/* initrd, dtb, bootargs and a device's dt go with a kernel. */
static void cfgc_kernel_only(const struct vmc_config *c, const struct vmc_vm *vm)
{
	const int lines[] = {vm->initrd.line, vm->dtb.line, vm->bootargs_line};
	static const char *const names[] = {"initrd", "dtb", "bootargs"};

	for (int i = 0; i < 3; i++)
		if (lines[i] && !vm->kernel.line)
			vmc_error(c, lines[i], "vm", vm->name, names[i],
			          "only for a vm that boots a 'kernel'");
	for (int i = 0; i < vm->nr_regions; i++)
		if (vm->regions[i].dt.line && !vm->kernel.line)
			vmc_error(c, vm->regions[i].dt.line, "vm", vm->name, "device",
			          "dt: only for a vm that boots a 'kernel'");
		else if (vm->regions[i].dt.line && vm->dtb.line && !vm->dtb_auto)
			vmc_error(
			    c, vm->regions[i].dt.line, "vm", vm->name, "device",
			    "dt: only with 'dtb auto' (a 'dtb FILE' describes the devices itself)");
}

static void cfgc_image(const struct vmc_config *c, struct vmc_vm *vm, const char *dir)
{
	struct cfgc_range at = {.kind = "vm", .name = vm->name};
	const struct vmc_region *ram, *first = NULL;
	char buf[256];

	for (int i = vm->nr_regions - 1; i >= 0; i--)
		if (vm->regions[i].kind == CFG_REGION_RAM)
			first = &vm->regions[i];
	cfgc_kernel_only(c, vm);
	if (vm->kernel.line) {
		vm->dtb_auto |= !vm->dtb.line;
		cfgk_check(c, vm, first);
		return;
	}
	if (!vm->load_line && first) /* default: the first mem */
		vm->load = first->ipa;
	if (!vm->entry_line) {
		vm->entry = vm->load;
	} else if (!cfgc_ram(vm, vm->entry, 1)) {
		at.field = "entry";
		at.line = vm->entry_line;
		cfgc_err(c, &at, "IPA " VMC_X " is not inside a mem region", vm->entry);
	}
	if (!vm->image.line || !cfgi_find(c, vm, dir))
		return;
	vm->image.ipa = vm->load;
	if (cfgc_ram(vm, vm->load, vm->image.size))
		return;
	if ((ram = cfgc_ram(vm, vm->load, 1))) {
		struct cfgc_range r = cfgc_of(vm, ram, false);

		at.field = "image";
		at.line = vm->image.line;
		cfgc_err(
		    c, &at, "'%s' (%" PRIu64 " bytes) loaded at IPA " VMC_X " does not fit in %s",
		    vm->image.name, vm->image.size, vm->load, cfgc_describe(&r, buf, sizeof buf));
	} else if (vm->load_line) { /* else the first mem is bad, and said so */
		at.field = "load";
		at.line = vm->load_line;
		cfgc_err(c, &at, "IPA " VMC_X " is not inside a mem region", vm->load);
	}
}

void cfgc_check(struct vmc_config *c, const char *images_dir)
{
	if (!c->nr_vms)
		vmc_error(c, 0, NULL, NULL, NULL, "no vm: a config needs at least one");
	cfgr_monitor(c); /* before cfgc_ipa: the monitor's view of the rings takes IPA space */
	cfgr_fault_default(c);
	cfgr_debug(c);
	cfgc_channels(c);
	for (int v = 0; v < c->nr_vms; v++) {
		cfgc_fields(c, &c->vms[v]);
		cfgc_ipa(c, &c->vms[v]);
		cfgc_image(c, &c->vms[v], images_dir);
	}
	cfgl_reserve(c); /* before cfgc_pa: the loads take the RAM after the hypervisor */
	cfgc_pa(c);
	cfgc_devices(c);
	cfgci_check(c);
	cfgc_cpus(c);
	cfgc_colors(c);
	cfgc_intids(c);
	cfgr_input(c);
	cfgc_doorbells(c);
}
