/*
 * The PLIC's register layout (RISC-V PLIC specification 1.0), shared by the
 * hypervisor's driver (plic.c) and the one each VM sees (vplic.c), and the
 * driver's calls: the hypervisor takes a pass-through source in its S-mode
 * context of the pCPU the source is given to, and completes it once the
 * guest has.
 */
#ifndef PLIC_H
#define PLIC_H

#include <stdint.h>

#define PLIC_PRIORITY 0x0 /* one 32-bit word per source */
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000 /* per context: one bit per source */
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000 /* per context: threshold, claim/complete */
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD 0x0
#define PLIC_CLAIM 0x4
#define PLIC_CONTEXTS 15872   /* contexts the layout has room for */
#define PLIC_PRIORITY_MASK 7u /* QEMU's PLIC: priorities 0 (never) to 7 */

void plic_init(void);
/* This pCPU's S-mode context: every source off, threshold 0. */
void plic_cpu_init(void);
void plic_priority(uint32_t src, uint32_t prio);
void plic_enable(uint32_t src, uint32_t pcpu, int on);
/* The source this pCPU's context claims (0: none). */
uint32_t plic_claim(void);
void plic_complete(uint32_t src, uint32_t pcpu);

#endif
