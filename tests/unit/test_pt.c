/* Host unit tests of the translation-table builder (hyp/arch/aarch64/pt.c). */
#include <stdio.h>
#include <string.h>

#include "pt.h"

#define POOL 64

static int failures;
static int pool_left;
static uint64_t pool[POOL][512] __attribute__((aligned(4096)));

static uint64_t *test_alloc(void)
{
	if (pool_left <= 0)
		return 0;
	return pool[POOL - pool_left--];
}

static struct pt test_pt(unsigned root_level)
{
	memset(pool, 0, sizeof pool);
	pool_left = POOL;
	return (struct pt){.root = test_alloc(), .alloc = test_alloc, .root_level = root_level};
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("  %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
			ok = 0;                                                                    \
		}                                                                                  \
	} while (0)

static void report(const char *name, int ok)
{
	printf("%s unit/pt: %s\n", ok ? "PASS" : "FAIL", name);
	failures += !ok;
}

/* The leaf for va must translate va to pa, and sit at `level` unless that is 0. */
static int maps(const struct pt *pt, uint64_t va, uint64_t pa, unsigned level)
{
	unsigned got = 99;
	uint64_t d = pt_lookup(pt, va, &got);
	uint64_t span = 1ull << PT_LEVEL_SHIFT(got);

	return d && (!level || got == level) &&
	       (d & PT_ADDR_MASK & ~(span - 1)) + (va & (span - 1)) == pa;
}

/*
 * One range mapped into empty stage-2 tables: every page of it must
 * translate, the leaves listed must sit at their level, the holes stay
 * unmapped, and (if given) only that many tables may be taken.
 */
struct pt_case {
	const char *name;
	uint64_t ipa, pa, size;
	struct {
		uint64_t va, pa;
		unsigned level;
	} leaf[4]; /* a zero va ends the list */
	uint64_t hole[2];
	int tables; /* 0: not checked */
};

static const struct pt_case pt_cases[] = {
    {"16 MiB at 2 MiB alignment uses 2 MiB blocks only", 0x40000000, 0x42000000, 16 << 20,
     .leaf = {{0x40000000, 0x42000000, 2}, {0x40fff000, 0x42fff000, 2}},
     .hole = {0x41000000, 0x3ffff000}},
    {"1 GiB aligned range is one level-1 block", 0x80000000, 0x40000000, 1 << 30,
     .leaf = {{0x80000000, 0x40000000, 1}, {0xbffff000, 0x7ffff000, 1}}, .hole = {0xc0000000},
     .tables = 1}, /* the root only */
    /* 4 KiB before a 2 MiB boundary, then a whole block, then 8 KiB more. */
    {"unaligned edges use pages, the aligned middle a block", 0x401ff000, 0x601ff000,
     0x1000 + 0x200000 + 0x2000,
     .leaf = {{0x401ff000, 0x601ff000, 3},
              {0x40200000, 0x60200000, 2},
              {0x40400000, 0x60400000, 3},
              {0x40401000, 0x60401000, 3}},
     .hole = {0x40402000, 0x401fe000}},
    /* IPA and PA disagree modulo 2 MiB: no block may be used. */
    {"IPA/PA alignment mismatch falls back to pages", 0x40000000, 0x42001000, 4 << 20,
     .leaf = {{0x40000000, 0x42001000, 3}, {0x403ff000, 0x42400000, 3}}, .hole = {0x40400000}},
};

static void test_case(const struct pt_case *c)
{
	struct pt pt = test_pt(1);
	int ok = 1;

	CHECK(pt_map(&pt, c->ipa, c->pa, c->size, PT_S2_NORMAL) == 0);
	for (uint64_t off = 0; off < c->size && ok; off += 0x1000)
		CHECK(maps(&pt, c->ipa + off, c->pa + off, 0));
	for (unsigned i = 0; i < 4 && c->leaf[i].va; i++)
		CHECK(maps(&pt, c->leaf[i].va, c->leaf[i].pa, c->leaf[i].level));
	for (unsigned i = 0; i < 2 && c->hole[i]; i++)
		CHECK(pt_lookup(&pt, c->hole[i], &(unsigned){0}) == 0);
	if (c->tables)
		CHECK(pool_left == POOL - c->tables);
	report(c->name, ok);
}

static void test_attrs_and_overlap(void)
{
	struct pt pt = test_pt(1);
	unsigned level;
	int ok = 1;

	CHECK(pt_map(&pt, 0x09000000, 0x09000000, 0x1000, PT_S2_DEVICE | PT_S2_R) == 0);
	CHECK((pt_lookup(&pt, 0x09000000, &level) & ~PT_ADDR_MASK) ==
	      (PT_S2_DEVICE | PT_S2_R | PT_VALID | PT_TABLE_OR_PAGE));
	CHECK(pt_map(&pt, 0x09000000, 0x10000000, 0x1000, PT_S2_NORMAL) == -1);
	CHECK(pt_map(&pt, 0x08e00000, 0x10000000, 0x400000, PT_S2_NORMAL) == -1);
	report("attributes kept; mapping over a mapping is refused", ok);
}

static void test_unmap(void)
{
	struct pt pt = test_pt(0);
	int ok = 1;

	CHECK(pt_map(&pt, 0xff8000000000, 0x40000000, 4 << 20, PT_S1_NORMAL) == 0);
	CHECK(maps(&pt, 0xff8000200000, 0x40200000, 2));
	CHECK(pt_unmap(&pt, 0xff8000000000, 0x1000) == -1); /* part of a block */
	CHECK(pt_unmap(&pt, 0xff8000000000, 4 << 20) == 0);
	CHECK(pt_lookup(&pt, 0xff8000000000, &(unsigned){0}) == 0);
	CHECK(pt_lookup(&pt, 0xff8000200000, &(unsigned){0}) == 0);
	CHECK(pt_map(&pt, 0xff8000000000, 0x50000000, 4 << 20, PT_S1_NORMAL) == 0);
	CHECK(maps(&pt, 0xff8000001000, 0x50001000, 2));
	report("unmap removes whole entries and the range can be mapped again", ok);
}

static int freed;

static void test_free(uint64_t *t)
{
	int ok = 1;

	for (int i = 0; i < 512; i++)
		ok &= t[i] == 0;
	freed += ok ? 1 : 1000; /* a non-empty table must never be given back */
}

static void test_unmap_frees(void)
{
	struct pt pt = test_pt(0);
	int ok = 1;

	pt.free = test_free;
	freed = 0;
	/* A page first (L1, L2 and L3 tables), then a 2 MiB block at the same place. */
	CHECK(pt_map(&pt, 0xff8000000000, 0x44200000, 0x1000, PT_S1_NORMAL) == 0);
	CHECK(pt_unmap(&pt, 0xff8000000000, 0x1000) == 0);
	CHECK(freed == 2); /* L3 and L2; the L1 table hangs off the root and stays */
	CHECK(pt_map(&pt, 0xff8000000000, 0x42000000, 16 << 20, PT_S1_NORMAL) == 0);
	CHECK(maps(&pt, 0xff8000000000, 0x42000000, 2));
	/* Two pages in one L3 table: unmapping one keeps the table. */
	freed = 0;
	CHECK(pt_map(&pt, 0xff8040000000, 0x50000000, 0x2000, PT_S1_NORMAL) == 0);
	CHECK(pt_unmap(&pt, 0xff8040000000, 0x1000) == 0);
	CHECK(freed == 0);
	CHECK(maps(&pt, 0xff8040001000, 0x50001000, 3));
	report("unmap gives back emptied tables (only), so blocks can replace pages", ok);
}

static void test_out_of_tables(void)
{
	struct pt pt = test_pt(0);
	int ok = 1;

	pool_left = 1;
	CHECK(pt_map(&pt, 0x40000000, 0x40000000, 0x1000, PT_S1_NORMAL) == -1);
	report("running out of tables is an error, not a crash", ok);
}

static void test_beyond_reach(void)
{
	struct pt pt = test_pt(1); /* 39-bit input, as stage 2 */
	int ok = 1;

	CHECK(pt_map(&pt, 0x8040000000, 0x40000000, 16 << 20, PT_S2_NORMAL) == -1);
	CHECK(pt_map(&pt, 0x7fffe00000, 0x40000000, 4 << 20, PT_S2_NORMAL) == -1);
	CHECK(pt_map(&pt, ~0ull << 12, 0x40000000, 0x2000, PT_S2_NORMAL) == -1);
	CHECK(pt_lookup(&pt, 0x40000000, &(unsigned){0}) == 0); /* nothing aliased low */
	CHECK(pt_lookup(&pt, 0, &(unsigned){0}) == 0);
	CHECK(pt_map(&pt, 0x7fffe00000, 0x40000000, 2 << 20, PT_S2_NORMAL) == 0);
	report("addresses beyond the root's reach are refused, never wrapped", ok);
}

struct walk_sum {
	uint64_t bytes, leaves, last_va;
	int ordered;
};

static void walk_leaf(void *ctx, uint64_t va, uint64_t desc, unsigned level)
{
	struct walk_sum *w = ctx;

	(void)desc;
	w->ordered &= w->leaves == 0 || va > w->last_va;
	w->last_va = va;
	w->bytes += 1ull << PT_LEVEL_SHIFT(level);
	w->leaves++;
}

static void test_walk(void)
{
	struct pt pt = test_pt(0);
	struct walk_sum w = {0, 0, 0, 1};
	int ok = 1;

	CHECK(pt_map(&pt, 0xff0040000000, 0x40000000, 0x203000, PT_S1_NORMAL) == 0);
	CHECK(pt_map(&pt, 0xff0009000000, 0x09000000, 0x1000, PT_S1_DEVICE) == 0);
	CHECK(pt_map(&pt, 0x80000000, 0x80000000, 1 << 30, PT_S1_NORMAL) == 0);
	pt_walk(&pt, walk_leaf, &w);
	CHECK(w.bytes == 0x203000 + 0x1000 + (1 << 30));
	CHECK(w.leaves == 1 + 3 + 1 + 1); /* 2 MiB block + 3 pages, a page, a 1 GiB block */
	CHECK(w.ordered);
	report("walk visits every leaf once, in address order", ok);
}

int main(void)
{
	for (unsigned i = 0; i < sizeof pt_cases / sizeof pt_cases[0]; i++)
		test_case(&pt_cases[i]);
	test_attrs_and_overlap();
	test_unmap();
	test_out_of_tables();
	test_beyond_reach();
	test_walk();
	test_unmap_frees();
	return failures != 0;
}
