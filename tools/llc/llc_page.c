/*
 * llc-page FILE [OFFSET]: prints the emulated LLC's counters page (the
 * layout in include/vitrine/llc.h) from FILE, QEMU's RAM file while or
 * after it runs (or a 4 KiB copy of the page, OFFSET 0), in the lines of the
 * plugin's summary, so the two can be compared. Takes a consistent copy
 * (the seqlock) and checks it: magic, version, row count, hits + misses =
 * accesses. Exits 1 on a bad page. With the timing model on, also its
 * "llc: time:" lines.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vitrine/llc.h>

#include "llc_model.h"
#include "platform.h"

static int llcp_read(FILE *f, long offset, struct vt_llc_page *p)
{
	return fseek(f, offset, SEEK_SET) == 0 && fread(p, sizeof(*p), 1, f) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct vt_llc_page p;
	uint64_t seq;
	long offset = argc > 2 ? strtol(argv[2], NULL, 0) : (long)(VT_LLC_PAGE_PA - PLAT_RAM_BASE);
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	int tries = 0;

	if (!f) {
		fprintf(stderr, "usage: llc-page FILE [OFFSET] (cannot open %s)\n",
		        argc > 1 ? argv[1] : "-");
		return 2;
	}
	do { /* the seqlock: an even sequence number, the same before and after the copy */
		if (llcp_read(f, offset, &p) || fseek(f, offset + 8, SEEK_SET) ||
		    fread(&seq, sizeof(seq), 1, f) != 1) {
			fprintf(stderr, "llc-page: %s: no page at offset %ld\n", argv[1], offset);
			return 1;
		}
	} while ((p.seq & 1 || p.seq != seq) && ++tries < 1000);
	fclose(f);
	if (p.magic != VT_LLC_MAGIC || p.version != VT_LLC_VERSION || p.cpus > VT_LLC_CPUS ||
	    p.seq & 1 || p.seq != seq) {
		fprintf(
		    stderr,
		    "llc-page: not a counters page (magic 0x%x, version %u, %u rows, seq %" PRIu64
		    ")\n",
		    p.magic, p.version, p.cpus, p.seq);
		return 1;
	}
	printf("llc: page: %" PRIu64
	       " KiB, %u ways, %u-byte lines, %u sets, %u vCPUs, published %" PRIu64
	       " times, io accesses %" PRIu64 "\n",
	       p.size / 1024, p.ways, p.line, p.sets, p.cpus, p.publishes, p.io);

	struct llc_count t = {0};
	int bad = 0;
	for (unsigned i = 0; i < p.cpus; i++) {
		const struct vt_llc_cpu *r = &p.cpu[i];
		struct llc_count c = {r->loads, r->load_misses, r->stores, r->store_misses};
		char name[32];

		bad |= r->load_hits + r->load_misses != r->loads ||
		       r->store_hits + r->store_misses != r->stores;
		snprintf(name, sizeof(name), "vcpu %u", i);
		llc_print(stdout, name, &c);
		t.loads += c.loads;
		t.load_misses += c.load_misses;
		t.stores += c.stores;
		t.store_misses += c.store_misses;
	}
	llc_print(stdout, "total", &t);
	for (unsigned i = 0; i < p.cpus && p.freq_mhz; i++) {
		const struct vt_llc_cpu *r = &p.cpu[i];
		uint64_t ns = r->cycles * 1000 / p.freq_mhz;

		printf("llc: time: vcpu %u: insns %" PRIu64 " cycles %" PRIu64 " ns %" PRIu64
		       " bus_bytes %" PRIu64 " bus_mbps %" PRIu64 " prefetched %" PRIu64 "\n",
		       i, r->insns, r->cycles, ns, r->bus_bytes, ns ? r->bus_bytes * 1000 / ns : 0,
		       r->prefetched);
	}
	if (bad) {
		fprintf(stderr, "llc-page: hits + misses differ from accesses\n");
		return 1;
	}
	return 0;
}
