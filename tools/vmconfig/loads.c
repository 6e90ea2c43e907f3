/*
 * The vms' loads (images, kernels, initrds, DTBs) as the hypervisor links
 * them: a region of their own in physical RAM right after the hypervisor's
 * range (hyp.ld.S), which the checker and the allocator keep free.
 */
#include "vmconfig.h"

/* What the hypervisor links of a vm's files: each is page aligned (emit.c). */
static uint64_t cfgl_vm(const struct vmc_vm *vm)
{
	const struct vmc_file *files[] = {&vm->image, &vm->kernel, &vm->initrd, &vm->dtb};
	uint64_t n = 0;

	for (int i = 0; i < 4; i++)
		if (files[i]->line || (files[i] == &vm->dtb && vm->dtb_checked))
			n += (files[i]->size + VMC_PAGE - 1) & ~(VMC_PAGE - 1);
	return n;
}

/*
 * The vms' loads go in physical RAM right after the hypervisor's range,
 * where its image puts them (hyp.ld.S), rounded to 2 MiB so RAM after them
 * stays block aligned. They must leave RAM for the vms.
 */
void cfgl_reserve(struct vmc_config *c)
{
	const uint64_t room = VMC_RAM_END - PLAT_HYP_BASE - PLAT_HYP_SIZE;
	uint64_t n = 0;

	for (int v = 0; v < c->nr_vms; v++)
		n += cfgl_vm(&c->vms[v]); /* files are regular: each well below 2^62 */
	c->loads_size = (n + VMC_LOADS_ALIGN - 1) & ~(VMC_LOADS_ALIGN - 1);
	if (c->loads_size > room) {
		vmc_error(c, 0, NULL, NULL, NULL,
		          "the vms' images, kernels, initrds and DTBs take " VMC_X
		          " bytes: RAM after the hypervisor has " VMC_X,
		          n, room);
		c->loads_size = 0;
	}
}
