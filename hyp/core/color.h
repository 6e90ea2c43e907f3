/*
 * Cache colouring of VM memory: a coloured RAM region (cfg_region.colors)
 * is built from the 4 KiB pages of its colours, period after period (a
 * period is one page of every colour, PLAT_LLC_COLORS pages), so that two
 * VMs with disjoint colours never share an LLC set. vmconfig placed it;
 * this is where its page i is.
 */
#ifndef COLOR_H
#define COLOR_H

#include <stddef.h>
#include <stdint.h>

#include <vitrine/config.h>

#include "platform.h"

#define COLOR_PAGE 0x1000ull
#define COLOR_PERIOD ((uint64_t)PLAT_LLC_COLORS * COLOR_PAGE)

/* The LLC colour of physical address pa. */
static inline uint32_t color_of(uint64_t pa)
{
	return (uint32_t)(pa / COLOR_PAGE % PLAT_LLC_COLORS);
}

/* The physical address of byte off of region r (coloured or not). */
static inline uint64_t color_pa(const struct cfg_region *r, uint64_t off)
{
	uint64_t page = off / COLOR_PAGE, k, n;
	uint32_t set = r->colors;

	if (!set)
		return r->pa + off;
	k = (uint64_t)__builtin_popcount(set);
	for (n = page % k; n; n--) /* the (page % k)-th colour of the set */
		set &= set - 1;
	return r->pa + page / k * COLOR_PERIOD + (uint64_t)__builtin_ctz(set) * COLOR_PAGE +
	       off % COLOR_PAGE;
}

/* The reverse: the byte of coloured region r at physical address pa, or -1 if none is. */
static inline int64_t color_off(const struct cfg_region *r, uint64_t pa)
{
	uint32_t c = color_of(pa), set = r->colors;
	uint64_t page;

	if (!r->size || pa < r->pa || !(set >> c & 1))
		return -1;
	page = (pa - r->pa) / COLOR_PERIOD * (uint64_t)__builtin_popcount(set) +
	       (uint64_t)__builtin_popcount(set & ((1u << c) - 1));
	if (page * COLOR_PAGE >= r->size)
		return -1;
	return (int64_t)(page * COLOR_PAGE + pa % COLOR_PAGE);
}

/*
 * Bytes from off on that are contiguous in physical memory: the rest of an
 * uncoloured region, else a run of pages of neighbouring colours.
 */
static inline uint64_t color_run(const struct cfg_region *r, uint64_t off)
{
	uint64_t pa = color_pa(r, off), run = COLOR_PAGE - off % COLOR_PAGE;

	if (!r->colors)
		return r->size - off;
	while (off + run < r->size && color_pa(r, off + run) == pa + run)
		run += COLOR_PAGE;
	return run < r->size - off ? run : r->size - off;
}

/* "0-3,8": a colour set as configs write it, in buf. */
const char *color_list(uint32_t set, char *buf, size_t size);
/* What a walk of vm's second-stage tables found: its coloured frames, and those outside (or
 * "uncoloured"). */
void color_audit_log(const char *vm, uint32_t colors, uint64_t frames, uint64_t outside);

#endif
