/*
 * RISC-V translation tables (Sv39 and its G-stage form Sv39x4, 4 KiB
 * pages): one builder for the hypervisor's own map and every VM's G-stage
 * map, with 1 GiB and 2 MiB superpages wherever addresses allow.
 */
#ifndef GPT_H
#define GPT_H

#include <stdint.h>

#define GPT_V (1ull << 0)
#define GPT_R (1ull << 1)
#define GPT_W (1ull << 2)
#define GPT_X (1ull << 3)
#define GPT_U (1ull << 4) /* every G-stage leaf: guest accesses count as user ones there */
#define GPT_G (1ull << 5)
#define GPT_A (1ull << 6)
#define GPT_D (1ull << 7)
#define GPT_LEAF (GPT_R | GPT_W | GPT_X)

struct gpt {
	uint64_t *root; /* 4 KiB (Sv39) or 16 KiB (Sv39x4: a 41-bit input, 2048 root entries) */
	unsigned root_entries;
};

/* Map [va, va+size) to pa with leaf bits attr; 0, or -1 (out of tables, overlap, range). */
int gpt_map(struct gpt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr);
/* Remove the leaves of [va, va+size), giving back emptied tables; -1 if one only partly covers it.
 */
int gpt_unmap(struct gpt *pt, uint64_t va, uint64_t size);
/* The leaf entry that maps va (and in *pa where it maps it), or 0. */
uint64_t gpt_lookup(const struct gpt *pt, uint64_t va, uint64_t *pa);
/* A zeroed 4 KiB table (or n contiguous, naturally aligned), or 0. */
uint64_t *gpt_alloc(unsigned n);

#endif
