/*
 * libFuzzer harness for vtrace: any input either parses as a dump or gets an
 * error naming an offset; a dump that parses goes through the listing, the
 * stats and the Perfetto writer, whose output must pass the checker. The
 * raw input also goes through the checker, which must not crash on it.
 *
 * Built with -fsanitize=fuzzer (`make fuzz-trace`), or with -DFUZZ_REPLAY
 * and any compiler: then main() replays the files named on the command line.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../trace/vtrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct pbc_summary s;
	struct vtrace t;
	char err[256];
	uint8_t *pf;
	size_t len;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	pbc_check(data, size, &s, err, sizeof(err));
	if (dump_parse(data, size, &t, err, sizeof(err))) {
		if (strncmp(err, "offset ", 7) != 0) {
			fprintf(stderr, "error without an offset: %s\n", err);
			abort();
		}
		return 0;
	}
	dec_list(&t, sink);
	stats_print(&t, sink);
	if (pf_write(&t, &pf, &len) == 0) {
		if (pbc_check(pf, len, &s, err, sizeof(err))) {
			fprintf(stderr, "vtrace perfetto wrote a trace its checker rejects: %s\n",
			        err);
			abort();
		}
		free(pf);
	}
	dump_free(&t);
	return 0;
}

#ifdef FUZZ_REPLAY
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		uint8_t *buf;
		size_t len;
		char err[256];

		if (dump_read_file(argv[i], &buf, &len, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", argv[i], err);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
#endif
