/*
 * The stack's guard on Armv8-A. rt maps the monitor with 1 GiB blocks;
 * here the GiB that holds the guard is remapped with 2 MiB blocks, and the
 * 2 MiB that holds it with 4 KiB pages, the guard's left out.
 */
#include "stack_arch.h"

#include <string.h>

#define STACK_PAGE 4096u
#define STACK_NORMAL ((3u << 8) | (1u << 10)) /* inner shareable, accessed, MAIR index 0 */
#define STACK_BLOCK 1u                        /* a level-1/2 block */
#define STACK_TABLE 3u                        /* a table, or a level-3 page */
#define STACK_GIB (1ull << 30)
#define STACK_2MIB (1ull << 21)

static uint64_t stack_l1[512] __attribute__((aligned(STACK_PAGE)));
static uint64_t stack_l2[512] __attribute__((aligned(STACK_PAGE)));
static uint64_t stack_l3[512] __attribute__((aligned(STACK_PAGE)));

/*
 * The same addresses with smaller mappings: switched with the MMU off for
 * the moment it takes, since changing a block's size in place would need
 * break-before-make on live mappings. Nothing in between touches memory.
 */
static void stack_switch_tables(uint64_t ttbr)
{
	uint64_t sctlr;

	__asm__ volatile("dsb ish\n\t"
	                 "mrs %0, sctlr_el1\n\t"
	                 "bic %0, %0, #1\n\t"
	                 "msr sctlr_el1, %0\n\t"
	                 "isb\n\t"
	                 "msr ttbr0_el1, %1\n\t"
	                 "isb\n\t"
	                 "tlbi vmalle1\n\t"
	                 "dsb nsh\n\t"
	                 "orr %0, %0, #1\n\t"
	                 "msr sctlr_el1, %0\n\t"
	                 "isb"
	                 : "=&r"(sctlr)
	                 : "r"(ttbr)
	                 : "memory");
}

void stack_arch_guard(uintptr_t guard)
{
	uint64_t gib = guard & ~(STACK_GIB - 1), mib = guard & ~(STACK_2MIB - 1);
	uint64_t ttbr;

	/* rt's identity map (guests/rt/crt0.S): 1 GiB blocks, where TTBR0_EL1 points. */
	__asm__ volatile("mrs %0, ttbr0_el1" : "=r"(ttbr));
	memcpy(stack_l1, (const void *)(uintptr_t)(ttbr & 0xfffffffff000ull), sizeof stack_l1);
	for (uint64_t i = 0; i < 512; i++)
		stack_l2[i] = (gib + i * STACK_2MIB) | STACK_NORMAL | STACK_BLOCK;
	for (uint64_t i = 0; i < 512; i++)
		stack_l3[i] = (mib + i * STACK_PAGE) | STACK_NORMAL | STACK_TABLE;
	stack_l3[(guard - mib) / STACK_PAGE] = 0; /* the guard: no mapping */
	stack_l2[(mib - gib) / STACK_2MIB] = (uint64_t)(uintptr_t)stack_l3 | STACK_TABLE;
	stack_l1[gib / STACK_GIB] = (uint64_t)(uintptr_t)stack_l2 | STACK_TABLE;
	stack_switch_tables((uint64_t)(uintptr_t)stack_l1);
}

void stack_arch_jump(void (*fn)(void), void *top)
{
	__asm__ volatile("mov sp, %0\n\tbr %1" ::"r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}
