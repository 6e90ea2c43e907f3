/* The hypervisor's table pool, shared by its own map and every stage-2 map. */
#ifndef MMU_H
#define MMU_H

#include <stdint.h>

#include "pt.h"

struct vm;

void mmu_init(void);
uint64_t *pt_pool_alloc(void);
uint64_t *mmu_table_alloc(void); /* pt_pool_alloc under the lock */
void s2_activate(const struct vm *vm);
int s2_map_range(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size, uint64_t attr);
int mmu_pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr);
/* An empty tree for a VM's IPA space, from the pool; -1 if the pool is empty. */
int mmu_pt_new_ipa(struct pt *pt);
struct cfg_region;
/* Region r at its IPA in pt, run by physically contiguous run (its colours followed). */
int mmu_pt_map_region(struct pt *pt, const struct cfg_region *r, uint64_t attr);
/* Tables of a coloured hypervisor are not contiguous: give pt its translation then. */
void mmu_pt_translate(struct pt *pt);
/* The physical address of pt's root table (for TTBR/VTTBR). */
uint64_t mmu_pt_root_pa(const struct pt *pt);

#endif
