/*
 * Cache colours in configs: the checks (`colors` against `pa` and
 * `exclusive`), the placement of coloured RAM, and how a set is written.
 */
#include "vmconfig.h"

/*
 * A coloured vm's RAM is built from pages of its colours, so it cannot
 * also have a fixed `pa`; `exclusive` colours are used by no other vm (an
 * uncoloured one uses them all).
 */
void cfgc_colors(const struct vmc_config *c)
{
	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];

		for (int i = 0; vm->colors && i < vm->nr_regions; i++)
			if (vm->regions[i].kind == CFG_REGION_RAM && vm->regions[i].fixed)
				vmc_error(
				    c, vm->regions[i].line, "vm", vm->name, "mem",
				    "'pa' clashes with 'colors' (line %d): a coloured vm's memory "
				    "is allocated from its colours",
				    vm->colors_line);
		if (!vm->exclusive)
			continue;
		if (vm->colors & c->hyp_colors) { /* the hypervisor runs on every pCPU */
			char list[64];

			cfgs_colors(vm->colors & c->hyp_colors, list, sizeof list);
			vmc_error(c, vm->colors_line, "vm", vm->name, "colors",
			          "colours %s are exclusive but the hypervisor uses them (line %d)",
			          list, c->hyp_line);
		}
		if (vm->colors & c->trace_colors) { /* every exit of every VM writes there */
			char list[64];

			cfgs_colors(vm->colors & c->trace_colors, list, sizeof list);
			vmc_error(c, vm->colors_line, "vm", vm->name, "colors",
			          "colours %s are exclusive but the trace rings use them (line %d)",
			          list, c->trace_line);
		}
		for (int i = 0; i < c->nr_channels; i++) {
			const struct vmc_channel *ch = &c->channels[i];
			bool member = false;
			char list[64];

			for (int k = 0; k < vm->nr_regions; k++)
				member |= vm->regions[k].kind == CFG_REGION_SHM &&
				          vm->regions[k].channel == i;
			if (member || !(vm->colors & ch->colors))
				continue;
			cfgs_colors(vm->colors & ch->colors, list, sizeof list);
			vmc_error(c, vm->colors_line, "vm", vm->name, "colors",
			          "colours %s are exclusive but channel '%s' (line %d) uses them",
			          list, ch->name, ch->line);
		}
		for (int o = 0; o < c->nr_vms; o++) {
			const struct vmc_vm *other = &c->vms[o];
			uint32_t shared =
			    vm->colors & (other->colors ? other->colors : VMC_ALL_COLORS);
			char list[64];

			if (o == v || !shared)
				continue;
			cfgs_colors(shared, list, sizeof list);
			if (other->colors)
				vmc_error(
				    c, vm->colors_line, "vm", vm->name, "colors",
				    "colours %s are exclusive but vm '%s' uses them too (line %d)",
				    list, other->name, other->colors_line);
			else
				vmc_error(
				    c, vm->colors_line, "vm", vm->name, "colors",
				    "colours %s are exclusive but vm '%s' (line %d) is uncoloured: "
				    "it uses every colour",
				    list, other->name, other->line);
		}
	}
}

/*
 * Coloured RAM comes from one pool of whole periods (a page of every
 * colour, VMC_COLOR_PERIOD bytes), placed after everything else. A region
 * takes its pages colour by colour, period after period, from the first
 * period none of its colours has used yet; vms with disjoint colours share
 * periods but never a page. The hypervisor finds page i of a region at
 * pa + (i / k) periods + the (i % k)-th colour's page, k its colour count.
 */
/* Take n periods for the colours in set: the first period number none of them has used. */
static uint64_t cfga_periods(uint64_t *used, uint32_t set, uint64_t n, uint64_t *periods)
{
	uint64_t from = 0;

	for (int col = 0; col < PLAT_LLC_COLORS; col++)
		if (set >> col & 1 && used[col] > from)
			from = used[col];
	for (int col = 0; col < PLAT_LLC_COLORS; col++)
		if (set >> col & 1)
			used[col] = from + n;
	if (from + n > *periods)
		*periods = from + n;
	return from;
}

/*
 * The periods RAM holds. A need is counted up to one more than that: it
 * cannot be met anyway, and the sums and the bytes they make stay far from
 * overflowing however big the sizes written.
 */
#define CFGA_PERIODS_MAX ((uint64_t)PLAT_RAM_SIZE / VMC_COLOR_PERIOD)

static uint64_t cfga_need(uint64_t size, uint32_t set)
{
	uint64_t k = (uint64_t)__builtin_popcount(set);
	uint64_t n = (size / VMC_PAGE + k - 1) / k;

	return n > CFGA_PERIODS_MAX ? CFGA_PERIODS_MAX + 1 : n;
}

void cfga_colored(struct vmc_config *c, bool (*fit)(uint64_t size, uint64_t align, uint64_t *pa))
{
	uint64_t used[PLAT_LLC_COLORS] = {0}, periods = 0, pool = 0;

	/* Period numbers first (in pa), addresses once the pool is placed. */
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; c->vms[v].colors && i < c->vms[v].nr_regions; i++) {
			struct vmc_region *r = &c->vms[v].regions[i];

			if (r->kind == CFG_REGION_RAM && !r->bad)
				r->pa =
				    cfga_periods(used, c->vms[v].colors,
				                 cfga_need(r->size, c->vms[v].colors), &periods);
		}
	for (int i = 0; i < c->nr_channels; i++) {
		struct vmc_channel *ch = &c->channels[i];

		if (ch->colors && !ch->bad)
			ch->pa = cfga_periods(used, ch->colors, cfga_need(ch->size, ch->colors),
			                      &periods);
	}
	if (c->hyp_colors)
		c->hyp_pa = cfga_periods(used, c->hyp_colors,
		                         cfga_need(CFG_HYP_COLORED_BYTES, c->hyp_colors), &periods);
	if (c->trace_colors)
		c->trace_pa = cfga_periods(
		    used, c->trace_colors,
		    cfga_need(PLAT_CPU_NUM * CFG_TRACE_RING_BYTES, c->trace_colors), &periods);
	if (!periods)
		return;
	if (periods > CFGA_PERIODS_MAX) {
		vmc_error(c, 0, NULL, NULL, NULL,
		          "no room in RAM for the coloured vms, channels, rings and hypervisor: "
		          "their colours need more than all of RAM (" VMC_X " bytes)",
		          (uint64_t)PLAT_RAM_SIZE);
		return;
	}
	if (!fit(periods * VMC_COLOR_PERIOD, VMC_COLOR_PERIOD, &pool)) {
		vmc_error(c, 0, NULL, NULL, NULL,
		          "no room in RAM for the coloured vms, channels, rings and hypervisor: "
		          "their colours "
		          "need " VMC_X " bytes of RAM (%" PRIu64 " periods of " VMC_X ")",
		          periods * VMC_COLOR_PERIOD, periods, VMC_COLOR_PERIOD);
		return;
	}
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; c->vms[v].colors && i < c->vms[v].nr_regions; i++) {
			struct vmc_region *r = &c->vms[v].regions[i];

			if (r->kind == CFG_REGION_RAM && !r->bad)
				r->pa = pool + r->pa * VMC_COLOR_PERIOD;
		}
	for (int i = 0; i < c->nr_channels; i++)
		if (c->channels[i].colors && !c->channels[i].bad)
			c->channels[i].pa = pool + c->channels[i].pa * VMC_COLOR_PERIOD;
	if (c->trace_colors)
		c->trace_pa = pool + c->trace_pa * VMC_COLOR_PERIOD;
	if (c->hyp_colors)
		c->hyp_pa = pool + c->hyp_pa * VMC_COLOR_PERIOD;
}

void cfgs_colors(uint32_t colors, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int c = 0; c < PLAT_LLC_COLORS && n < size; c++) {
		int e = c;

		if (!(colors >> c & 1))
			continue;
		while (e + 1 < PLAT_LLC_COLORS && colors >> (e + 1) & 1)
			e++;
		n += (size_t)snprintf(buf + n, size - n, e > c ? "%s%d-%d" : "%s%d", n ? "," : "",
		                      c, e);
		c = e;
	}
}
