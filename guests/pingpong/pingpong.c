/*
 * Two VMs bounce a message through shared-memory channel 0 (4 KiB at IPA
 * 0x50000000) and its doorbells: ping writes a message in the first half
 * of the page and rings (VT_HC_IPC_NOTIFY channel 0, event 1); pong's
 * doorbell interrupt handler collects the event bits (VT_HC_IPC_EVENTS),
 * pong checks the message and answers in the second half, transformed, and
 * rings back. A message is a sequence number, a payload that changes every
 * round and a checksum over both.
 *
 * arg: bits 0..15  the doorbell's virtual INTID (the config's `shm ... irq N`)
 *      bit 16      role: 0 ping (starts, measures), 1 pong (answers)
 *      bit 17      pong waits for the first round without a deadline (a
 *                  ping that boots first, such as Linux's vtshm)
 *      bit 18      ring and read events through the doorbell page at
 *                  PP_BELL (the config's `bell`), not by hypercall
 *      bits 32..63 round trips (0: 10000); both VMs must agree
 *
 * Prints (ping):
 *   pingpong: notify on a foreign channel -> C     (channel 1, which is not ping's)
 *   pingpong: N round trips, B bad
 *   pingpong: T ticks, R ticks per round trip (S ns)
 * (pong):
 *   pingpong: answered N, B bad
 * and on trouble, instead of sleeping forever:
 *   pingpong: TIMEOUT waiting for round R (D doorbells so far)   (1 s without a doorbell)
 *   pingpong: notify -> C                                          (a failed notify)
 *   pingpong: bad round R: ...                                     (first bad message only)
 * The doorbell is an interrupt of the VM's GIC or PLIC (intc.h). On Arm,
 * natively (no hypervisor, bench/native.sh) CPU 0 plays ping and
 * starts CPU 1 as pong, and a doorbell is an SGI (PP_NATIVE_SGI) with the
 * event bits in memory: the baseline for the round trip. It first prints
 *   pingpong: native: doorbells are SGI 8 between CPUs 0 and 1
 */
#include <vitrine/shmbell.h>

#include "intc.h"
#include "ppmsg.h"
#include "rt.h"
#include "timer.h"

#define PP_SHM 0x50000000ul
#define PP_BELL 0x50100000ul /* the channel's doorbell page, with bit 18 */
#define PP_CHANNEL 0
#define PP_FOREIGN_CHANNEL 1
#define PP_PRIO 0x80
#define PP_NATIVE_SGI 8

/* Per vCPU: one under Vitrine (each VM has one), ping and pong natively. */
struct pp_state {
	uint64_t events;    /* event bits the doorbell handler collected */
	uint64_t native_in; /* natively: event bits the other CPU rang */
	uint32_t doorbells; /* doorbell interrupts taken */
	uint32_t timeout;   /* the watchdog timer fired */
	int64_t events_err; /* a failed VT_HC_IPC_EVENTS, if any */
	uint32_t bad;
};

static struct pp_state pp_st[2];
static uint64_t pp_watchdog; /* ticks a wait may take */
static int pp_is_native, pp_bell;
static uint32_t pp_rounds, pp_pong_done, pp_patient;

static struct pp_state *pp_me(void)
{
	return &pp_st[rt_cpu_id() & 1];
}

static volatile uint32_t *pp_bell_reg(uint64_t off)
{
	return (volatile uint32_t *)(PP_BELL + off);
}

static void pp_doorbell(uint32_t intid)
{
	struct pp_state *st = pp_me();
	struct rt_ret r = {0, 0, 0, 0, 0};

	(void)intid;
	st->doorbells++;
	if (pp_is_native)
		r.x1 = __atomic_exchange_n(&st->native_in, 0, __ATOMIC_ACQUIRE);
	else if (pp_bell)
		r.x1 = *pp_bell_reg(VT_BELL_EVENTS_LO);
	else
		r = rt_hvc(VT_HC_IPC_EVENTS, PP_CHANNEL, 0, 0);
	if (r.x0)
		st->events_err = (int64_t)r.x0;
	else
		__atomic_fetch_or(&st->events, r.x1, __ATOMIC_RELEASE);
}

static void pp_watchdog_irq(uint32_t intid)
{
	(void)intid;
	timer_stop();
	__atomic_store_n(&pp_me()->timeout, 1, __ATOMIC_RELEASE);
}

/* Sleeps until our event comes; 0 if the watchdog fires first. */
static int pp_wait(uint32_t round)
{
	struct pp_state *st = pp_me();

	if (!pp_patient || round > 1)
		timer_arm_at(timer_now() + pp_watchdog);
	irq_disable_local();
	for (;;) {
		if (__atomic_exchange_n(&st->events, 0, __ATOMIC_ACQUIRE) & 1ull << PP_EVENT)
			break;
		if (__atomic_load_n(&st->timeout, __ATOMIC_ACQUIRE)) {
			irq_enable_local();
			rt_printf("pingpong: TIMEOUT waiting for round %u (%u doorbells so far)\n",
			          round, st->doorbells);
			if (st->events_err)
				rt_printf("pingpong: events -> %lld\n", (long long)st->events_err);
			return 0;
		}
		irq_wfi();
		irq_enable_local();
		irq_disable_local();
	}
	irq_enable_local();
	return 1;
}

static int pp_notify(void)
{
	int64_t r;

	/* The message must be in memory before the other side can take the doorbell. */
	rt_shm_publish();
#ifdef __aarch64__
	if (pp_is_native) {
		uint32_t peer = (rt_cpu_id() & 1) ^ 1;

		__atomic_fetch_or(&pp_st[peer].native_in, 1ull << PP_EVENT, __ATOMIC_RELEASE);
		gic_send_sgi(PP_NATIVE_SGI, peer);
		return 1;
	}
#endif
	if (pp_bell) {
		*pp_bell_reg(VT_BELL_DOORBELL) = PP_EVENT;
		return 1;
	}
	r = (int64_t)rt_hvc(VT_HC_IPC_NOTIFY, PP_CHANNEL, PP_EVENT, 0).x0;
	if (r)
		rt_printf("pingpong: notify -> %lld\n", (long long)r);
	return r == 0;
}

static void pp_send(volatile struct pp_msg *m, uint32_t seq, const uint32_t *data)
{
	for (int i = 0; i < PP_WORDS; i++)
		m->data[i] = data[i];
	m->sum = pp_checksum(seq, data);
	__atomic_store_n(&m->seq, seq, __ATOMIC_RELEASE);
}

static uint32_t pp_receive(const volatile struct pp_msg *m, uint32_t *data, uint32_t *sum)
{
	uint32_t seq = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);

	for (int i = 0; i < PP_WORDS; i++)
		data[i] = m->data[i];
	*sum = m->sum;
	return seq;
}

/* Counts a bad message, describing the first. */
static void pp_check(uint32_t round, uint32_t seq, uint32_t sum, const uint32_t *data,
                     const uint32_t *want)
{
	const char *what = 0;

	if (seq != round)
		what = "sequence number";
	else if (sum != pp_checksum(seq, data))
		what = "checksum";
	for (int i = 0; !what && i < PP_WORDS; i++)
		if (data[i] != want[i])
			what = "payload";
	if (!what)
		return;
	if (!pp_me()->bad++)
		rt_printf("pingpong: bad round %u: %s (seq %u)\n", round, what, seq);
}

static void pp_ping(uint32_t rounds)
{
	volatile struct pp_msg *out = (volatile struct pp_msg *)PP_SHM;
	const volatile struct pp_msg *in = (const volatile struct pp_msg *)(PP_SHM + PP_HALF);
	uint32_t data[PP_WORDS], want[PP_WORDS], got[PP_WORDS], sum, seq, done = 0;
	uint64_t start, ticks;

	start = timer_now();
	for (uint32_t r = 1; r <= rounds; r++) {
		for (int i = 0; i < PP_WORDS; i++) {
			data[i] = pp_payload(r, (uint32_t)i);
			want[i] = pp_transform(data[i]);
		}
		pp_send(out, r, data);
		if (!pp_notify() || !pp_wait(r))
			break;
		seq = pp_receive(in, got, &sum);
		pp_check(r, seq, sum, got, want);
		done++;
	}
	ticks = timer_now() - start;
	timer_stop();
	/* Natively the two CPUs share the UART: let pong finish its line first. */
	start = timer_now();
	while (pp_is_native && !__atomic_load_n(&pp_pong_done, __ATOMIC_ACQUIRE) &&
	       timer_now() - start < pp_watchdog)
		rt_relax();
	rt_printf("pingpong: %u round trips, %u bad\n", done, pp_me()->bad);
	rt_printf("pingpong: %llu ticks, %llu ticks per round trip (%llu ns)\n",
	          (unsigned long long)ticks, (unsigned long long)(done ? ticks / done : 0),
	          (unsigned long long)(done ? timer_ticks_to_ns(ticks) / done : 0));
}

static void pp_pong(uint32_t rounds)
{
	const volatile struct pp_msg *in = (const volatile struct pp_msg *)PP_SHM;
	volatile struct pp_msg *out = (volatile struct pp_msg *)(PP_SHM + PP_HALF);
	uint32_t data[PP_WORDS], want[PP_WORDS], sum, seq, done = 0;

	for (uint32_t r = 1; r <= rounds; r++) {
		if (!pp_wait(r))
			break;
		seq = pp_receive(in, data, &sum);
		for (int i = 0; i < PP_WORDS; i++)
			want[i] = pp_payload(r, (uint32_t)i);
		pp_check(r, seq, sum, data, want);
		for (int i = 0; i < PP_WORDS; i++)
			data[i] = pp_transform(data[i]);
		pp_send(out, seq, data);
		if (!pp_notify())
			break;
		done++;
	}
	timer_stop();
	rt_printf("pingpong: answered %u, %u bad\n", done, pp_me()->bad);
	__atomic_store_n(&pp_pong_done, 1, __ATOMIC_RELEASE);
}

/* The doorbell interrupt, the watchdog, and whatever was rung before we listened. */
static void pp_setup(uint32_t vintid)
{
	intc_init();
	irq_register(vintid, pp_doorbell);
	irq_register(TIMER_VIRT_INTID, pp_watchdog_irq);
	intc_enable(vintid, PP_PRIO);
	intc_enable(TIMER_VIRT_INTID, PP_PRIO);
	if (!pp_is_native) {
		struct rt_ret ev = rt_hvc(VT_HC_IPC_EVENTS, PP_CHANNEL, 0, 0);

		if (!ev.x0)
			__atomic_fetch_or(&pp_me()->events, ev.x1, __ATOMIC_RELEASE);
	}
	irq_enable_local();
}

#ifdef __aarch64__
static uint32_t pp_pong_ready;

static void pp_native_pong(uint32_t cpu)
{
	(void)cpu;
	pp_setup(PP_NATIVE_SGI);
	__atomic_store_n(&pp_pong_ready, 1, __ATOMIC_RELEASE);
	pp_pong(pp_rounds);
}

/* Natively: CPU 0 pings CPU 1 with SGIs. */
static void pp_native(void)
{
	uint64_t end;
	int64_t r;

	rt_printf("pingpong: native: doorbells are SGI %u between CPUs 0 and 1\n", PP_NATIVE_SGI);
	pp_setup(PP_NATIVE_SGI);
	r = rt_cpu_on(1, pp_native_pong);
	if (r) {
		rt_printf("pingpong: CPU_ON 1 -> %lld\n", (long long)r);
		return;
	}
	/* An SGI to a CPU that has not yet made it Group 1 is dropped: no latching here. */
	end = timer_now() + pp_watchdog;
	while (!__atomic_load_n(&pp_pong_ready, __ATOMIC_ACQUIRE) && timer_now() < end)
		rt_relax();
	pp_ping(pp_rounds);
}
#else
static void pp_native(void)
{
	rt_printf("pingpong: native: built on Arm only\n");
}
#endif

void main(uint64_t arg)
{
	uint32_t vintid = arg & 0xffff, pong = arg >> 16 & 1;
	struct rt_vm_info info;

	if (!pong)
		rt_printf("pingpong: notify on a foreign channel -> %lld\n",
		          (long long)rt_hvc(VT_HC_IPC_NOTIFY, PP_FOREIGN_CHANNEL, PP_EVENT, 0).x0);
	pp_rounds = arg >> 32 ? (uint32_t)(arg >> 32) : PP_DEFAULT_ROUNDS;
	pp_patient = pong && arg >> 17 & 1;
	pp_bell = arg >> 18 & 1;
	pp_watchdog = timer_ns_to_ticks(1000000000);
	if (rt_vm_info(&info)) {
		pp_is_native = 1;
		pp_native();
		return;
	}
	if (!vintid || vintid >= INTC_NR_IDS || vintid == TIMER_VIRT_INTID) {
		rt_printf("pingpong: arg 0x%llx names no usable doorbell INTID\n",
		          (unsigned long long)arg);
		return;
	}

	pp_setup(vintid);
	if (pong)
		pp_pong(pp_rounds);
	else
		pp_ping(pp_rounds);
}
