/* The hypervisor's own address space (mmu.c). */
#ifndef MMU_H
#define MMU_H

#include <stdint.h>

void mmu_init(void);
void mmu_enable(void);
/*
 * A table's (or any of the image's) physical address from its address, and
 * back: the same unless the image is coloured (`hypervisor colors`), when
 * it runs at its linked addresses from frames of its colours.
 */
uint64_t mmu_pa(const void *va);
uint64_t *mmu_table_at(uint64_t pa);
/* What secondary harts load into satp first thing (boot.S): written before the image moves. */
extern uint64_t mmu_satp;

#endif
