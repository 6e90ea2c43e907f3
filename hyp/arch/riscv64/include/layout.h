/*
 * Where the hypervisor lives: at its physical address (VA == PA), with the
 * per-pCPU windows to load a VM's memory and its coloured trace rings above
 * all RAM. Included by C,
 * assembly and the linker script: plain numbers only.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#define HYP_WINDOW_VA 0x2000000000 /* Sv39: below 256 GiB, far above RAM */
#define HYP_RINGS_VA 0x1000000000  /* coloured trace rings (`trace colors`), page by page */
#define HYP_WINDOW_SIZE 0x80000000 /* 2 GiB each: any 1 GiB chunk, superpages aligned or not */
#define CPU_STACK_SIZE 0x4000
#define ARCH_FRAME_SIZE (34 * 8) /* struct arch_regs */

#endif
