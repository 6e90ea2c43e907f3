/*
 * Host unit tests of coloured placement (hyp/core/color.h): every page of a
 * coloured region is of its colours, inside the span vmconfig reserved,
 * and no two pages coincide, also between regions with disjoint colours
 * placed from the same period, as vmconfig places them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"

#define BASE 0x42000000ull

static int failures;

static void result(const char *name, int ok)
{
	printf("%s unit/color: %s\n", ok ? "PASS" : "FAIL", name);
	failures += !ok;
}

/* Pages of r: each of its colours, inside [pa, pa + periods), none twice (marks in seen[]). */
static int color_region_ok(const struct cfg_region *r, unsigned char *seen, uint64_t span)
{
	uint64_t k = (uint64_t)__builtin_popcount(r->colors);
	uint64_t periods = (r->size / COLOR_PAGE + k - 1) / k;

	for (uint64_t off = 0; off < r->size; off += COLOR_PAGE) {
		uint64_t pa = color_pa(r, off), page;

		if (color_pa(r, off + 123) != pa + 123 || !(r->colors >> color_of(pa) & 1) ||
		    pa < r->pa || pa >= r->pa + periods * COLOR_PERIOD ||
		    (pa - BASE) / COLOR_PAGE >= span)
			return 0;
		page = (pa - BASE) / COLOR_PAGE;
		if (seen[page]++)
			return 0;
	}
	return 1;
}

int main(void)
{
	static const uint32_t sets[] = {0x1, 0xf, 0xf0, 0x5555, 0xaaaa, 0x8001, 0xffff, 0x0ff0};
	uint64_t span = 4096 * PLAT_LLC_COLORS;
	unsigned char *seen = calloc(span, 1);
	int all = 1;

	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		struct cfg_region r = {.pa = BASE, .size = 257 * COLOR_PAGE, .colors = sets[i]};

		memset(seen, 0, span);
		all &= color_region_ok(&r, seen, span);
	}
	result("every page of its colours, in its span, none twice", all);

	/* Disjoint sets from the same period: a page each, never the same one. */
	{
		struct cfg_region a = {.pa = BASE, .size = 1000 * COLOR_PAGE, .colors = 0x5555};
		struct cfg_region b = {.pa = BASE, .size = 1000 * COLOR_PAGE, .colors = 0xaaaa};

		memset(seen, 0, span);
		result("disjoint colours share periods, never a page",
		       color_region_ok(&a, seen, span) && color_region_ok(&b, seen, span));
	}
	{
		struct cfg_region u = {.pa = BASE, .size = 5 * COLOR_PAGE};

		result("uncoloured is contiguous",
		       color_pa(&u, 3 * COLOR_PAGE + 7) == BASE + 0x3007);
	}
	{
		struct cfg_region r = {
		    .pa = BASE, .size = 8 * COLOR_PAGE, .colors = 0x3}; /* 0, 1 */

		result("colours 0-1: pages 0,1 then 16,17",
		       color_pa(&r, 0) == BASE && color_pa(&r, COLOR_PAGE) == BASE + COLOR_PAGE &&
		           color_pa(&r, 2 * COLOR_PAGE) == BASE + COLOR_PERIOD &&
		           color_pa(&r, 3 * COLOR_PAGE) == BASE + COLOR_PERIOD + COLOR_PAGE);
	}
	free(seen);
	return failures != 0;
}
