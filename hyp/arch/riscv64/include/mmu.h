/* The hypervisor's own address space (mmu.c). */
#ifndef MMU_H
#define MMU_H

void mmu_init(void);
void mmu_enable(void);

#endif
