/*
 * Writes the checked, placed config as C data (include/vitrine/config.h) for the
 * hypervisor to link, with the vm images embedded by .incbin. The file is
 * written as OUT.tmp and renamed, so a failed run leaves no file behind.
 */
#include <errno.h>
#include <string.h>

#include "vmconfig.h"

/* A path inside an assembler string inside a C string literal. */
static void cfge_path(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\\\\\%c", ch); /* \" or \\ for as, each escaped for C */
		else if (ch == '?')
			fputs("\\?", f); /* no trigraphs */
		else if (ch >= 0x80)
			fprintf(f, "\\%03o", ch);
		else
			fputc(ch, f);
	}
}

/* Files, in the order a vm's loads list them: what it boots, then its DTB and initrd. */
static int cfge_files(const struct vmc_vm *vm, const struct vmc_file **files)
{
	int n = 0;

	files[n++] = vm->kernel.line ? &vm->kernel : &vm->image;
	if (vm->kernel.line && vm->dtb_checked)
		files[n++] = &vm->dtb;
	if (vm->kernel.line && vm->initrd.size)
		files[n++] = &vm->initrd;
	return n;
}

/* A generated DTB's file: next to OUT, named after the vm. */
static int cfge_dtb_path(char *buf, size_t size, const char *out, const struct vmc_vm *vm)
{
	const char *slash = strrchr(out, '/');
	int dir = slash ? (int)(slash - out) + 1 : 0;
	int n = snprintf(buf, size, "%.*svm-%s.dtb", dir, out, vm->name);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * The loads, in a section of their own: hyp.ld.S places it after the
 * hypervisor's range. Local labels, so only this file sees them.
 */
static void cfge_images(FILE *f, const struct vmc_config *c, const char *out)
{
	fputs("__asm__(\".pushsection .vm_loads, \\\"a\\\"\\n\"\n", f);
	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_file *files[3];
		int n = cfge_files(&c->vms[v], files);

		for (int i = 0; i < n; i++) {
			char dtb[VMC_PATH_MAX + 64];
			const char *path = files[i]->path;

			if (files[i] ==
			    &c->vms[v].dtb) /* as loaded: generated, or with /chosen set */
				path = cfge_dtb_path(dtb, sizeof dtb, out, &c->vms[v]) ? "" : dtb;
			fprintf(f,
			        "\t\".balign 4096\\n\"\n"
			        "\t\"vm_load_%d_%d:\\n\"\n"
			        "\t\".incbin \\\"",
			        v, i);
			cfge_path(f, path);
			fprintf(f,
			        "\\\"\\n\"\n"
			        "\t\".type vm_load_%d_%d, %%object\\n\"\n"
			        "\t\".size vm_load_%d_%d, . - vm_load_%d_%d\\n\"\n",
			        v, i, v, i, v, i);
		}
	}
	fputs("\t\".popsection\\n\");\n\n", f);
	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_file *files[3];
		int n = cfge_files(&c->vms[v], files);

		for (int i = 0; i < n; i++)
			fprintf(f, "extern const uint8_t vm_load_%d_%d[];\n", v, i);
	}
	fprintf(f,
	        "\n/* The page-table pool (vmconfig's bound for this config). */\n"
	        "uint64_t cfg_pt_pool[%" PRIu64 "][512] __attribute__((aligned(%d)));\n",
	        c->pt_pages, PLAT_S2_ROOT_PAGES * 4096);
}

static void cfge_vm_data(FILE *f, const struct vmc_config *c, int v)
{
	static const char *const kinds[] = {"CFG_REGION_RAM", "CFG_REGION_SHM",
	                                    "CFG_REGION_DEVICE"};
	static const char *const flags[] = {"0", "CFG_REGION_WRITE", "CFG_REGION_BELL",
	                                    "CFG_REGION_WRITE | CFG_REGION_BELL"};
	const struct vmc_vm *vm = &c->vms[v];

	const struct vmc_file *files[3];
	int n = cfge_files(vm, files);

	fprintf(f, "\n/* vm '%s' */\nstatic const struct cfg_load vm%d_loads[] = {\n", vm->name, v);
	for (int i = 0; i < n; i++)
		fprintf(f, "\t{ .data = vm_load_%d_%d, .size = %" PRIu64 ", .ipa = " VMC_X " },\n",
		        v, i, files[i]->size, files[i]->ipa);
	fputs("};\n", f);
	fprintf(f, "static const struct cfg_region vm%d_regions[] = {\n", v);
	for (uint8_t kind = CFG_REGION_RAM; kind <= CFG_REGION_DEVICE; kind++)
		for (int i = 0; i < vm->nr_regions; i++) {
			const struct vmc_region *r = &vm->regions[i];

			if (r->kind != kind)
				continue;
			fprintf(f,
			        "\t{ .ipa = " VMC_X ", .pa = " VMC_X ", .size = " VMC_X
			        ", .kind = %s, .flags = %s",
			        r->ipa, r->pa, r->size, kinds[kind],
			        flags[r->write | r->bell << 1]);
			if (kind == CFG_REGION_RAM && vm->colors)
				fprintf(f, ", .colors = 0x%x", vm->colors);
			if (kind == CFG_REGION_SHM && c->channels[r->channel].colors)
				fprintf(f, ", .colors = 0x%x", c->channels[r->channel].colors);
			if (kind == CFG_REGION_SHM)
				fprintf(f, ", .channel = %d", r->channel);
			if (kind == CFG_REGION_SHM && r->irq)
				fprintf(f, ", .intid = %" PRIu64, r->intid);
			if (kind == CFG_REGION_SHM && r->bell)
				fprintf(f, ", .bell_ipa = " VMC_X, r->bell_ipa);
			fputs(" },\n", f);
		}
	if (v == c->monitor_vm) /* the monitor owns the console: the real UART, not a model */
		fprintf(f,
		        "\t{ .ipa = " VMC_X ", .pa = " VMC_X ", .size = 0x1000, "
		        ".kind = CFG_REGION_DEVICE, .flags = CFG_REGION_WRITE },\n",
		        vm->uart, (uint64_t)PLAT_UART_BASE);
	fputs("};\n", f);
	cfgce_pcis(f, vm, v);
	if (!vm->nr_intids)
		return;
	fprintf(f, "static const uint32_t vm%d_intids[] = {", v);
	for (int i = 0; i < vm->nr_intids; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : " ", vm->intids[i].id);
	fputs(" };\n", f);
}

static void cfge_vm(FILE *f, const struct vmc_config *c, int v)
{
	const struct vmc_vm *vm = &c->vms[v];
	const struct vmc_file *files[3];
	uint64_t cpus = 0;

	for (int i = 0; i < vm->nr_cpus; i++)
		cpus |= 1ull << vm->cpus[i];
	fprintf(f,
	        "\t{\n"
	        "\t\t.name = \"%s\",\n"
	        "\t\t.loads = vm%d_loads,\n"
	        "\t\t.nr_loads = %d,\n"
	        "\t\t.entry = " VMC_X ",\n"
	        "\t\t.arg = " VMC_X ",\n"
	        "\t\t.cpus = " VMC_X ",\n"
	        "\t\t.uart_ipa = " VMC_X ",\n"
	        "\t\t.flags = 0x%x,\n"
	        "\t\t.rng_seed_ipa = " VMC_X ",\n"
	        "\t\t.membw_bytes = " VMC_X ",\n"
	        "\t\t.membw_period_ns = %llu,\n"
	        "\t\t.regions = vm%d_regions,\n"
	        "\t\t.nr_regions = %d,\n",
	        vm->name, v, cfge_files(vm, files), vm->entry, vm->arg, cpus,
	        v == c->monitor_vm ? 0 : vm->uart, vm->flags,
	        vm->dtb_checked && vm->rng_seed_off ? vm->dtb.ipa + vm->rng_seed_off : 0,
	        vm->membw_bytes, (unsigned long long)vm->membw_period_ns, v,
	        vm->nr_regions + (v == c->monitor_vm));
	if (vm->nr_intids)
		fprintf(f, "\t\t.intids = vm%d_intids,\n", v);
	else
		fputs("\t\t.intids = NULL,\n", f);
	if (vm->nr_pcis)
		fprintf(f, "\t\t.pcis = vm%d_pcis,\n", v);
	fprintf(f, "\t\t.nr_intids = %d,\n\t\t.nr_pcis = %d,\n\t},\n", vm->nr_intids, vm->nr_pcis);
}

void cfge_write(FILE *f, const struct vmc_config *c, const char *out)
{
	fputs("/* generated from ", f);
	for (const char *p = c->file; *p; p++) {
		fputc(*p, f);
		if (p[0] == '*' && p[1] == '/')
			fputc(' ', f); /* a file named like that must not end the comment */
	}
	fputs(" by vmconfig, do not edit */\n"
	      "#include <stddef.h>\n#include <stdint.h>\n#include <vitrine/config.h>\n\n",
	      f);
	cfge_images(f, c, out);
	for (int v = 0; v < c->nr_vms; v++)
		cfge_vm_data(f, c, v);
	fputs("\nstatic const struct cfg_vm vms[] = {\n", f);
	for (int v = 0; v < c->nr_vms; v++)
		cfge_vm(f, c, v);
	fputs("};\n", f);
	if (c->nr_channels) {
		fputs("\nstatic const struct cfg_channel channels[] = {\n", f);
		for (int i = 0; i < c->nr_channels; i++)
			fprintf(f,
			        "\t{ .name = \"%s\", .pa = " VMC_X ", .size = " VMC_X
			        ", .colors = 0x%x },\n",
			        c->channels[i].name, c->channels[i].pa, c->channels[i].size,
			        c->channels[i].colors);
		fputs("};\n", f);
	}
	fprintf(f,
	        "\nconst struct cfg_system cfg_system = {\n"
	        "\t.vms = vms,\n"
	        "\t.channels = %s,\n"
	        "\t.nr_vms = %d,\n"
	        "\t.nr_channels = %d,\n"
	        "\t.loads_size = " VMC_X ",\n"
	        "\t.pt_pool_pages = %" PRIu64 ",\n",
	        c->nr_channels ? "channels" : "NULL", c->nr_vms, c->nr_channels, c->loads_size,
	        c->pt_pages);
	if (c->trace_colors)
		fprintf(f, "\t.trace_colors = 0x%x,\n\t.trace_pa = " VMC_X ",\n", c->trace_colors,
		        c->trace_pa);
	if (c->hyp_colors)
		fprintf(f, "\t.hyp_colors = 0x%x,\n\t.hyp_pa = " VMC_X ",\n", c->hyp_colors,
		        c->hyp_pa);
	if (c->llc_events_line)
		fprintf(f,
		        "\t.llc_events = 1,\n\t.llc_refill_event = 0x%x,\n\t.llc_access_event = "
		        "0x%x,\n",
		        (unsigned)c->llc_refill_event, (unsigned)c->llc_access_event);
	if (c->monitor_vm >= 0)
		fprintf(f, "\t.monitor_vm = %d, /* '%s' */\n", c->monitor_vm,
		        c->vms[c->monitor_vm].name);
	else
		fputs("\t.monitor_vm = CFG_NO_VM,\n", f);
	if (c->input_vm >= 0)
		fprintf(f, "\t.input_vm = %d, /* '%s' */\n};\n", c->input_vm,
		        c->vms[c->input_vm].name);
	else
		fputs("\t.input_vm = CFG_NO_VM,\n};\n", f);
}

/* The DTBs as loaded (generated, or a `dtb FILE` with /chosen set), which the C embeds. */
static int cfge_dtbs(const struct vmc_config *c, const char *out)
{
	char path[VMC_PATH_MAX + 64];

	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];

		if (vm->dtb_checked &&
		    (cfge_dtb_path(path, sizeof path, out, vm) || cfgd_write(vm, path)))
			return -1;
	}
	return 0;
}

int cfge_emit(const struct vmc_config *c, const char *out)
{
	char tmp[VMC_PATH_MAX + 8];
	FILE *f;
	int n = snprintf(tmp, sizeof tmp, "%s.tmp", out);

	if (n < 0 || (size_t)n >= sizeof tmp) {
		fprintf(stderr, "vmconfig: %s: path too long\n", out);
		return -1;
	}
	if (!(f = fopen(tmp, "w"))) {
		fprintf(stderr, "vmconfig: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	cfge_write(f, c, out);
	if (ferror(f) | fclose(f) || cfge_dtbs(c, out) || rename(tmp, out)) {
		fprintf(stderr, "vmconfig: cannot write %s: %s\n", out, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}
