/*
 * vtshm: a shared-memory channel from Linux userspace, through /dev/mem and
 * the channel's doorbell page (vitrine/shmbell.h), with no kernel module.
 * Debian's kernel has no uio_pdrv_genirq, so a process cannot wait for the
 * doorbell interrupt: it polls (the answer's sequence number in the
 * channel, then the EVENTS register for the doorbell that came with it).
 *
 *   vtshm ping SHM BELL [ROUNDS]   play ping (guests/pingpong) against
 *                                  pingpong's pong; SHM and BELL are the IPAs
 *                                  of the channel and its doorbell page
 *   vtshm ring BELL EVENT          write EVENT to DOORBELL once
 *   vtshm mark ADDR [COUNT]        write "vitrine-sync ADDR" to ftrace's
 *                                  trace_marker, then at once read the 32-bit
 *                                  word at ADDR (a trapped register: the
 *                                  hypervisor records the access), so the
 *                                  guest's trace and the hypervisor's share an
 *                                  instant (docs/tracing.md); COUNT times, at
 *                                  ADDR + 4 i; ADDR ^ 0x400 is read first
 *
 * Prints (ping), as pingpong's ping does:
 *   vtshm: N round trips, B bad
 *   vtshm: T ticks, R ticks per round trip (S ns)
 * and on trouble: `vtshm: TIMEOUT ...` (2 s without an answer or its
 * doorbell), `vtshm: bad round R: ...` (the first bad message only).
 *
 * /dev/mem maps what is not RAM as Device memory (O_SYNC, and arm64 does so
 * anyway): only aligned 32-bit loads and stores, one instruction each, no
 * atomics. Freestanding (raw system calls, static, no libc): it needs no
 * arm64 libc on the build machine and is a few KiB in the initramfs.
 */
#include <stddef.h>
#include <stdint.h>

#include "sys.h"

#include <vitrine/shmbell.h>

#include "ppmsg.h"

#define VTSHM_TIMEOUT_S 2

static uint32_t vtshm_read32(const volatile void *p)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static void vtshm_write32(volatile void *p, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(p) : "memory");
}

static uint64_t vtshm_now(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

static uint64_t vtshm_freq(void)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

/* ---- output: strings and unsigned numbers, one write per line ---- */

static char vtshm_line[160];
static size_t vtshm_len;

static void vtshm_puts(const char *s)
{
	while (*s && vtshm_len < sizeof vtshm_line)
		vtshm_line[vtshm_len++] = *s++;
	if (vtshm_len && vtshm_line[vtshm_len - 1] == '\n') {
		sys_call(SYS_write, 1, (long)vtshm_line, (long)vtshm_len, 0, 0, 0);
		vtshm_len = 0;
	}
}

static void vtshm_putu(uint64_t v, unsigned base)
{
	char buf[24], *p = buf + sizeof buf;

	*--p = 0;
	do
		*--p = "0123456789abcdef"[v % base];
	while (v /= base);
	if (base == 16)
		vtshm_puts("0x");
	vtshm_puts(p);
}

static int vtshm_fail(const char *what, const char *arg)
{
	vtshm_puts("vtshm: ");
	vtshm_puts(what);
	vtshm_puts(arg);
	vtshm_puts("\n");
	return 1;
}

static int vtshm_is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Decimal or 0x-hex; 0 if s is not a number. */
static int vtshm_number(const char *s, uint64_t *out)
{
	unsigned base = s[0] == '0' && s[1] == 'x' ? 16 : 10;
	uint64_t v = 0;

	s += base == 16 ? 2 : 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9'   ? (unsigned)(*s - '0')
		             : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10)
		                                      : 16;
		if (d >= base)
			return 0;
		v = v * base + d;
	}
	*out = v;
	return 1;
}

/* The page at pa (the VM's IPA: Linux's physical address), arg's, or NULL (said). */
static volatile uint8_t *vtshm_map_pa(uint64_t pa, const char *arg)
{
	static long fd = -1;
	long p;

	if (fd < 0 &&
	    (fd = sys_call(SYS_openat, AT_FDCWD, (long)"/dev/mem", O_RDWR | O_SYNC, 0, 0, 0)) < 0) {
		vtshm_fail("cannot open ", "/dev/mem");
		return NULL;
	}
	p = sys_call(SYS_mmap, 0, 4096, PROT_RW, MAP_SHARED, fd, (long)pa);
	if (p < 0 && p > -4096) {
		vtshm_fail("cannot map /dev/mem at ", arg);
		return NULL;
	}
	return (volatile uint8_t *)p;
}

/* The page at the address arg names, or NULL (said). */
static volatile uint8_t *vtshm_map(const char *arg)
{
	uint64_t pa;

	if (!vtshm_number(arg, &pa) || pa % 4096) {
		vtshm_fail("not a page-aligned address: ", arg);
		return NULL;
	}
	return vtshm_map_pa(pa, arg);
}

/* The doorbell page at arg, its magic checked, its stale events cleared; NULL if not. */
static volatile uint8_t *vtshm_bell(const char *arg)
{
	volatile uint8_t *bell = vtshm_map(arg);

	if (!bell)
		return NULL;
	if (vtshm_read32(bell + VT_BELL_MAGIC) != VT_BELL_ID) {
		vtshm_fail("no doorbell page at ", arg);
		return NULL;
	}
	vtshm_read32(bell + VT_BELL_EVENTS_LO);
	vtshm_read32(bell + VT_BELL_EVENTS_HI);
	return bell;
}

static void vtshm_send(volatile struct pp_msg *m, uint32_t seq, const uint32_t *data)
{
	for (int i = 0; i < PP_WORDS; i++)
		vtshm_write32(&m->data[i], data[i]);
	vtshm_write32(&m->sum, pp_checksum(seq, data));
	__asm__ volatile("dmb sy" ::: "memory"); /* the message before its sequence number */
	vtshm_write32(&m->seq, seq);
}

/* Waits until pong's answer to round r and its doorbell are in; 0 on timeout. */
static int vtshm_wait(const volatile struct pp_msg *in, volatile uint8_t *bell, uint32_t r)
{
	uint64_t end = vtshm_now() + VTSHM_TIMEOUT_S * vtshm_freq();

	while (vtshm_read32(&in->seq) != r)
		if (vtshm_now() > end)
			return 0;
	while (!(vtshm_read32(bell + VT_BELL_EVENTS_LO) & 1u << PP_EVENT))
		if (vtshm_now() > end)
			return 0;
	__asm__ volatile("dmb sy" ::: "memory"); /* the sequence number before the message */
	return 1;
}

/* 1 if pong's answer to round r is intact; the first bad one is described. */
static int vtshm_check(const volatile struct pp_msg *in, uint32_t r, uint32_t bad)
{
	uint32_t got[PP_WORDS], seq = vtshm_read32(&in->seq);
	const char *what = 0;

	for (int i = 0; i < PP_WORDS; i++)
		got[i] = vtshm_read32(&in->data[i]);
	if (seq != r)
		what = "sequence number";
	else if (vtshm_read32(&in->sum) != pp_checksum(seq, got))
		what = "checksum";
	for (int i = 0; !what && i < PP_WORDS; i++)
		if (got[i] != pp_transform(pp_payload(r, (uint32_t)i)))
			what = "payload";
	if (what && !bad) {
		vtshm_puts("vtshm: bad round ");
		vtshm_putu(r, 10);
		vtshm_puts(": ");
		vtshm_puts(what);
		vtshm_puts("\n");
	}
	return !what;
}

static int vtshm_ping(volatile uint8_t *shm, volatile uint8_t *bell, uint32_t rounds)
{
	volatile struct pp_msg *out = (volatile struct pp_msg *)shm;
	const volatile struct pp_msg *in = (const volatile struct pp_msg *)(shm + PP_HALF);
	uint32_t data[PP_WORDS], done = 0, bad = 0;
	uint64_t start = vtshm_now(), ticks;

	if (!(vtshm_read32(bell + VT_BELL_ACCESS) & VT_BELL_ACCESS_WRITE))
		return vtshm_fail("read-only member: ", "cannot play ping");
	for (uint32_t r = 1; r <= rounds; r++) {
		for (int i = 0; i < PP_WORDS; i++)
			data[i] = pp_payload(r, (uint32_t)i);
		vtshm_send(out, r, data);
		__asm__ volatile("dsb sy" ::: "memory"); /* the message is out before the ring */
		vtshm_write32(bell + VT_BELL_DOORBELL, PP_EVENT);
		if (!vtshm_wait(in, bell, r)) {
			vtshm_puts("vtshm: TIMEOUT waiting for round ");
			vtshm_putu(r, 10);
			vtshm_puts(vtshm_read32(&in->seq) == r ? " (answered, no doorbell)\n"
			                                       : "\n");
			break;
		}
		bad += !vtshm_check(in, r, bad);
		done++;
	}
	ticks = vtshm_now() - start;
	vtshm_puts("vtshm: ");
	vtshm_putu(done, 10);
	vtshm_puts(" round trips, ");
	vtshm_putu(bad, 10);
	vtshm_puts(" bad\n");
	vtshm_puts("vtshm: ");
	vtshm_putu(ticks, 10);
	vtshm_puts(" ticks, ");
	vtshm_putu(done ? ticks / done : 0, 10);
	vtshm_puts(" ticks per round trip (");
	vtshm_putu(done ? ticks * 1000000000ull / vtshm_freq() / done : 0, 10);
	vtshm_puts(" ns)\n");
	return done != rounds || bad;
}

static int vtshm_ring(volatile uint8_t *bell, uint64_t event)
{
	uint32_t access = vtshm_read32(bell + VT_BELL_ACCESS);

	vtshm_puts("vtshm: channel ");
	vtshm_putu(vtshm_read32(bell + VT_BELL_CHANNEL), 10);
	vtshm_puts(access & VT_BELL_ACCESS_WRITE ? " (rw): ringing event "
	                                         : " (ro, a ring is refused): ringing event ");
	vtshm_putu(event, 10);
	vtshm_puts("\n");
	vtshm_write32(bell + VT_BELL_DOORBELL, (uint32_t)event);
	return 0;
}

/* "vitrine-sync 0x..." for address a, in buf (NUL-terminated); its length. */
static long vtshm_sync_text(char *buf, uint64_t a)
{
	static const char head[] = "vitrine-sync 0x";
	long n = 0, digits = 1;

	for (; head[n]; n++)
		buf[n] = head[n];
	while (a >> (4 * digits))
		digits++;
	for (long i = digits - 1; i >= 0; i--)
		buf[n++] = "0123456789abcdef"[(a >> (4 * i)) & 15];
	buf[n] = '\0';
	return n;
}

/*
 * count markers, the i-th "vitrine-sync ADDR+4i" then at once a read of
 * ADDR+4i. Everything slow on the way is done before: the page is faulted
 * in by a read at ADDR ^ 0x400 (also a trapped, traced access, at another
 * IPA), and a first marker line, "vitrine-warmup", brings the write path
 * into the caches. The shortest and longest time from a marker's write to
 * its read are printed: the marker's timestamp is taken within its write.
 */
static int vtshm_mark(const char *addr, const char *count)
{
	static const char warm[] = "vitrine-warmup";
	uint64_t a, k = 1, t0, t1, lo = ~0ull, hi = 0;
	volatile uint8_t *p;
	char text[40];
	long fd, n;

	if (!vtshm_number(addr, &a) || a % 4)
		return vtshm_fail("not a word address: ", addr);
	if (count && (!vtshm_number(count, &k) || !k || (a % 4096) + 4 * k > 4096))
		return vtshm_fail("bad marker count (the page must hold them): ", count);
	if (!(p = vtshm_map_pa(a & ~4095ull, addr)))
		return 1;
	fd = sys_call(SYS_openat, AT_FDCWD, (long)"/sys/kernel/tracing/trace_marker", O_WRONLY, 0,
	              0, 0);
	if (fd < 0)
		return vtshm_fail("cannot open ", "/sys/kernel/tracing/trace_marker");
	vtshm_read32(p + (a ^ 0x400) % 4096);
	if (sys_call(SYS_write, fd, (long)warm, sizeof(warm) - 1, 0, 0, 0) != sizeof(warm) - 1)
		return vtshm_fail("cannot write the marker: ", warm);
	for (uint64_t i = 0; i < k; i++) {
		n = vtshm_sync_text(text, a + 4 * i);
		t0 = vtshm_now();
		if (sys_call(SYS_write, fd, (long)text, n, 0, 0, 0) != n)
			return vtshm_fail("cannot write the marker: ", text);
		vtshm_read32(p + (a + 4 * i) % 4096);
		t1 = vtshm_now();
		lo = t1 - t0 < lo ? t1 - t0 : lo;
		hi = t1 - t0 > hi ? t1 - t0 : hi;
	}
	vtshm_puts("vtshm: ");
	vtshm_putu(k, 10);
	vtshm_puts(" markers from ");
	vtshm_puts(addr);
	vtshm_puts(", from write to read ");
	vtshm_putu(lo * 1000000000ull / vtshm_freq(), 10);
	vtshm_puts(" to ");
	vtshm_putu(hi * 1000000000ull / vtshm_freq(), 10);
	vtshm_puts(" ns\n");
	return 0;
}

static int vtshm_main(int argc, char **argv)
{
	volatile uint8_t *shm, *bell;
	uint64_t n = PP_DEFAULT_ROUNDS;

	if (argc >= 4 && argc <= 5 && vtshm_is(argv[1], "ping")) {
		if (argc == 5 && (!vtshm_number(argv[4], &n) || !n || n > UINT32_MAX))
			return vtshm_fail("bad round count: ", argv[4]);
		if (!(shm = vtshm_map(argv[2])) || !(bell = vtshm_bell(argv[3])))
			return 1;
		return vtshm_ping(shm, bell, (uint32_t)n);
	}
	if (argc == 4 && vtshm_is(argv[1], "ring")) {
		if (!vtshm_number(argv[3], &n))
			return vtshm_fail("bad event: ", argv[3]);
		return (bell = vtshm_bell(argv[2])) ? vtshm_ring(bell, n) : 1;
	}
	if ((argc == 3 || argc == 4) && vtshm_is(argv[1], "mark"))
		return vtshm_mark(argv[2], argc == 4 ? argv[3] : NULL);
	return vtshm_fail(
	    "usage: ",
	    "vtshm ping SHM BELL [ROUNDS] | vtshm ring BELL EVENT | vtshm mark ADDR [COUNT]");
}

void vtshm_start(long *sp) __attribute__((noreturn, used));
void vtshm_start(long *sp)
{
	int rc = vtshm_main((int)sp[0], (char **)(sp + 1));

	sys_call(SYS_exit_group, rc, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

/* The kernel starts a static program with sp at argc, argv[], NULL, envp[]. */
__asm__(".globl _start\n"
        "_start:\n"
        "	mov x0, sp\n"
        "	bl vtshm_start\n");
