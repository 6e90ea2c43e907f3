/*
 * Where the hypervisor lives. It runs at a high virtual address so that
 * nothing a guest executes can alias it (and instruction counters that see
 * only the PC can tell the two apart). Included by C, assembly and the
 * linker script: plain numbers only.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#define HYP_VA_OFFSET 0xff0000000000 /* hypervisor VA = PA + this */
#define HYP_WINDOW_VA 0xff8000000000 /* per-pCPU transient windows */
#define HYP_WINDOW_SIZE 0x40000000   /* 1 GiB each */
#define HYP_RINGS_VA 0xff7000000000  /* the trace rings, when the config colours them */
#define CPU_STACK_SIZE 0x4000

#endif
