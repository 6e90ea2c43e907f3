/*
 * VMSAv8-64 translation tables, 4 KiB granule: the one table builder used
 * for the hypervisor's own EL2 stage-1 map and for every VM's stage-2 map.
 * Pure C without system registers, so the host unit tests exercise it too.
 */
#ifndef PT_H
#define PT_H

#include <stdint.h>

#define PT_VALID (1ull << 0)
#define PT_TABLE_OR_PAGE (1ull << 1)
#define PT_ADDR_MASK 0x0000fffffffff000ull
#define PT_AF (1ull << 10)
#define PT_SH_INNER (3ull << 8)
#define PT_XN (1ull << 54)

/* EL2 stage 1: MAIR_EL2 attr0 normal write-back, attr1 device nGnRE */
#define PT_S1_NORMAL ((0ull << 2) | PT_SH_INNER | PT_AF)
#define PT_S1_DEVICE ((1ull << 2) | PT_AF | PT_XN)
#define PT_S1_RO (1ull << 7) /* AP[2]; a single privilege level */

/* Stage 2: MemAttr and S2AP */
#define PT_S2_NORMAL ((0xfull << 2) | PT_SH_INNER | PT_AF)
#define PT_S2_DEVICE ((0x1ull << 2) | PT_AF | PT_XN)
#define PT_S2_R (1ull << 6)
#define PT_S2_W (1ull << 7)

struct pt {
	uint64_t *root;
	uint64_t va_offset; /* a table's address here = its physical address + va_offset, */
	/* ... unless these translate (a coloured hypervisor's tables are not contiguous) */
	uint64_t (*pa_of)(const uint64_t *table);
	uint64_t *(*table_at)(uint64_t pa);
	uint64_t *(*alloc)(void);      /* a zeroed, 4 KiB aligned table or 0 */
	void (*free)(uint64_t *table); /* 0: tables are never given back */
	unsigned root_level;           /* 0 (48-bit input) or 1 (39-bit input) */
};

#define PT_LEVEL_SHIFT(level) (39u - 9u * (level))

/*
 * Map [va, va+size) to pa with attribute bits attr, using 1 GiB and 2 MiB
 * blocks wherever va, pa and the remaining size allow. Returns 0, or -1 if
 * a table could not be allocated, the range is partly mapped already, or
 * it goes beyond what the root level translates.
 */
int pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr);

/*
 * Remove the entries that map [va, va+size); -1 if one only partly covers
 * it. Tables left empty are given back to pt->free, except those hanging
 * directly off the root (they may be shared by ranges other users map).
 * The caller invalidates the TLBs before a freed table can be reused.
 */
int pt_unmap(struct pt *pt, uint64_t va, uint64_t size);

/* Calls fn for every leaf (block or page) of the tree, in address order. */
void pt_walk(const struct pt *pt, void (*fn)(void *ctx, uint64_t va, uint64_t desc, unsigned level),
             void *ctx);

/* The leaf descriptor that maps va (0 if none), and its level. */
uint64_t pt_lookup(const struct pt *pt, uint64_t va, unsigned *level);

#endif
