/*
 * libFuzzer harness for vmconfig: any input is parsed, checked and placed
 * without a crash or a sanitizer report, and a config it accepts is emitted
 * and summarised, and must keep what the checker promises the hypervisor
 * (fz_promises). Images are never looked up on disk: this file's cfgi_find
 * (image.c's in the tool) gives each one a size from its name.
 *
 * Built with -fsanitize=fuzzer (`make fuzz-config`), or with -DFUZZ_REPLAY
 * and any compiler: then main() replays the files named on the command line.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "vmconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vmc_config fz_config;
static FILE *fz_sink;
static int fz_accepted; /* inputs whose promises were checked */

/* 4 KiB per character of the name: small, varied, never a file. */
bool cfgi_find(const struct vmc_config *c, struct vmc_vm *vm, const char *images_dir)
{
	(void)c;
	(void)images_dir;
	snprintf(vm->image.path, sizeof vm->image.path, "/fuzz/%s.bin", vm->image.name);
	vm->image.size = strlen(vm->image.name) * VMC_PAGE;
	return true;
}

/* Kernels, initrds and DTBs likewise: sized from their names. */
bool cfgi_find_file(const struct vmc_config *c, const struct vmc_vm *vm, struct vmc_file *file,
                    const char *field)
{
	(void)c;
	(void)vm;
	(void)field;
	snprintf(file->path, sizeof file->path, "/fuzz/%s", file->name);
	file->size = strlen(file->name) * VMC_PAGE;
	return true;
}

/* A file reads as an arm64 Image header (4K pages, image_size its size), then zeros. */
bool cfgi_read(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_file *file,
               const char *field, uint64_t off, void *buf, size_t n)
{
	uint8_t h[64] = {0};

	(void)c;
	(void)vm;
	(void)field;
	memset(buf, 0, n);
	for (int i = 0; i < 8; i++)
		h[16 + i] = (uint8_t)(file->size >> 8 * i);
	h[24] = 2; /* flags: 4K pages */
	memcpy(h + 56, "ARM\x64", 4);
	for (size_t i = 0; off + i < sizeof h && i < n; i++)
		((uint8_t *)buf)[i] = h[off + i];
	return true;
}

static void fz_broken(const struct vmc_vm *vm, const struct vmc_region *r, const char *why)
{
	fprintf(stderr, "accepted, but vm '%s' %s at line %d: %s\n", vm->name, vmc_field(r),
	        r->line, why);
	abort();
}

/* The span of RAM size bytes in these colours take from pa (no colours: size). */
static void fz_colored(uint64_t pa, uint64_t size, uint32_t colors, uint64_t *base, uint64_t *end)
{
	uint64_t k = (uint64_t)__builtin_popcount(colors);

	*base = pa;
	*end = colors ? pa + (size / VMC_PAGE + k - 1) / k * VMC_COLOR_PERIOD : pa + size;
}

/* Where a RAM or shm region's pages are. */
static void fz_span(const struct vmc_config *c, const struct vmc_vm *vm, const struct vmc_region *r,
                    uint64_t *base, uint64_t *end)
{
	fz_colored(r->pa, r->size,
	           r->kind == CFG_REGION_RAM ? vm->colors : c->channels[r->channel].colors, base,
	           end);
}

#define FZ_RANGE(b, s, what) {b, s},
static const uint64_t fz_reserved[][2] = {
    PLAT_RESERVED_MMIO(FZ_RANGE){PLAT_RAM_BASE, PLAT_RAM_SIZE}};
static const uint64_t fz_dma[][2] = {PLAT_DMA_MMIO(FZ_RANGE)};

static bool fz_hits(const uint64_t (*t)[2], size_t n, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < n; i++)
		if (vmc_overlap(base, size, t[i][0], t[i][1]))
			return true;
	return false;
}

/*
 * No two pieces of RAM given out overlap: each vm's mem, each channel, the
 * coloured hypervisor and trace rings, as [base, end) spans. Coloured spans
 * may interleave (pages of other colours share their periods), so only
 * pairs with an uncoloured span are compared.
 */
static struct fz_piece {
	uint64_t base, end;
	uint32_t colors;
} fz_pieces[VMC_VMS_MAX * VMC_REGIONS_MAX + VMC_CHANNELS_MAX + 2];

static int fz_piece(int n, uint64_t pa, uint64_t size, uint32_t colors)
{
	fz_colored(pa, size, colors, &fz_pieces[n].base, &fz_pieces[n].end);
	fz_pieces[n].colors = colors;
	return n + 1;
}

static void fz_disjoint(const struct vmc_config *c)
{
	const struct fz_piece *s = fz_pieces;
	int n = 0;

	for (int v = 0; v < c->nr_vms; v++)
		for (int i = 0; i < c->vms[v].nr_regions; i++)
			if (c->vms[v].regions[i].kind == CFG_REGION_RAM)
				n = fz_piece(n, c->vms[v].regions[i].pa, c->vms[v].regions[i].size,
				             c->vms[v].colors);
	for (int i = 0; i < c->nr_channels; i++)
		n = fz_piece(n, c->channels[i].pa, c->channels[i].size, c->channels[i].colors);
	if (c->hyp_colors)
		n = fz_piece(n, c->hyp_pa, CFG_HYP_COLORED_BYTES, c->hyp_colors);
	if (c->trace_colors)
		n = fz_piece(n, c->trace_pa, PLAT_CPU_NUM * CFG_TRACE_RING_BYTES, c->trace_colors);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if ((!s[i].colors || !s[j].colors) &&
			    vmc_overlap(s[i].base, s[i].end - s[i].base, s[j].base,
			                s[j].end - s[j].base)) {
				fprintf(stderr,
				        "accepted, but RAM [0x%" PRIx64 ", 0x%" PRIx64
				        ") is given out twice\n",
				        s[i].base, s[i].end);
				abort();
			}
}

/* r's doorbell page is on the vm's uart, another region or doorbell page. */
static bool fz_bell_taken(const struct vmc_vm *vm, const struct vmc_region *r)
{
	if (vm->uart && vmc_overlap(r->bell_ipa, VMC_PAGE, vm->uart, VMC_PAGE))
		return true;
	for (int i = 0; i < vm->nr_regions; i++) {
		const struct vmc_region *o = &vm->regions[i];

		if (vmc_overlap(r->bell_ipa, VMC_PAGE, o->ipa, o->size) ||
		    (o != r && o->bell &&
		     vmc_overlap(r->bell_ipa, VMC_PAGE, o->bell_ipa, VMC_PAGE)))
			return true;
	}
	return false;
}

/* What an accepted config guarantees the hypervisor that builds it. */
static void fz_promises(const struct vmc_config *c)
{
	const uint64_t ipa_end = 1ull << PLAT_IPA_BITS;

	for (int v = 0; v < c->nr_vms; v++) {
		const struct vmc_vm *vm = &c->vms[v];
		int bells = 0;

		if (vm->flags & ~(CFG_VM_DMA_UNCONFINED | CFG_VM_FAULT_RESTART | CFG_VM_RESET_STOP |
		                  CFG_VM_DEBUG))
			abort();
		/* The monitor may debug only another vm, and only if there is one. */
		if (vm->flags & CFG_VM_DEBUG && (v == c->monitor_vm || c->monitor_vm < 0))
			abort();
		if (v == c->monitor_vm && !vm->fault_line && !(vm->flags & CFG_VM_FAULT_RESTART))
			abort();
		for (int i = 0; i < vm->nr_regions; i++) {
			const struct vmc_region *r = &vm->regions[i];
			uint64_t base, end;

			if (r->bad || !r->size || (r->ipa | r->size | r->pa) % VMC_PAGE)
				fz_broken(vm, r, "bad, empty or unaligned");
			if (r->ipa >= ipa_end || r->size > ipa_end - r->ipa)
				fz_broken(vm, r, "IPA past what stage 2 translates");
			bells += r->bell;
			if (r->bell && (r->bell_ipa % VMC_PAGE || r->bell_ipa >= ipa_end ||
			                bells > CFG_VM_BELLS_MAX || fz_bell_taken(vm, r)))
				fz_broken(vm, r,
				          "a doorbell page unaligned, past stage 2, on other "
				          "IPAs or one too many");
			if (r->kind == CFG_REGION_DEVICE) {
				if (fz_hits(fz_reserved, sizeof fz_reserved / sizeof fz_reserved[0],
				            r->pa, r->size))
					fz_broken(vm, r, "on reserved MMIO or RAM");
				if (r->pci &&
				    (r->pa < PLAT_PCIE_MMIO_BASE ||
				     r->pa + r->size > PLAT_PCIE_MMIO_BASE + PLAT_PCIE_MMIO_SIZE))
					fz_broken(vm, r, "a BAR outside the PCIe MMIO window");
				if (!r->pci && !(vm->flags & CFG_VM_DMA_UNCONFINED) &&
				    fz_hits(fz_dma, sizeof fz_dma / sizeof fz_dma[0], r->pa,
				            r->size))
					fz_broken(vm, r, "a DMA master without dma unconfined");
				continue;
			}
			fz_span(c, vm, r, &base, &end);
			if (base < PLAT_HYP_BASE + PLAT_HYP_SIZE || end > VMC_RAM_END ||
			    end <= base)
				fz_broken(vm, r, "memory outside RAM or on the hypervisor");
			if (vmc_overlap(base, end - base, PLAT_LLC_PAGE_PA, VMC_PAGE))
				fz_broken(vm, r, "memory on the emulated LLC's page");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!fz_sink && !(fz_sink = fopen("/dev/null", "w")))
		abort();
	if (!size || !(f = fmemopen((void *)(uintptr_t)data, size, "r")))
		return 0;
	for (int i = 0; i < fz_config.nr_vms; i++)
		free(fz_config.vms[i].dtb_blob); /* the previous input's DTBs (dtb.c) */
	memset(&fz_config, 0, sizeof fz_config);
	fz_config.file = "fuzz.cfg";
	vmc_errors = 0;
	vmc_errf = fz_sink;
	if (cfgp_parse_file(&fz_config, f) == 0) {
		cfgc_check(&fz_config, "/fuzz");
		cfga_alloc(&fz_config);
		if (!vmc_errors) {
			fz_promises(&fz_config);
			fz_disjoint(&fz_config);
			fz_accepted++;
			cfge_write(fz_sink, &fz_config, "/fuzz/config.c");
			cfgs_summary(&fz_config, fz_sink);
		}
	}
	fclose(f);
	return 0;
}

#ifdef FUZZ_REPLAY
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("replayed %d inputs, %d accepted\n", argc - 1, fz_accepted);
	return 0;
}
#endif
