/*
 * A kernel vm's device tree, built with libfdt: what Debian's kernel needs
 * to run in the vm as the hypervisor shows it (docs/linux.md): its RAM,
 * pass-through devices and shared-memory channels, and /chosen, here; its
 * vCPUs, interrupt controller, timer and emulated UART are the port's
 * (dtb_gic.c on aarch64, dtb_plic.c on riscv64). A `dtb FILE` is taken as
 * it is, except for /chosen, which gets the bootargs and the initrd's place.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <vitrine/shmbell.h>

#include "dtb.h"
#include "vmconfig.h"

#define CFGD_EXTRA 4096 /* room for /chosen in a `dtb FILE` */
#define CFGD_FRAGMENT_MAX (1 << 20)
#define CFGD_PHANDLE_FREE 16 /* a fragment's phandles start here: those below are ours */

void cfgd_ok(struct cfgd *d, int rc)
{
	if (rc < 0 && !d->err)
		d->err = rc;
}

void cfgd_begin(struct cfgd *d, const char *name, uint64_t addr, bool at)
{
	char buf[64];

	if (at)
		snprintf(buf, sizeof buf, "%s@%" PRIx64, name, addr);
	else
		snprintf(buf, sizeof buf, "%s", name);
	cfgd_ok(d, fdt_begin_node(d->fdt, buf));
}

void cfgd_end(struct cfgd *d)
{
	cfgd_ok(d, fdt_end_node(d->fdt));
}

void cfgd_str(struct cfgd *d, const char *name, const char *s)
{
	cfgd_ok(d, fdt_property_string(d->fdt, name, s));
}

void cfgd_u32(struct cfgd *d, const char *name, uint32_t v)
{
	cfgd_ok(d, fdt_property_u32(d->fdt, name, v));
}

void cfgd_cells(struct cfgd *d, const char *name, const uint32_t *v, int n)
{
	fdt32_t be[3 * VMC_INTIDS_MAX];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	cfgd_ok(d, fdt_property(d->fdt, name, be, n * (int)sizeof be[0]));
}

void cfgd_reg(struct cfgd *d, const uint64_t *pairs, int n)
{
	uint32_t cells[32];

	for (int i = 0; i < 2 * n; i++) {
		cells[2 * i] = (uint32_t)(pairs[i] >> 32);
		cells[2 * i + 1] = (uint32_t)pairs[i];
	}
	cfgd_cells(d, "reg", cells, 4 * n);
}

void cfgd_strs(struct cfgd *d, const char *name, const char *list, int len)
{
	cfgd_ok(d, fdt_property(d->fdt, name, list, len));
}

void cfgd_flag(struct cfgd *d, const char *name)
{
	cfgd_ok(d, fdt_property(d->fdt, name, NULL, 0));
}

void cfgd_irqs(struct cfgd *d, const uint64_t *intids, int n)
{
	uint32_t spec[CFGD_IRQ_CELLS * VMC_INTIDS_MAX];
	int cells = 0;

	for (int i = 0; i < n; i++)
		cells += cfgd_irq_spec(intids[i], &spec[cells]);
	if (cfgd_parent_per_node)
		cfgd_u32(d, "interrupt-parent", CFGD_INTC_PHANDLE);
	cfgd_cells(d, "interrupts", spec, cells);
}

void cfgd_irq(struct cfgd *d, uint64_t intid)
{
	cfgd_irqs(d, &intid, 1);
}

/* The rng-seed's room: the hypervisor fills it at every start (cfg_vm.rng_seed_ipa). */
static const uint8_t cfgd_zero_seed[CFG_RNG_SEED_SIZE];

static void cfgd_chosen(struct cfgd *d, const struct vmc_vm *vm)
{
	char path[64];

	cfgd_begin(d, "chosen", 0, false);
	if (vm->bootargs_line)
		cfgd_str(d, "bootargs", vm->bootargs);
	if (vm->uart) {
		snprintf(path, sizeof path, "/%s@%" PRIx64, cfgd_uart_node, vm->uart);
		cfgd_str(d, "stdout-path", path);
	}
	if (vm->initrd.size) {
		cfgd_ok(d, fdt_property_u64(d->fdt, "linux,initrd-start", vm->initrd.ipa));
		cfgd_ok(d, fdt_property_u64(d->fdt, "linux,initrd-end",
		                            vm->initrd.ipa + vm->initrd.size));
	}
	cfgd_ok(d, fdt_property(d->fdt, "rng-seed", cfgd_zero_seed, sizeof cfgd_zero_seed));
	if (vm->nr_pcis) /* keep the BARs where the hypervisor put them: they cannot move */
		cfgd_u32(d, "linux,pci-probe-only", 1);
	cfgd_end(d);
}

/* mem, device and shm lines: RAM, pass-through MMIO with its INTIDs, channels. */
static void cfgd_regions(struct cfgd *d, const struct vmc_config *c, const struct vmc_vm *vm)
{
	for (int i = 0; i < vm->nr_regions; i++) {
		const struct vmc_region *r = &vm->regions[i];
		uint64_t reg[2] = {r->ipa, r->size};
		uint64_t irqs[VMC_INTIDS_MAX];
		int n = 0;

		switch (r->kind) {
		case CFG_REGION_RAM:
			cfgd_begin(d, "memory", r->ipa, true);
			cfgd_str(d, "device_type", "memory");
			cfgd_reg(d, reg, 1);
			break;
		case CFG_REGION_DEVICE:
			if (r->dt.line || r->pci)
				continue; /* its fragment (cfgd_fragments) or its bus (cfgd_pcie)
				             describes it */
			cfgd_begin(d, "passthrough", r->ipa, true);
			cfgd_str(d, "compatible", "vitrine,passthrough");
			cfgd_reg(d, reg, 1);
			for (int k = 0; k < vm->nr_intids; k++)
				if (vm->intids[k].line == r->line)
					irqs[n++] = vm->intids[k].id;
			if (n)
				cfgd_irqs(d, irqs, n);
			break;
		default:
			cfgd_begin(d, "shm", r->ipa, true);
			cfgd_str(d, "compatible", "vitrine,shm");
			cfgd_reg(d, (uint64_t[4]){r->ipa, r->size, r->bell_ipa, VT_BELL_PAGE},
			         r->bell ? 2 : 1);
			if (r->bell)
				cfgd_strs(d, "reg-names", "shm\0bell", 9);
			cfgd_str(d, "vitrine,channel", c->channels[r->channel].name);
			if (!r->write)
				cfgd_flag(d, "read-only");
			if (r->irq)
				cfgd_irq(d, r->intid);
			break;
		}
		cfgd_end(d);
	}
}

static int cfgd_generate(const struct vmc_config *c, struct vmc_vm *vm, void *buf, int size)
{
	struct cfgd d = {buf, 0};

	cfgd_ok(&d, fdt_create(buf, size));
	cfgd_ok(&d, fdt_finish_reservemap(buf));
	cfgd_begin(&d, "", 0, false);
	cfgd_str(&d, "compatible", "vitrine,vm");
	cfgd_str(&d, "model", "Vitrine VM");
	cfgd_u32(&d, "#address-cells", 2);
	cfgd_u32(&d, "#size-cells", 2);
	if (!cfgd_parent_per_node)
		cfgd_u32(&d, "interrupt-parent", CFGD_INTC_PHANDLE);
	cfgd_chosen(&d, vm);
	cfgd_arch_nodes(&d, vm);
	cfgd_regions(&d, c, vm);
	cfgd_arch_buses(&d, vm);
	cfgd_end(&d);
	cfgd_ok(&d, fdt_finish(buf));
	return d.err;
}

/* /chosen of a `dtb FILE`, set from the config. */
static int cfgd_set_chosen(void *fdt, const struct vmc_vm *vm)
{
	int node = fdt_path_offset(fdt, "/chosen"), rc = 0;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	if (vm->bootargs_line)
		rc = fdt_setprop_string(fdt, node, "bootargs", vm->bootargs);
	if (!rc && vm->initrd.size)
		rc = fdt_setprop_u64(fdt, node, "linux,initrd-start", vm->initrd.ipa);
	if (!rc && vm->initrd.size)
		rc = fdt_setprop_u64(fdt, node, "linux,initrd-end",
		                     vm->initrd.ipa + vm->initrd.size);
	if (!rc)
		rc = fdt_setprop(fdt, node, "rng-seed", cfgd_zero_seed, sizeof cfgd_zero_seed);
	return rc;
}

/* Where the final blob's /chosen/rng-seed bytes are, from its start. */
static uint64_t cfgd_seed_off(const void *fdt)
{
	int len = 0;
	const uint8_t *p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "rng-seed", &len);

	return p && len == CFG_RNG_SEED_SIZE ? (uint64_t)(p - (const uint8_t *)fdt) : 0;
}

/* A `dtb FILE` into buf (size bytes): a valid blob, with /chosen set. */
static int cfgd_from_file(const struct vmc_config *c, struct vmc_vm *vm, void *buf, int size)
{
	void *file = malloc(vm->dtb.size);
	int rc = -FDT_ERR_NOSPACE;

	if (file && !cfgi_read(c, vm, &vm->dtb, "dtb", 0, file, vm->dtb.size)) {
		free(file);
		return 1; /* said */
	}
	if (file && !(rc = fdt_check_full(file, vm->dtb.size)) &&
	    !(rc = fdt_open_into(file, buf, size)) && !(rc = cfgd_set_chosen(buf, vm)))
		rc = fdt_pack(buf);
	free(file);
	return rc;
}

/* Copies node of fragment src, its properties and subtree, under parent in dst. */
static int cfgd_copy(void *dst, int parent, const void *src, int node)
{
	int to = fdt_add_subnode(dst, parent, fdt_get_name(src, node, NULL)), prop, child, rc;

	if (to < 0)
		return to;
	fdt_for_each_property_offset(prop, src, node)
	{
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(src, prop, &name, &len);

		if (!v)
			return len;
		if (!strcmp(name, "phandle") && len == 4 && fdt32_ld(v) < CFGD_PHANDLE_FREE)
			return -FDT_ERR_BADPHANDLE;
		if ((rc = fdt_setprop(dst, to, name, v, len)))
			return rc;
	}
	fdt_for_each_subnode(child, src, node)
	{
		if ((rc = cfgd_copy(dst, to, src, child)) < 0)
			return rc;
	}
	return 0;
}

/* One `device ... dt FILE`: the fragment's root's subnodes, copied under the vm's root. */
static bool cfgd_fragment(const struct vmc_config *c, struct vmc_vm *vm, struct vmc_region *r,
                          void **buf)
{
	void *frag = NULL, *grown;
	int rc = -FDT_ERR_NOSPACE, child, size;

	if (!cfgi_find_file(c, vm, &r->dt, "device"))
		return false;
	if (r->dt.size > CFGD_FRAGMENT_MAX) {
		vmc_error(c, r->dt.line, "vm", vm->name, "device",
		          "dt '%s' is %" PRIu64 " bytes: a fragment is at most %d", r->dt.name,
		          r->dt.size, CFGD_FRAGMENT_MAX);
		return false;
	}
	size = (int)(fdt_totalsize(*buf) + 2 * r->dt.size);
	if (!(frag = malloc(r->dt.size)) ||
	    !cfgi_read(c, vm, &r->dt, "device", 0, frag, r->dt.size))
		goto out; /* said, unless out of memory */
	if ((grown = realloc(*buf, (size_t)size)))
		*buf = grown;
	if (grown && !(rc = fdt_check_full(frag, r->dt.size)) &&
	    !(rc = fdt_open_into(*buf, *buf, size))) {
		fdt_for_each_subnode(child, frag, 0)
		{
			if ((rc = cfgd_copy(*buf, 0, frag, child)) < 0)
				break;
		}
	}
	if (rc < 0)
		vmc_error(c, r->dt.line, "vm", vm->name, "device", "dt '%s': %s%s", r->dt.name,
		          fdt_strerror(rc),
		          rc == -FDT_ERR_BADPHANDLE ? " (a fragment's phandles start at 16)" : "");
out:
	free(frag);
	return rc == 0 && !fdt_pack(*buf);
}

bool cfgd_build(const struct vmc_config *c, struct vmc_vm *vm)
{
	int size = 1 << 16, rc;
	void *buf;

	if (!vm->dtb_auto && !cfgi_find_file(c, vm, &vm->dtb, "dtb"))
		return false;
	if (!vm->dtb_auto && vm->dtb.size > (2ull << 20)) {
		vmc_error(c, vm->dtb.line, "vm", vm->name, "dtb",
		          "'%s' is %" PRIu64 " bytes: a device tree is at most 2 MiB", vm->dtb.name,
		          vm->dtb.size);
		return false;
	}
	if (!vm->dtb_auto)
		size = (int)vm->dtb.size + CFGD_EXTRA + (int)strlen(vm->bootargs);
	if (!(buf = malloc((size_t)size))) {
		vmc_error(c, vm->kernel.line, "vm", vm->name, "dtb", "out of memory");
		return false;
	}
	rc = vm->dtb_auto ? cfgd_generate(c, vm, buf, size) : cfgd_from_file(c, vm, buf, size);
	if (rc < 0 && vm->dtb_auto)
		vmc_error(c, vm->kernel.line, "vm", vm->name, "dtb",
		          "cannot build the device tree: %s", fdt_strerror(rc));
	else if (rc < 0)
		vmc_error(c, vm->dtb.line, "vm", vm->name, "dtb", "'%s' is not a usable DTB: %s",
		          vm->dtb.name, fdt_strerror(rc));
	for (int i = 0; vm->dtb_auto && i < vm->nr_regions && !rc; i++)
		if (vm->regions[i].dt.line && !cfgd_fragment(c, vm, &vm->regions[i], &buf))
			rc = 1; /* said */
	if (rc) {
		free(buf);
		return false;
	}
	free(vm->dtb_blob);
	vm->dtb_blob = buf;
	vm->dtb.size = fdt_totalsize(buf);
	vm->rng_seed_off = cfgd_seed_off(buf);
	return true;
}

int cfgd_write(const struct vmc_vm *vm, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(vm->dtb_blob, 1, vm->dtb.size, f) != vm->dtb.size) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}
