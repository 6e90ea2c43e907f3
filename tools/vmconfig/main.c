/*
 * vmconfig [-I IMAGES_DIR] [-o OUT.c] [--summary] [--dts VM] FILE.cfg
 * vmconfig [-I IMAGES_DIR] --deps TARGET FILE.cfg
 *
 * -o also writes each kernel vm's DTB next to OUT.c (vm-NAME.dtb), which
 * OUT.c embeds; --dts prints vm NAME's device tree as DTS. --deps prints,
 * as make rules, the files TARGET embeds (images, kernels, initrds, DTBs,
 * DT fragments), without checking them: the build makes them first.
 *
 * Exit status: 0 ok, 1 the config has errors (all of them are printed),
 * 2 usage or I/O errors.
 */
#include <stdlib.h>
#include <string.h>

#include "vmconfig.h"

/* Big (vms hold their paths), so not on the stack. */
static struct vmc_config vmc;

static int usage(void)
{
	fputs("usage: vmconfig [-I IMAGES_DIR] [-o OUT.c] [--summary] [--dts VM] FILE.cfg\n"
	      "       vmconfig [-I IMAGES_DIR] --deps TARGET FILE.cfg\n",
	      stderr);
	return 2;
}

/* One file as a prerequisite of target, and as a target of its own (a file gone is rebuilt). */
static void print_dep(const char *target, const struct vmc_file *f, const char *path)
{
	if (f->line)
		printf("%s: %s\n%s:\n", target, path, path);
}

static int print_deps(const char *target, const char *images)
{
	for (int v = 0; v < vmc.nr_vms; v++) {
		const struct vmc_vm *vm = &vmc.vms[v];
		char path[VMC_PATH_MAX];
		int n = cfgi_image_path(vm, images, path, sizeof path);

		if (n > 0 && (size_t)n < sizeof path)
			print_dep(target, &vm->image, path);
		print_dep(target, &vm->kernel, vm->kernel.name);
		print_dep(target, &vm->initrd, vm->initrd.name);
		if (!vm->dtb_auto)
			print_dep(target, &vm->dtb, vm->dtb.name);
		for (int r = 0; r < vm->nr_regions; r++)
			print_dep(target, &vm->regions[r].dt, vm->regions[r].dt.name);
	}
	return 0;
}

static int print_dts(const char *name)
{
	for (int v = 0; v < vmc.nr_vms; v++) {
		if (strcmp(vmc.vms[v].name, name))
			continue;
		if (!vmc.vms[v].dtb_checked) {
			fprintf(stderr, "vmconfig: --dts: vm '%s' boots no kernel: it has no DTB\n",
			        name);
			return 2;
		}
		cfgd_print(&vmc.vms[v], stdout);
		return 0;
	}
	fprintf(stderr, "vmconfig: --dts: no vm named '%s'\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	const char *images = "out/guests", *out = NULL, *file = NULL, *dts = NULL, *deps = NULL;
	bool summary = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-I") && i + 1 < argc)
			images = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--deps") && i + 1 < argc)
			deps = argv[++i];
		else if (!strcmp(argv[i], "--dts") && i + 1 < argc)
			dts = argv[++i];
		else if (!strcmp(argv[i], "--summary"))
			summary = true;
		else if (argv[i][0] == '-' || file)
			return usage();
		else
			file = argv[i];
	}
	if (!file)
		return usage();

	vmc.file = file;
	if (cfgp_parse(&vmc, file) < 0)
		return 2;
	if (deps) /* the config's errors wait for the real run, after its files are made */
		return print_deps(deps, images);
	cfgc_check(&vmc, images);
	cfga_alloc(&vmc);
	if (vmc_errors) {
		fprintf(stderr, "%s: %d error%s\n", file, vmc_errors, vmc_errors == 1 ? "" : "s");
		return 1;
	}
	if (out && cfge_emit(&vmc, out) < 0)
		return 2;
	if (summary)
		cfgs_summary(&vmc, stdout);
	return dts ? print_dts(dts) : 0;
}
