/*
 * The victim's workloads, MiBench-like but written here: a pointer chase
 * over a working set near the LLC's size (the cache-sensitive one), a
 * quicksort of integers, a CRC32 over a buffer, an integer matrix multiply
 * and a substring count. Inputs come from a fixed-seed xorshift generator,
 * so every result is known in advance (the KERN_*_SUM constants, checked
 * against a host recomputation when they were set).
 */
#ifndef KERNELS_H
#define KERNELS_H

#include <stdint.h>

#define KERN_LINE 64
#define KERN_CHASE_MAX (1u << 20) /* bytes: the chase's largest working set */

#define KERN_QSORT_N 16384
#define KERN_CRC_BYTES (256u << 10)
#define KERN_MM_N 64
#define KERN_TEXT_BYTES (128u << 10)
#define KERN_PATTERN "abcdab"

/* Sum of the node indices visited by `passes` passes over `bytes`: known in closed form. */
uint64_t kern_chase(uint32_t bytes, uint32_t passes);
/* Sorts KERN_QSORT_N integers; returns sum of a[i] * (i + 1), or 0 if not sorted. */
uint32_t kern_qsort(void);
uint32_t kern_crc32(void);
/* C = A x B on KERN_MM_N square matrices of small integers; returns sum of C[i][j] * (i ^ j). */
uint32_t kern_matmul(void);
/* Occurrences (overlapping) of KERN_PATTERN in a random text over "abcd". */
uint32_t kern_search(void);

#endif
