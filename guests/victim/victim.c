/*
 * The interference experiment's victim (bench/interference.sh): a fixed
 * amount of work, timed by the virtual counter, then a report. With hogs,
 * it waits until each has said it is streaming (rt/intf.h), does its work,
 * raises `done` and powers off, which ends the hogs too.
 *
 * arg: bits 0..15  chase passes over the working set (0: no work at all,
 *                  the baseline run whose LLC counts the bench subtracts)
 *      bits 16..23 hogs to wait for (0: none; the shared page is not touched)
 *      bits 24..31 the chase's working set in 64 KiB units (0: 7, 448 KiB;
 *                  at most 16)
 *      bit  32     skip the other kernels (the chase alone)
 *
 * Prints what it did, one line per kernel (its result, the counter ticks it
 * took, and whether the result is the known one), then the verdict:
 *   victim: working set 448 KiB, P passes, H hogs
 *   victim: chase: result 0x... ticks T ok
 *   victim: qsort: result 0x7647232e ticks T ok     (crc32, matmul, search alike)
 *   victim: work W ticks, H hogs: ok                (or FAIL)
 */
#include "intf.h"
#include "kernels.h"
#include "rt.h"
#include "timer.h"

/* Known results (a host recomputation of the same inputs agrees). */
#define VICTIM_QSORT_SUM 0x7647232eu
#define VICTIM_CRC 0xa2ac4c8eu
#define VICTIM_MM_SUM 0x66c749b2u
#define VICTIM_MATCHES 39u

struct victim_result {
	const char *name;
	uint64_t value, want, ticks;
};

static struct victim_result victim_res[5];
static uint32_t victim_nres;

static void victim_record(const char *name, uint64_t value, uint64_t want, uint64_t t0)
{
	victim_res[victim_nres++] = (struct victim_result){name, value, want, timer_now() - t0};
}

void main(uint64_t arg)
{
	uint32_t passes = (uint32_t)(arg & 0xffff), hogs = (uint32_t)(arg >> 16 & 0xff);
	uint32_t units = (uint32_t)(arg >> 24 & 0xff), bytes, n;
	struct intf_page *pg = intf_page();
	uint64_t t0, start;
	int ok = 1;

	if (!units)
		units = 7;
	if (units > KERN_CHASE_MAX >> 16)
		units = KERN_CHASE_MAX >> 16;
	if (hogs > INTF_MAX_HOGS)
		hogs = INTF_MAX_HOGS;
	bytes = units << 16;
	n = bytes / KERN_LINE;
	for (uint32_t i = 0; i < hogs; i++)
		while (!__atomic_load_n(&pg->ready[i], __ATOMIC_ACQUIRE))
			rt_relax();

	start = timer_now();
	if (passes) {
		t0 = timer_now();
		victim_record("chase", kern_chase(bytes, passes),
		              (uint64_t)passes * n * (n - 1) / 2, t0);
		if (!(arg >> 32 & 1)) {
			t0 = timer_now();
			victim_record("qsort", kern_qsort(), VICTIM_QSORT_SUM, t0);
			t0 = timer_now();
			victim_record("crc32", kern_crc32(), VICTIM_CRC, t0);
			t0 = timer_now();
			victim_record("matmul", kern_matmul(), VICTIM_MM_SUM, t0);
			t0 = timer_now();
			victim_record("search", kern_search(), VICTIM_MATCHES, t0);
		}
	}
	t0 = timer_now() - start;
	if (hogs)
		__atomic_store_n(&pg->done, 1, __ATOMIC_RELEASE);

	/* Reported after the work: the console's exits stay out of the measured window. */
	rt_printf("victim: working set %u KiB, %u passes, %u hogs\n", bytes >> 10, passes, hogs);
	for (uint32_t i = 0; i < victim_nres; i++) {
		const struct victim_result *r = &victim_res[i];

		rt_printf("victim: %s: result 0x%llx ticks %llu %s\n", r->name,
		          (unsigned long long)r->value, (unsigned long long)r->ticks,
		          r->value == r->want ? "ok" : "FAIL");
		ok &= r->value == r->want;
	}
	rt_printf("victim: work %llu ticks, %u hogs: %s\n", (unsigned long long)t0, hogs,
	          ok ? "ok" : "FAIL");
}
