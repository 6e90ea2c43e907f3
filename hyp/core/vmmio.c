#include "vmmio.h"

#include "log.h"
#include "vm.h"

void vmmio_add(struct vmmio *m, uint64_t base, uint64_t size, vmmio_fn access, const void *ctx)
{
	if (m->count == VMMIO_MAX)
		panic("too many emulated devices");
	m->region[m->count++] = (struct vmmio_region){base, size, access, ctx};
}

int vmmio_access(struct vcpu *v, uint64_t ipa, unsigned size, int write, uint64_t *value)
{
	const struct vmmio *m = &v->vm->mmio;

	for (uint32_t i = 0; i < m->count; i++) {
		const struct vmmio_region *r = &m->region[i];

		if (ipa - r->base < r->size)
			return r->access(v, r->ctx, ipa - r->base, size, write, value) ? -1 : 1;
	}
	return 0;
}
