/*
 * The last-level cache's geometry, for the system page and to check the
 * platform's colour count (PLAT_LLC_COLORS) against. Read at EL2 from
 * CLIDR_EL1 and, through CSSELR_EL1, CCSIDR_EL1: the highest level that
 * holds data is taken as the LLC.
 */
#include <vitrine/sysview.h>

#include "arch.h"
#include "sysreg.h"

#define CACHE_PAGE 4096u
#define CLIDR_CTYPE(clidr, level) ((uint32_t)((clidr) >> (3 * ((level)-1))) & 7)
#define CTYPE_DATA 2 /* 2 data only, 3 separate I and D, 4 unified: all hold data */

void arch_llc_geometry(struct vt_sys_llc *llc)
{
	uint64_t clidr = sysreg_read(clidr_el1), ccsidr;
	/* FEAT_CCIDX (ID_AA64MMFR2_EL1.CCIDX) widens CCSIDR_EL1's fields. */
	int ccidx = (sysreg_read(id_aa64mmfr2_el1) >> 20 & 0xf) == 1;
	uint32_t level = 0;

	for (uint32_t l = 1; l <= 7 && CLIDR_CTYPE(clidr, l); l++)
		if (CLIDR_CTYPE(clidr, l) >= CTYPE_DATA)
			level = l;
	*llc = (struct vt_sys_llc){0};
	if (!level)
		return;
	/* CSSELR_EL1 is the guest's register too: no guest runs yet, and it is put back. */
	sysreg_write(csselr_el1, (level - 1) << 1);
	isb();
	ccsidr = sysreg_read(ccsidr_el1);
	sysreg_write(csselr_el1, 0);
	isb();
	llc->level = level;
	llc->line = 16u << (ccsidr & 7);
	if (ccidx) {
		llc->ways = (uint32_t)(ccsidr >> 3 & 0x1fffff) + 1;
		llc->sets = (uint32_t)(ccsidr >> 32 & 0xffffff) + 1;
	} else {
		llc->ways = (uint32_t)(ccsidr >> 3 & 0x3ff) + 1;
		llc->sets = (uint32_t)(ccsidr >> 13 & 0x7fff) + 1;
	}
	llc->size = (uint64_t)llc->sets * llc->ways * llc->line;
	/* One way's worth of pages: a page smaller than a way's span still has one colour. */
	llc->colors = (uint32_t)(llc->size / ((uint64_t)llc->ways * CACHE_PAGE));
	if (!llc->colors)
		llc->colors = 1;
}
