/*
 * --summary: the placed config as a short table, shown at build time so
 * users see where each vm's memory really went.
 */
#include <string.h>

#include "vmconfig.h"

/* Exact, in the largest unit that divides it: 16M, 4K, 1G, or bytes. */
static const char *cfgs_size(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		uint64_t unit = 1ull << (30 - 10 * i);

		if (n && n % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", n / unit, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 "B", n);
	return buf;
}

static void cfgs_region(FILE *f, const struct vmc_config *c, const struct vmc_vm *vm,
                        const struct vmc_region *r)
{
	char size[24];

	fprintf(f, "  %-6s 0x%08" PRIx64 " -> 0x%08" PRIx64 " %6s  %s", vmc_field(r), r->ipa, r->pa,
	        cfgs_size(r->size, size, sizeof size), r->write ? "rw" : "ro");
	if (r->kind == CFG_REGION_RAM && vm->colors) {
		char list[64];

		uint64_t k = (uint64_t)__builtin_popcount(vm->colors);
		uint64_t end = r->pa + (r->size / VMC_PAGE + k - 1) / k * VMC_COLOR_PERIOD;

		cfgs_colors(vm->colors, list, sizeof list);
		fprintf(f, "  colours %s%s: its pages of [0x%08" PRIx64 ", 0x%08" PRIx64 ")", list,
		        vm->exclusive ? " (exclusive)" : "", r->pa, end);
	}
	if (r->kind == CFG_REGION_SHM)
		fprintf(f, "  channel '%s'", c->channels[r->channel].name);
	if (r->kind == CFG_REGION_SHM && r->irq)
		fprintf(f, "  doorbell vINTID %" PRIu64, r->intid);
	if (r->kind == CFG_REGION_SHM && r->bell)
		fprintf(f, "  doorbell page 0x%08" PRIx64, r->bell_ipa);
	for (int i = 0, n = 0; i < vm->nr_intids; i++)
		if (r->kind == CFG_REGION_DEVICE && vm->intids[i].line == r->line)
			fprintf(f, "%s%" PRIu64, n++ ? " " : "  INTIDs ", vm->intids[i].id);
	fputc('\n', f);
}

/* Where a kernel vm's blobs went, in IPA order. */
static void cfgs_kernel(FILE *f, const struct vmc_vm *vm)
{
	const struct vmc_file *k = &vm->kernel;

	fprintf(f,
	        "  kernel 0x%08" PRIx64 "  %" PRIu64 " bytes, image_size 0x%" PRIx64
	        ", text_offset 0x%" PRIx64 ", reserved [0x%08" PRIx64 ", 0x%08" PRIx64 ")  %s\n",
	        k->ipa, k->size, vm->khdr.image_size, vm->khdr.text_offset, vm->khdr.base,
	        k->ipa + vm->khdr.image_size, k->name);
	fprintf(f, "  dtb    0x%08" PRIx64 "  %" PRIu64 " bytes  %s\n", vm->dtb.ipa, vm->dtb.size,
	        vm->dtb_auto ? "(generated)" : vm->dtb.name);
	if (vm->initrd.line)
		fprintf(f, "  initrd 0x%08" PRIx64 "  %" PRIu64 " bytes  %s\n", vm->initrd.ipa,
		        vm->initrd.size, vm->initrd.name);
	if (vm->bootargs_line)
		fprintf(f, "  bootargs \"%s\"\n", vm->bootargs);
}

static void cfgs_vm(FILE *f, const struct vmc_config *c, int v)
{
	const struct vmc_vm *vm = &c->vms[v];
	char size[24];

	fprintf(f, "vm '%s'%s%s  pCPUs", vm->name, c->input_vm == v ? " (console input)" : "",
	        c->monitor_vm == v ? " (monitor)" : "");
	for (int i = 0; i < vm->nr_cpus; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : " ", vm->cpus[i]);
	if (vm->kernel.line)
		fprintf(
		    f, "  kernel  entry 0x%08" PRIx64 "  " PLAT_KERNEL_DTB_REG " (DTB) " VMC_X "\n",
		    vm->entry, vm->arg);
	else
		fprintf(
		    f, "  image %s (%s) at 0x%08" PRIx64 "  entry 0x%08" PRIx64 "  arg " VMC_X "\n",
		    vm->image.name, cfgs_size(vm->image.size, size, sizeof size), vm->load,
		    vm->entry, vm->arg);
	if (vm->kernel.line)
		cfgs_kernel(f, vm);
	fprintf(f, "  on-fault %s%s", vm->flags & CFG_VM_FAULT_RESTART ? "restart" : "stop",
	        vm->fault_line       ? ""
	        : c->monitor_vm == v ? " (the monitor's default)"
	                             : " (default)");
	if (vm->flags & CFG_VM_RESET_STOP) /* restart, bounded, is every vm's default */
		fputs("  on-reset stop", f);
	if (vm->flags & CFG_VM_DEBUG)
		fputs("  debug: the monitor may stop it, read and write its state", f);
	if (vm->flags & CFG_VM_DMA_UNCONFINED)
		fputs("  dma unconfined: its devices' DMA can write all physical memory", f);
	fputc('\n', f);
	for (uint8_t kind = CFG_REGION_RAM; kind <= CFG_REGION_DEVICE; kind++)
		for (int i = 0; i < vm->nr_regions; i++)
			if (vm->regions[i].kind == kind)
				cfgs_region(f, c, vm, &vm->regions[i]);
	if (vm->uart)
		fprintf(f, "  %-6s 0x%08" PRIx64 " (%s)\n", "uart", vm->uart,
		        c->monitor_vm == v ? "the platform " VMC_UART_MODEL
		                             ", passed through: it owns the console"
		                           : "emulated " VMC_UART_MODEL);
	if (vm->membw_bytes)
		fprintf(f, "  membw  %s a pCPU every %" PRIu64 " us (bus bytes, regulated)\n",
		        cfgs_size(vm->membw_bytes, size, sizeof size), vm->membw_period_ns / 1000);
}

void cfgs_summary(const struct vmc_config *c, FILE *f)
{
	char ram[24], hyp[24], size[24];

	fprintf(f, "%s on %s: RAM 0x%08" PRIx64 " %s, hypervisor 0x%08" PRIx64 " %s\n", c->file,
	        PLAT_NAME, VMC_RAM_BASE, cfgs_size(PLAT_RAM_SIZE, ram, sizeof ram),
	        (uint64_t)PLAT_HYP_BASE, cfgs_size(PLAT_HYP_SIZE, hyp, sizeof hyp));
	fprintf(f, "vm loads     0x%08" PRIx64 " %s  page tables %" PRIu64 " pages\n",
	        (uint64_t)(PLAT_HYP_BASE + PLAT_HYP_SIZE),
	        cfgs_size(c->loads_size, size, sizeof size), c->pt_pages);
	if (c->hyp_colors) {
		char list[64];

		cfgs_colors(c->hyp_colors, list, sizeof list);
		fprintf(f,
		        "hypervisor   0x%08" PRIx64 " %s  colours %s (its image, moved at boot)\n",
		        c->hyp_pa, cfgs_size(CFG_HYP_COLORED_BYTES, size, sizeof size), list);
	}
	if (c->trace_colors) {
		char list[64];

		cfgs_colors(c->trace_colors, list, sizeof list);
		fprintf(f, "trace rings  0x%08" PRIx64 " %s  colours %s\n", c->trace_pa,
		        cfgs_size(PLAT_CPU_NUM * CFG_TRACE_RING_BYTES, size, sizeof size), list);
	}
	if (c->llc_events_line && c->llc_refill_event == CFG_PMU_NONE)
		fputs("llc events   none: the PMU counts no LLC event for cache.llc()\n", f);
	else if (c->llc_events_line && c->llc_access_event == CFG_PMU_NONE)
		fprintf(f, "llc events   PMU event 0x%x as refills, no accesses\n",
		        (unsigned)c->llc_refill_event);
	else if (c->llc_events_line)
		fprintf(f, "llc events   PMU event 0x%x as refills, 0x%x as accesses\n",
		        (unsigned)c->llc_refill_event, (unsigned)c->llc_access_event);
	for (int v = 0; v < c->nr_vms; v++)
		cfgs_vm(f, c, v);
	for (int i = 0; i < c->nr_channels; i++) {
		const struct vmc_channel *ch = &c->channels[i];
		int n = 0;

		fprintf(f, "channel '%s'  0x%08" PRIx64 " %s  mapped by", ch->name, ch->pa,
		        cfgs_size(ch->size, size, sizeof size));
		for (int v = 0; v < c->nr_vms; v++)
			for (int k = 0; k < c->vms[v].nr_regions; k++) {
				const struct vmc_region *r = &c->vms[v].regions[k];

				if (r->kind == CFG_REGION_SHM && r->channel == i)
					fprintf(f, "%s %s %s", n++ ? "," : "", c->vms[v].name,
					        r->write ? "rw" : "ro");
			}
		if (ch->colors) {
			char list[64];

			cfgs_colors(ch->colors, list, sizeof list);
			fprintf(f, "  colours %s", list);
		}
		fputc('\n', f);
	}
}
