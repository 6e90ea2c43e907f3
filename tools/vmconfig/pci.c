/*
 * `pci BB:DD.F bar [N] BASE SIZE`: a PCIe function passed through to a vm, its
 * DMA confined by the SMMU (docs/dma.md). The line gives the vm a device
 * region for the BAR (IPA = PA, checked against every other range by
 * check.c) and the function's INTA line; here, what is PCIe's own: the
 * address, a stream the SMMU covers, one owner, and a BAR the hypervisor
 * can place in the MMIO window.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* "BB:DD.F", hexadecimal as lspci writes it. */
static bool cfgp_bdf(const char *s, struct vmc_pci *p)
{
	char *end;

	p->bus = strtoull(s, &end, 16);
	if (end == s || *end != ':')
		return false;
	s = end + 1;
	p->dev = strtoull(s, &end, 16);
	if (end == s || *end != '.')
		return false;
	s = end + 1;
	p->fn = strtoull(s, &end, 16);
	return end != s && !*end && p->bus < 256 && p->dev < 32 && p->fn < 8;
}

uint64_t cfgci_bdf(const struct vmc_pci *p)
{
	return p->bus << 8 | p->dev << 3 | p->fn;
}

/* Its INTA line: the vm's once, whichever of its functions share it. */
static void cfgp_pci_intx(struct vmc_vm *vm, uint64_t id, int line)
{
	for (int i = 0; i < vm->nr_intids; i++)
		if (vm->intids[i].id == id && !strcmp(vm->intids[i].field, "pci"))
			return;
	vm->intids[vm->nr_intids++] = (struct vmc_intid){.id = id, .line = line, .field = "pci"};
}

void cfgp_pci(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;
	struct vmc_pci p = {.line = l->nr};
	uint64_t base, size;
	struct vmc_region *r;
	int a = l->argc - 2; /* BASE's index: after the optional BAR number */

	if (!cfgp_bdf(l->argv[0], &p)) {
		cfgp_err(l, "pci",
		         "expected a function as BB:DD.F (bus < 0x100, device < 0x20, "
		         "function < 8), not '%s'",
		         l->argv[0]);
		return;
	}
	if (strcmp(l->argv[1], "bar")) {
		cfgp_err(l, "pci", "expected 'bar [N] BASE SIZE' after the function");
		return;
	}
	if (l->argc == 5 && !cfgp_number(l, l->argv[2], &p.bar))
		return;
	if (p.bar > 5) {
		cfgp_err(l, "pci", "BAR %" PRIu64 " does not exist: a function has BARs 0-5",
		         p.bar);
		return;
	}
	if (!cfgp_number(l, l->argv[a], &base) | !cfgp_number(l, l->argv[a + 1], &size))
		return;
	if (vm->nr_pcis == VMC_PCIS_MAX) {
		cfgp_err(l, "pci", "too many pci lines in this vm (at most %d)", VMC_PCIS_MAX);
		return;
	}
	if (vm->nr_intids == VMC_INTIDS_MAX) {
		cfgp_err(l, "pci", "too many INTIDs in this vm (at most %d)", VMC_INTIDS_MAX);
		return;
	}
	if (!(r = cfgp_mmio(l, base, size)))
		return;
	r->pci = true;
	p.region = vm->nr_regions - 1;
	vm->pcis[vm->nr_pcis++] = p;
	cfgp_pci_intx(vm, PLAT_PCIE_INTX_INTID + p.dev % 4, l->nr);
}

static void cfgci_err(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_pci *p,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void cfgci_err(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_pci *p,
                      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmc_verror(c, p->line, "vm", vm->name, "pci", fmt, ap);
	va_end(ap);
}

/* The BAR: a power of two, aligned to itself (PCI sizes BARs so), inside the MMIO window. */
static void cfgci_bar(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_pci *p)
{
	const struct vmc_region *r = &vm->regions[p->region];
	const uint64_t lo = PLAT_PCIE_MMIO_BASE, hi = PLAT_PCIE_MMIO_BASE + PLAT_PCIE_MMIO_SIZE;

	if (r->bad)
		return;
	if (r->size & (r->size - 1) || r->pa & (r->size - 1))
		cfgci_err(c, vm, p,
		          "BAR [" VMC_X ", " VMC_X ") must be a power of two in size and aligned "
		          "to it",
		          r->pa, r->pa + r->size);
	if (r->pa < lo || r->pa + r->size > hi)
		cfgci_err(c, vm, p,
		          "BAR [" VMC_X ", " VMC_X ") is outside the PCIe MMIO window [" VMC_X
		          ", " VMC_X ")",
		          r->pa, r->pa + r->size, lo, hi);
}

/*
 * Each function: one owner, on bus 0 (the bus the hypervisor scans), with a
 * stream the SMMU's table covers: without it, its DMA has no IOMMU path.
 */
void cfgci_check(const struct vmc_config *c)
{
	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; i < c->vms[v].nr_pcis; i++) {
			const struct vmc_vm *vm = &c->vms[v];
			const struct vmc_pci *p = &vm->pcis[i];
			uint64_t bdf = cfgci_bdf(p);

			if (p->bus)
				cfgci_err(c, vm, p,
				          "%02" PRIx64 ":%02" PRIx64 ".%" PRIx64
				          " is not on bus 0, the only bus the hypervisor scans",
				          p->bus, p->dev, p->fn);
			else if (bdf + 1 > PLAT_SMMU_SIDS)
				cfgci_err(
				    c, vm, p,
				    "00:%02" PRIx64 ".%" PRIx64 " has no IOMMU path: its stream "
				    "ID %" PRIu64 " is beyond the SMMU's stream table (devices "
				    "00-%02x on bus 0)",
				    p->dev, p->fn, bdf, PLAT_SMMU_SIDS / 8 - 1);
			cfgci_bar(c, vm, p);
			for (int w = 0; w <= v; w++)
				for (int j = 0; j < (w == v ? i : c->vms[w].nr_pcis); j++)
					if (cfgci_bdf(&c->vms[w].pcis[j]) == bdf)
						cfgci_err(c, vm, p,
						          "%02" PRIx64 ":%02" PRIx64 ".%" PRIx64
						          " given twice: also vm '%s' at line %d",
						          p->bus, p->dev, p->fn, c->vms[w].name,
						          c->vms[w].pcis[j].line);
		}
}

/* vm's cfg_pci array, before its cfg_vm. */
void cfgce_pcis(FILE *f, const struct vmc_vm *vm, int v)
{
	if (!vm->nr_pcis)
		return;
	fprintf(f, "static const struct cfg_pci vm%d_pcis[] = {\n", v);
	for (int i = 0; i < vm->nr_pcis; i++) {
		const struct vmc_region *r = &vm->regions[vm->pcis[i].region];

		fprintf(f,
		        "\t{ .bar_pa = " VMC_X ", .bar_size = " VMC_X ", .bdf = 0x%" PRIx64
		        ", .bar = %" PRIu64 " },\n",
		        r->pa, r->size, cfgci_bdf(&vm->pcis[i]), vm->pcis[i].bar);
	}
	fputs("};\n", f);
}
