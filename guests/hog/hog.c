/*
 * A memory hog for the interference experiment: streams over a buffer much
 * larger than the LLC (one load per 64-byte line), yielding every
 * INTF_CHUNK lines so the emulator interleaves it with the victim, until
 * the victim raises `done` in the shared page (rt/intf.h). Then it prints
 * how many lines it read and powers its VM off.
 *
 * arg: bits 0..7   hog index, 0..INTF_MAX_HOGS-1 (its ready slot)
 *      bits 8..15  buffer size in MiB (0: HOG_DEFAULT_MIB, at most HOG_MAX_MIB)
 */
#include "intf.h"
#include "rt.h"

#define HOG_LINE 64
#define HOG_MAX_MIB 8
#define HOG_DEFAULT_MIB 4

static uint8_t hog_buf[HOG_MAX_MIB << 20] __attribute__((aligned(4096)));

void main(uint64_t arg)
{
	uint32_t idx = (uint32_t)(arg & 0xff) % INTF_MAX_HOGS;
	uint64_t mib = (arg >> 8) & 0xff;
	struct intf_page *pg = intf_page();
	uint64_t lines, passes = 0, sum = 0, i = 0;

	if (!mib || mib > HOG_MAX_MIB)
		mib = HOG_DEFAULT_MIB;
	lines = (mib << 20) / HOG_LINE;
	__atomic_store_n(&pg->ready[idx], 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&pg->done, __ATOMIC_ACQUIRE)) {
		for (uint32_t k = 0; k < INTF_CHUNK; k++) {
			sum += *(volatile uint64_t *)&hog_buf[i * HOG_LINE];
			if (++i == lines) {
				i = 0;
				passes++;
			}
		}
		rt_relax();
	}
	rt_printf("hog %u: %llu MiB buffer, %llu passes and %llu lines (sum %llu)\n", idx,
	          (unsigned long long)mib, (unsigned long long)passes, (unsigned long long)i,
	          (unsigned long long)sum);
}
