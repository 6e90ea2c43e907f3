/*
 * The victim's kernels (kernels.h). Each calls kern_step() about once per
 * memory access it makes: every INTF_CHUNK steps the vCPU yields, which is
 * where QEMU's round-robin switches to the hogs (rt/intf.h), as if they ran
 * in parallel.
 */
#include "kernels.h"

#include "intf.h"
#include "rt.h"

struct kern_node {
	uint32_t next;
	uint32_t pad[KERN_LINE / 4 - 1];
};

static struct kern_node kern_nodes[KERN_CHASE_MAX / KERN_LINE] __attribute__((aligned(4096)));
static uint32_t kern_ints[KERN_QSORT_N];
static uint8_t kern_bytes[KERN_CRC_BYTES];
static uint32_t kern_a[KERN_MM_N][KERN_MM_N], kern_b[KERN_MM_N][KERN_MM_N],
    kern_c[KERN_MM_N][KERN_MM_N];
static char kern_text[KERN_TEXT_BYTES];
static uint32_t kern_steps;

static inline void kern_step(void)
{
	if (++kern_steps % INTF_CHUNK == 0)
		rt_relax();
}

static uint64_t kern_rng;

static void kern_seed(uint64_t seed)
{
	kern_rng = seed * 0x9e3779b97f4a7c15ull;
}

static uint64_t kern_rand(void)
{
	kern_rng ^= kern_rng << 13;
	kern_rng ^= kern_rng >> 7;
	kern_rng ^= kern_rng << 17;
	return kern_rng;
}

uint64_t kern_chase(uint32_t bytes, uint32_t passes)
{
	uint32_t n = bytes / KERN_LINE, idx = 0;
	uint64_t sum = 0;

	if (n < 2 || bytes > KERN_CHASE_MAX)
		return 0;
	/* Sattolo's shuffle of the identity: one cycle through every line, in random order. */
	kern_seed(1);
	for (uint32_t i = 0; i < n; i++) {
		kern_nodes[i].next = i;
		kern_step();
	}
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(kern_rand() % i), t = kern_nodes[i].next;

		kern_nodes[i].next = kern_nodes[j].next;
		kern_nodes[j].next = t;
		kern_step();
	}
	for (uint64_t h = (uint64_t)n * passes; h; h--) {
		idx = *(volatile uint32_t *)&kern_nodes[idx].next;
		sum += idx;
		kern_step();
	}
	return sum;
}

static void kern_swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;

	*a = *b;
	*b = t;
}

/* Quicksort with a median-of-three pivot; insertion sort below 16; recursion on the smaller side.
 */
static void kern_sort(uint32_t *a, int32_t lo, int32_t hi)
{
	while (hi - lo >= 16) {
		int32_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		uint32_t p;

		if (a[mid] < a[lo])
			kern_swap(&a[mid], &a[lo]);
		if (a[hi] < a[lo])
			kern_swap(&a[hi], &a[lo]);
		if (a[hi] < a[mid])
			kern_swap(&a[hi], &a[mid]);
		p = a[mid];
		while (i <= j) {
			while (a[i] < p) {
				i++;
				kern_step();
			}
			while (a[j] > p) {
				j--;
				kern_step();
			}
			if (i <= j)
				kern_swap(&a[i++], &a[j--]);
		}
		if (j - lo < hi - i) {
			kern_sort(a, lo, j);
			lo = i;
		} else {
			kern_sort(a, i, hi);
			hi = j;
		}
	}
	for (int32_t i = lo + 1; i <= hi; i++) {
		uint32_t v = a[i];
		int32_t k = i - 1;

		for (; k >= lo && a[k] > v; k--) {
			a[k + 1] = a[k];
			kern_step();
		}
		a[k + 1] = v;
	}
}

uint32_t kern_qsort(void)
{
	uint32_t sum = 0;

	kern_seed(2);
	for (uint32_t i = 0; i < KERN_QSORT_N; i++) {
		kern_ints[i] = (uint32_t)(kern_rand() >> 32);
		kern_step();
	}
	kern_sort(kern_ints, 0, KERN_QSORT_N - 1);
	for (uint32_t i = 0; i < KERN_QSORT_N; i++) {
		if (i && kern_ints[i - 1] > kern_ints[i])
			return 0;
		sum += kern_ints[i] * (i + 1);
		kern_step();
	}
	return sum;
}

uint32_t kern_crc32(void)
{
	static uint32_t table[256];
	uint32_t crc = 0xffffffffu;

	/* Reflected CRC-32 (polynomial 0xEDB88320), as zlib computes it. */
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	kern_seed(3);
	for (uint32_t i = 0; i < KERN_CRC_BYTES; i += 8) {
		uint64_t r = kern_rand();

		for (int k = 0; k < 8; k++)
			kern_bytes[i + k] = (uint8_t)(r >> (8 * k));
		kern_step();
	}
	for (uint32_t i = 0; i < KERN_CRC_BYTES; i++) {
		crc = table[(crc ^ kern_bytes[i]) & 0xff] ^ (crc >> 8);
		if (i % 8 == 0)
			kern_step();
	}
	return crc ^ 0xffffffffu;
}

uint32_t kern_matmul(void)
{
	uint32_t sum = 0;

	kern_seed(4);
	for (uint32_t i = 0; i < KERN_MM_N; i++)
		for (uint32_t j = 0; j < KERN_MM_N; j++) {
			kern_a[i][j] = (uint32_t)(kern_rand() & 0xff);
			kern_b[i][j] = (uint32_t)(kern_rand() & 0xff);
			kern_step();
		}
	for (uint32_t i = 0; i < KERN_MM_N; i++)
		for (uint32_t j = 0; j < KERN_MM_N; j++) {
			uint32_t s = 0;

			for (uint32_t k = 0; k < KERN_MM_N; k++) {
				s += kern_a[i][k] * kern_b[k][j];
				kern_step();
			}
			kern_c[i][j] = s;
		}
	for (uint32_t i = 0; i < KERN_MM_N; i++)
		for (uint32_t j = 0; j < KERN_MM_N; j++)
			sum += kern_c[i][j] * (i ^ j);
	return sum;
}

uint32_t kern_search(void)
{
	static const char pat[] = KERN_PATTERN;
	const uint32_t m = sizeof pat - 1;
	uint32_t found = 0;

	kern_seed(5);
	for (uint32_t i = 0; i < KERN_TEXT_BYTES; i++) {
		kern_text[i] = (char)('a' + kern_rand() % 4);
		if (i % 8 == 0)
			kern_step();
	}
	for (uint32_t i = 0; i + m <= KERN_TEXT_BYTES; i++) {
		uint32_t k = 0;

		while (k < m && kern_text[i + k] == pat[k])
			k++;
		found += k == m;
		kern_step();
	}
	return found;
}
