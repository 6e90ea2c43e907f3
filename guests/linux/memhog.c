/*
 * memhog: a memory hog for the Linux guest, the interferer of
 * bench/interference.sh when it is a Linux VM. Streams over a buffer of
 * KIB KiB, one load per 64-byte line, as the bare-metal hog does
 * (guests/hog), then prints what it read:
 *
 *   memhog KIB [PASSES]           PASSES passes (0 or none: for ever)
 *   memhog KIB intf PHYS SLOT     until the victim says done: the shared
 *                                 page at PHYS (guests/rt/intf.h),
 *                                 mapped through /dev/mem, ready[SLOT] set
 *
 *   memhog: 1024 KiB, 2 passes and 0 lines, sum 268419072
 *
 * Line i holds i, so the sum says every line was read: n(n-1)/2 per pass.
 * Freestanding, with raw system calls: a static binary of a few KiB that
 * needs no libc for arm64 on the build machine and keeps the initramfs
 * (which every boot decompresses) as small as it was.
 */
#include <stddef.h>
#include <stdint.h>

#include "sys.h"

#define MEMHOG_LINE 64
/* Loads between two YIELD hints: under -icount QEMU switches vCPUs there,
 * so the hog interleaves with the victim as finely as the bare-metal one. */
#define MEMHOG_CHUNK 64
#define MEMHOG_MAX_SLOT 3 /* INTF_MAX_HOGS */

/* The shared page's layout, as guests/rt/intf.h has it. */
struct memhog_intf {
	uint32_t ready[MEMHOG_MAX_SLOT];
	uint32_t done;
};

static size_t memhog_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void memhog_puts(const char *s)
{
	sys_call(SYS_write, 1, (long)s, (long)memhog_strlen(s), 0, 0, 0);
}

static __attribute__((noreturn)) void memhog_exit(int status)
{
	for (;;)
		sys_call(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

static __attribute__((noreturn)) void memhog_die(const char *what)
{
	memhog_puts("memhog: ");
	memhog_puts(what);
	memhog_puts("\nusage: memhog KIB [PASSES] | memhog KIB intf PHYS SLOT\n");
	memhog_exit(2);
}

/* A decimal or 0x-prefixed hexadecimal number; anything else is refused. */
static uint64_t memhog_number(const char *s)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (!*s)
		memhog_die("not a number");
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			memhog_die("not a number");
		if (v > (UINT64_MAX - d) / base)
			memhog_die("number too big");
		v = v * base + d;
	}
	return v;
}

static void memhog_put_number(uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memhog_puts(&buf[i]);
}

static void *memhog_map(size_t bytes, int fd, uint64_t phys)
{
	long flags = fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
	long p = sys_call(SYS_mmap, 0, (long)bytes, PROT_RW, flags, fd, (long)phys);

	if (p < 0 && p > -4096)
		memhog_die(fd < 0 ? "cannot allocate the buffer" : "cannot map the shared page");
	return (void *)p;
}

/* The interference page, through /dev/mem (an uncached mapping of what is not RAM). */
static volatile struct memhog_intf *memhog_intf(uint64_t phys, uint64_t slot)
{
	volatile struct memhog_intf *pg;
	long fd;

	if (phys & 4095 || slot >= MEMHOG_MAX_SLOT)
		memhog_die("PHYS must be page aligned and SLOT below 3");
	fd = sys_call(SYS_openat, AT_FDCWD, (long)"/dev/mem", O_RDWR | O_SYNC, 0, 0, 0);
	if (fd < 0)
		memhog_die("cannot open /dev/mem");
	pg = memhog_map(4096, (int)fd, phys);
	__atomic_store_n(&pg->ready[slot], 1, __ATOMIC_RELEASE);
	return pg;
}

static __attribute__((used, noreturn)) void memhog_main(uint64_t *sp)
{
	uint64_t argc = sp[0], kib, lines, passes = 0, want = 0, i = 0, sum = 0, done = 0;
	char **argv = (char **)&sp[1];
	volatile struct memhog_intf *pg = NULL;
	uint8_t *buf;

	if (argc < 2 || argc > 5 || argc == 4)
		memhog_die("wrong number of arguments");
	kib = memhog_number(argv[1]);
	if (!kib || kib > (1u << 20))
		memhog_die("KIB must be 1 to 1048576");
	if (argc == 3)
		want = memhog_number(argv[2]);
	else if (argc == 5) {
		const char *w = argv[2];

		if (w[0] != 'i' || w[1] != 'n' || w[2] != 't' || w[3] != 'f' || w[4])
			memhog_die("the third argument must be intf");
		pg = memhog_intf(memhog_number(argv[3]), memhog_number(argv[4]));
	}
	lines = (kib << 10) / MEMHOG_LINE;
	buf = memhog_map(kib << 10, -1, 0);
	for (uint64_t l = 0; l < lines; l++)
		*(uint64_t *)&buf[l * MEMHOG_LINE] = l;

	while (!done) {
		for (uint32_t k = 0; k < MEMHOG_CHUNK; k++) {
			sum += *(volatile uint64_t *)&buf[i * MEMHOG_LINE];
			if (++i == lines) {
				i = 0;
				if (++passes == want)
					break;
			}
		}
		__asm__ volatile("yield");
		done = pg ? __atomic_load_n(&pg->done, __ATOMIC_ACQUIRE) : want && passes == want;
	}
	memhog_puts("memhog: ");
	memhog_put_number(kib);
	memhog_puts(" KiB, ");
	memhog_put_number(passes);
	memhog_puts(" passes and ");
	memhog_put_number(i);
	memhog_puts(" lines, sum ");
	memhog_put_number(sum);
	memhog_puts("\n");
	memhog_exit(0);
}

/* The kernel starts a process with argc, argv and the environment on its stack. */
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl memhog_main\n");
