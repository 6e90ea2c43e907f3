/*
 * Places mem regions and channels that have no `pa` in RAM: first fit,
 * ascending, in file order (vms' mem first, then channels), so the same
 * config always gives the same layout. Never touches the hypervisor's range,
 * the vms' loads right after it, or any fixed `pa` range. Also sizes the
 * hypervisor's page-table pool for what the config maps.
 */
#include "vmconfig.h"

#define CFGA_USED_MAX (VMC_VMS_MAX * VMC_REGIONS_MAX + VMC_CHANNELS_MAX + 3)

/* Taken parts of RAM, clipped to it, sorted by base. */
static struct cfga_used {
	uint64_t base, end;
} cfga_used[CFGA_USED_MAX];
static int cfga_nr;

static void cfga_take(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	int i;

	if (base < PLAT_RAM_BASE)
		base = PLAT_RAM_BASE;
	if (end > VMC_RAM_END)
		end = VMC_RAM_END;
	if (base >= end)
		return;
	for (i = cfga_nr++; i > 0 && cfga_used[i - 1].base > base; i--)
		cfga_used[i] = cfga_used[i - 1];
	cfga_used[i] = (struct cfga_used){base, end};
}

static uint64_t cfga_align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1); /* x <= VMC_RAM_END: cannot overflow */
}

/* Takes the lowest free, aligned place for size bytes. */
static bool cfga_fit(uint64_t size, uint64_t align, uint64_t *pa)
{
	uint64_t at = cfga_align_up(PLAT_RAM_BASE, align);

	for (int i = 0; i < cfga_nr; i++) {
		if (cfga_used[i].end <= at)
			continue;
		if (cfga_used[i].base >= at && cfga_used[i].base - at >= size)
			break;
		at = cfga_align_up(cfga_used[i].end, align);
	}
	if (at >= VMC_RAM_END || VMC_RAM_END - at < size)
		return false;
	cfga_take(at, size);
	*pa = at;
	return true;
}

/* A mem region is aligned like its IPA and size, so stage 2 can map it with blocks. */
static uint64_t cfga_mem_align(const struct vmc_region *r)
{
	static const uint64_t sizes[] = {1ull << 30, 2ull << 20, VMC_PAGE};

	for (int i = 0; i < 2; i++)
		if (r->ipa % sizes[i] == 0 && r->size % sizes[i] == 0)
			return sizes[i];
	return sizes[2];
}

static void cfga_no_room(const struct vmc_config *c, int line, const char *kind, const char *name,
                         const char *field, uint64_t size, uint64_t align)
{
	vmc_error(c, line, kind, name, field,
	          "no room in RAM for " VMC_X " bytes aligned to " VMC_X " (RAM [" VMC_X ", " VMC_X
	          "), the hypervisor and fixed pa ranges take "
	          "the rest)",
	          size, align, VMC_RAM_BASE, VMC_RAM_END);
}

/*
 * At most how many 4 KiB tables map size bytes page by page (coloured RAM
 * is): one per 2 MiB, 1 GiB and 512 GiB the range touches.
 */
static uint64_t cfga_tables(uint64_t size)
{
	return (size >> 21) + 2 + (size >> 30) + 2 + (size >> 39) + 2;
}

/*
 * An upper bound of the tables the hypervisor builds: its own map, then each
 * vm's stage 2, and for a vm with `pci` functions the SMMU's stage-1 copy of
 * its RAM and shm.
 */
static uint64_t cfga_pt_pages(const struct vmc_config *c)
{
	uint64_t n = CFG_PT_HYP_PAGES + cfga_tables(c->loads_size);

	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];

		/* its stage-2 root, naturally aligned: up to as many pages again skipped */
		n += 2 * PLAT_S2_ROOT_PAGES - 1 +
		     (v == c->monitor_vm ? cfga_tables(CFG_MONITOR_WINDOW) + 1 : 0);
		for (int i = 0; i < vm->nr_regions; i++)
			n += cfga_tables(vm->regions[i].size);
		if (!vm->nr_pcis)
			continue;
		n++;
		for (int i = 0; i < vm->nr_regions; i++)
			if (vm->regions[i].kind != CFG_REGION_DEVICE)
				n += cfga_tables(vm->regions[i].size);
	}
	return n;
}

void cfga_alloc(struct vmc_config *c)
{
	c->pt_pages = cfga_pt_pages(c);
	cfga_nr = 0;
	cfga_take(PLAT_HYP_BASE, PLAT_HYP_SIZE + c->loads_size);
	cfga_take(PLAT_LLC_PAGE_PA, VMC_PAGE);
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; i < c->vms[v].nr_regions; i++) {
			struct vmc_region *r = &c->vms[v].regions[i];

			if (r->kind == CFG_REGION_RAM && r->fixed && !r->bad)
				cfga_take(r->pa, r->size);
		}
	for (int i = 0; i < c->nr_channels; i++)
		if (c->channels[i].fixed && !c->channels[i].bad)
			cfga_take(c->channels[i].pa, c->channels[i].size);

	for (int v = 0; v < c->nr_vms; v++) {
		struct vmc_vm *vm = &c->vms[v];

		for (int i = 0; i < vm->nr_regions; i++) {
			struct vmc_region *r = &vm->regions[i];
			uint64_t align = cfga_mem_align(r);

			if (r->kind != CFG_REGION_RAM || r->fixed || r->bad || vm->colors)
				continue;
			if (!cfga_fit(r->size, align, &r->pa))
				cfga_no_room(c, r->line, "vm", vm->name, "mem", r->size, align);
		}
	}
	for (int i = 0; i < c->nr_channels; i++) {
		struct vmc_channel *ch = &c->channels[i];
		uint64_t align = ch->size % (2ull << 20) ? VMC_PAGE : 2ull << 20;

		if (ch->fixed || ch->bad || ch->colors)
			continue;
		if (!cfga_fit(ch->size, align, &ch->pa))
			cfga_no_room(c, ch->line, "channel", ch->name, NULL, ch->size, align);
	}
	cfga_colored(c, cfga_fit);
	/* shm regions show the channel's PA */
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; i < c->vms[v].nr_regions; i++) {
			struct vmc_region *r = &c->vms[v].regions[i];

			if (r->kind == CFG_REGION_SHM && r->channel >= 0)
				r->pa = c->channels[r->channel].pa;
		}
}
