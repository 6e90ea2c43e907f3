/*
 * Sv39 / Sv39x4 tables: three levels of 512 entries (the G-stage root has
 * 2048), a leaf at any level. Tables come from the config's pool
 * (cfg_pt_pool, as many pages as vmconfig's bound for it); emptied ones go
 * back to it.
 */
#include "gpt.h"

#include <string.h>

#include <vitrine/config.h>

#include "mmu.h"
#include "spinlock.h"

#define GPT_PPN_SHIFT 10
#define GPT_SHIFT(level) (12u + 9u * (level))

static uint32_t gpt_next;       /* pages never handed out start here */
static uint64_t *gpt_free_list; /* given back: each holds the next in word 0 */
static struct spinlock gpt_lock;

uint64_t *gpt_alloc(unsigned n)
{
	uint64_t *t = 0;

	spin_lock(&gpt_lock);
	if (n == 1 && gpt_free_list) {
		t = gpt_free_list;
		gpt_free_list = (uint64_t *)(uintptr_t)t[0];
		t[0] = 0;
	} else {
		uint32_t at = (gpt_next + n - 1) / n * n; /* naturally aligned */

		if (at + n <= cfg_system.pt_pool_pages) {
			t = cfg_pt_pool[at];
			gpt_next = at + n;
		}
	}
	spin_unlock(&gpt_lock);
	return t;
}

static void gpt_free(uint64_t *t)
{
	memset(t, 0, 4096);
	spin_lock(&gpt_lock);
	t[0] = (uint64_t)(uintptr_t)gpt_free_list;
	gpt_free_list = t;
	spin_unlock(&gpt_lock);
}

/* Tables are in the hypervisor's image: at their physical address, unless it is coloured. */
static uint64_t *gpt_table(uint64_t pte)
{
	return mmu_table_at(pte >> GPT_PPN_SHIFT << 12);
}

static uint64_t gpt_pte(uint64_t pa, uint64_t bits)
{
	return pa >> 12 << GPT_PPN_SHIFT | bits | GPT_V;
}

static unsigned gpt_index(const struct gpt *pt, uint64_t va, unsigned level)
{
	return (unsigned)(va >> GPT_SHIFT(level)) & (level == 2 ? pt->root_entries - 1 : 511);
}

static int gpt_is_leaf(uint64_t pte)
{
	return (pte & GPT_V) && (pte & GPT_LEAF);
}

static int gpt_map_level(struct gpt *pt, uint64_t *table, unsigned level, uint64_t va, uint64_t pa,
                         uint64_t size, uint64_t attr)
{
	const uint64_t block = 1ull << GPT_SHIFT(level);

	while (size) {
		uint64_t *e = &table[gpt_index(pt, va, level)];
		uint64_t end = (va | (block - 1)) + 1, len = end - va < size ? end - va : size;

		if (len == block && !((va | pa) & (block - 1))) {
			if (*e & GPT_V)
				return -1;
			*e = gpt_pte(pa, attr | GPT_A | GPT_D);
		} else {
			if (!level || gpt_is_leaf(*e))
				return -1;
			if (!(*e & GPT_V)) {
				uint64_t *next = gpt_alloc(1);

				if (!next)
					return -1;
				*e = gpt_pte(mmu_pa(next), 0);
			}
			if (gpt_map_level(pt, gpt_table(*e), level - 1, va, pa, len, attr))
				return -1;
		}
		va += len;
		pa += len;
		size -= len;
	}
	return 0;
}

int gpt_map(struct gpt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	if ((va | pa | size) & 0xfff || va + size > (uint64_t)pt->root_entries << GPT_SHIFT(2))
		return -1;
	return gpt_map_level(pt, pt->root, 2, va, pa, size, attr);
}

static int gpt_empty(const uint64_t *table)
{
	for (unsigned i = 0; i < 512; i++)
		if (table[i])
			return 0;
	return 1;
}

static int gpt_unmap_level(struct gpt *pt, uint64_t *table, unsigned level, uint64_t va,
                           uint64_t size)
{
	const uint64_t block = 1ull << GPT_SHIFT(level);

	while (size) {
		uint64_t *e = &table[gpt_index(pt, va, level)];
		uint64_t end = (va | (block - 1)) + 1, len = end - va < size ? end - va : size;

		if (gpt_is_leaf(*e)) {
			if (len != block)
				return -1;
			*e = 0;
		} else if (*e & GPT_V) {
			uint64_t *next = gpt_table(*e);

			if (gpt_unmap_level(pt, next, level - 1, va, len))
				return -1;
			if (gpt_empty(next)) {
				*e = 0;
				gpt_free(next);
			}
		}
		va += len;
		size -= len;
	}
	return 0;
}

int gpt_unmap(struct gpt *pt, uint64_t va, uint64_t size)
{
	return gpt_unmap_level(pt, pt->root, 2, va, size);
}

uint64_t gpt_lookup(const struct gpt *pt, uint64_t va, uint64_t *pa)
{
	const uint64_t *table = pt->root;

	if (va >> GPT_SHIFT(2) >= pt->root_entries)
		return 0;
	for (unsigned level = 2;; level--) {
		uint64_t e = table[gpt_index(pt, va, level)];

		if (gpt_is_leaf(e)) {
			*pa = (e >> GPT_PPN_SHIFT << 12) + (va & ((1ull << GPT_SHIFT(level)) - 1));
			return e;
		}
		if (!(e & GPT_V) || !level)
			return 0;
		table = gpt_table(e);
	}
}
