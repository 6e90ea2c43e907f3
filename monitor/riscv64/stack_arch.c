/*
 * The stack's guard on riscv64. rt runs with translation off (satp Bare):
 * here the monitor gets Sv39 tables of its own, an identity map of the low
 * 4 GiB (the PLIC, the UART, virtio-mmio, its windows and its RAM) in
 * 1 GiB pages, but for the GiB that holds the guard, in 2 MiB pages, and
 * the 2 MiB that holds it, in 4 KiB pages, the guard's left out.
 */
#include "stack_arch.h"

#include "csr.h"

#define STACK_PAGE 4096u
#define STACK_GIB (1ull << 30)
#define STACK_2MIB (1ull << 21)
#define STACK_LOW_GIBS 4
#define SV39_V 0x01u
#define SV39_RWX 0x0eu
#define SV39_AD 0xc0u /* accessed, dirty: set here, since the hart need not set them itself */
#define SV39_LEAF (SV39_V | SV39_RWX | SV39_AD)

static uint64_t stack_l1[512] __attribute__((aligned(STACK_PAGE)));
static uint64_t stack_l2[512] __attribute__((aligned(STACK_PAGE)));
static uint64_t stack_l3[512] __attribute__((aligned(STACK_PAGE)));

static uint64_t sv39_pte(uint64_t pa, uint64_t flags)
{
	return pa >> 12 << 10 | flags;
}

void stack_arch_guard(uintptr_t guard)
{
	uint64_t gib = guard & ~(STACK_GIB - 1), mib = guard & ~(STACK_2MIB - 1);

	for (uint64_t i = 0; i < STACK_LOW_GIBS; i++)
		stack_l1[i] = sv39_pte(i * STACK_GIB, SV39_LEAF);
	for (uint64_t i = 0; i < 512; i++)
		stack_l2[i] = sv39_pte(gib + i * STACK_2MIB, SV39_LEAF);
	for (uint64_t i = 0; i < 512; i++)
		stack_l3[i] = sv39_pte(mib + i * STACK_PAGE, SV39_LEAF);
	stack_l3[(guard - mib) / STACK_PAGE] = 0; /* the guard: no mapping */
	stack_l2[(mib - gib) / STACK_2MIB] = sv39_pte((uintptr_t)stack_l3, SV39_V);
	stack_l1[gib / STACK_GIB] = sv39_pte((uintptr_t)stack_l2, SV39_V);
	__asm__ volatile("sfence.vma" ::: "memory"); /* the tables written before the walks */
	csr_write(satp, SATP_SV39 | (uintptr_t)stack_l1 >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
}

void stack_arch_jump(void (*fn)(void), void *top)
{
	__asm__ volatile("mv sp, %0\n\tjr %1" ::"r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}
