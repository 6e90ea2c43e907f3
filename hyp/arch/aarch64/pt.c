/*
 * Translation table builder. Written to run both with the MMU off at the
 * physical load address (early boot: no absolute pointers in data) and at
 * the hypervisor's virtual address.
 */
#include "pt.h"

static uint64_t *pt_next(const struct pt *pt, uint64_t desc)
{
	if (pt->table_at)
		return pt->table_at(desc & PT_ADDR_MASK);
	return (uint64_t *)(uintptr_t)((desc & PT_ADDR_MASK) + pt->va_offset);
}

static uint64_t pt_table_pa(const struct pt *pt, const uint64_t *t)
{
	if (pt->pa_of)
		return pt->pa_of(t);
	return (uint64_t)(uintptr_t)t - pt->va_offset;
}

static int pt_block_fits(unsigned level, uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t span = 1ull << PT_LEVEL_SHIFT(level);

	if (level == 3)
		return 1;
	return level >= 1 && size >= span && ((va | pa) & (span - 1)) == 0;
}

int pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	/* Beyond the root's reach, the index would wrap: another address would be mapped. */
	uint64_t reach = 1ull << (PT_LEVEL_SHIFT(pt->root_level) + 9);

	if (size > reach || va > reach - size)
		return -1;
	while (size) {
		uint64_t *table = pt->root;
		unsigned level = pt->root_level;

		for (;;) {
			unsigned shift = PT_LEVEL_SHIFT(level);
			uint64_t *e = &table[(va >> shift) & 511];

			if (pt_block_fits(level, va, pa, size)) {
				uint64_t span = 1ull << shift;

				if (*e & PT_VALID)
					return -1;
				*e = pa | attr | PT_VALID | (level == 3 ? PT_TABLE_OR_PAGE : 0);
				va += span;
				pa += span;
				size -= span;
				break;
			}
			if (!(*e & PT_VALID)) {
				uint64_t *t = pt->alloc();

				if (!t)
					return -1;
				*e = pt_table_pa(pt, t) | PT_VALID | PT_TABLE_OR_PAGE;
			} else if (!(*e & PT_TABLE_OR_PAGE)) {
				return -1; /* a block is in the way */
			}
			table = pt_next(pt, *e);
			level++;
		}
	}
	return 0;
}

static int pt_table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < 512; i++)
		if (t[i] & PT_VALID)
			return 0;
	return 1;
}

static int pt_unmap_level(struct pt *pt, uint64_t *table, unsigned level, uint64_t va, uint64_t end)
{
	unsigned shift = PT_LEVEL_SHIFT(level);
	uint64_t span = 1ull << shift;

	while (va < end) {
		uint64_t *e = &table[(va >> shift) & 511];
		uint64_t next = (va & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;

		if (!(*e & PT_VALID))
			return -1;
		if (level == 3 || !(*e & PT_TABLE_OR_PAGE)) {
			if (va & (span - 1) || stop != next)
				return -1; /* would split a block */
			*e = 0;
		} else {
			uint64_t *t = pt_next(pt, *e);

			if (pt_unmap_level(pt, t, level + 1, va, stop))
				return -1;
			if (pt->free && level > pt->root_level && pt_table_empty(t)) {
				*e = 0;
				pt->free(t);
			}
		}
		va = stop;
	}
	return 0;
}

int pt_unmap(struct pt *pt, uint64_t va, uint64_t size)
{
	return pt_unmap_level(pt, pt->root, pt->root_level, va, va + size);
}

static void pt_walk_table(const struct pt *pt, const uint64_t *table, unsigned level, uint64_t va,
                          void (*fn)(void *, uint64_t, uint64_t, unsigned), void *ctx)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = table[i], at = va | (uint64_t)i << PT_LEVEL_SHIFT(level);

		if (!(e & PT_VALID))
			continue;
		if (level == 3 || !(e & PT_TABLE_OR_PAGE))
			fn(ctx, at, e, level);
		else
			pt_walk_table(pt, pt_next(pt, e), level + 1, at, fn, ctx);
	}
}

void pt_walk(const struct pt *pt, void (*fn)(void *ctx, uint64_t va, uint64_t desc, unsigned level),
             void *ctx)
{
	pt_walk_table(pt, pt->root, pt->root_level, 0, fn, ctx);
}

uint64_t pt_lookup(const struct pt *pt, uint64_t va, unsigned *level)
{
	const uint64_t *table = pt->root;

	for (unsigned l = pt->root_level; l <= 3; l++) {
		uint64_t e = table[(va >> PT_LEVEL_SHIFT(l)) & 511];

		if (!(e & PT_VALID))
			return 0;
		if (l == 3 || !(e & PT_TABLE_OR_PAGE)) {
			*level = l;
			return e;
		}
		table = pt_next(pt, e);
	}
	return 0;
}
