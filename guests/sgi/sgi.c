/*
 * SGIs, priorities and masking on two vCPUs. vCPU 0 sends SGIs to itself
 * and to vCPU 1 (which it starts with PSCI CPU_ON and then drives through a
 * command word) and checks:
 *   (a) a masked SGI (PSTATE.I, or the priority mask) stays pending and is
 *       taken as soon as it is unmasked; the priority mask lets through only
 *       what is numerically below it;
 *   (b) of two pending SGIs, the numerically lower priority is taken first,
 *       whichever was sent first;
 *   (c) an SGI sent to vCPU 1 runs its handler on vCPU 1, and one vCPU 1
 *       sends back from its handler runs on vCPU 0; masked on vCPU 1, it
 *       waits there;
 *   (d) a disabled SGI is not taken but kept pending, and taken once enabled.
 * arg is not used. Prints one line per check, "sgi: <check> ok" or
 * "sgi: <check> FAIL <what>", then "sgi: N checks, M failed".
 */
#include "gic.h"
#include "rt.h"
#include "timer.h"

#define SGI_LOW 1   /* priority SGI_PRIO_LOW */
#define SGI_HIGH 2  /* priority SGI_PRIO_HIGH */
#define SGI_MID 3   /* vCPU 0 -> vCPU 1 */
#define SGI_DIS 4   /* starts disabled */
#define SGI_REPLY 5 /* vCPU 1 -> vCPU 0, sent by the handler of SGI_MID */

/* Multiples of 0x10: a CPU interface may implement as few as 4 priority bits. */
#define SGI_PRIO_HIGH 0x40
#define SGI_PRIO_MID 0x80
#define SGI_PRIO_LOW 0xa0

#define SGI_CMD_MASK 1
#define SGI_CMD_UNMASK 2
#define SGI_CMD_EXIT 3

#define SGI_LOG 16

static uint32_t sgi_hits[2][16];                   /* [vCPU that ran the handler][SGI] */
static uint32_t sgi_log[2][SGI_LOG], sgi_log_n[2]; /* order of arrival per vCPU */
static uint32_t sgi_cmd, sgi_ack, sgi_ready;
static int sgi_checks, sgi_failed;

static void sgi_irq(uint32_t intid)
{
	uint32_t cpu = rt_cpu_id() & 1;
	uint32_t n = sgi_log_n[cpu];

	if (n < SGI_LOG)
		sgi_log[cpu][n] = intid;
	__atomic_store_n(&sgi_log_n[cpu], n + 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&sgi_hits[cpu][intid], 1, __ATOMIC_SEQ_CST);
	if (intid == SGI_MID && cpu == 1)
		gic_send_sgi(SGI_REPLY, 0);
}

static uint32_t sgi_count(uint32_t cpu, uint32_t intid)
{
	return __atomic_load_n(&sgi_hits[cpu][intid], __ATOMIC_SEQ_CST);
}

static uint64_t sgi_ms(uint64_t ms)
{
	return timer_ns_to_ticks(ms * 1000000);
}

/* Waits up to `ms` for a count to reach want; returns the count. */
static uint32_t sgi_wait(uint32_t cpu, uint32_t intid, uint32_t want, uint64_t ms)
{
	uint64_t end = timer_now() + sgi_ms(ms);
	uint32_t n;

	while ((n = sgi_count(cpu, intid)) < want && timer_now() < end)
		rt_relax();
	return n;
}

static void sgi_check(const char *what, int ok, const char *why, uint64_t got, uint64_t want)
{
	sgi_checks++;
	if (ok) {
		rt_printf("sgi: %s ok\n", what);
	} else {
		sgi_failed++;
		rt_printf("sgi: %s FAIL %s: got %llu, want %llu\n", what, why,
		          (unsigned long long)got, (unsigned long long)want);
	}
}

static void sgi_check_count(const char *what, uint32_t cpu, uint32_t intid, uint32_t want)
{
	uint32_t got = sgi_count(cpu, intid);

	sgi_check(what, got == want, "handler runs", got, want);
}

/* The two SGIs taken on cpu since its log was cleared, as first * 100 + second. */
static void sgi_check_order(const char *what, uint32_t cpu)
{
	uint32_t n = __atomic_load_n(&sgi_log_n[cpu], __ATOMIC_ACQUIRE);
	uint32_t got = n == 2 ? sgi_log[cpu][0] * 100 + sgi_log[cpu][1] : n * 10000;

	sgi_check(what, got == SGI_HIGH * 100 + SGI_LOW, "order (first*100+second)", got,
	          SGI_HIGH * 100 + SGI_LOW);
}

static void sgi_log_clear(uint32_t cpu)
{
	__atomic_store_n(&sgi_log_n[cpu], 0, __ATOMIC_RELEASE);
}

/* vCPU 1: its own redistributor and CPU interface, then obeys vCPU 0. */
static void sgi_secondary(uint32_t vcpu)
{
	uint32_t seen = 0;

	(void)vcpu;
	gic_init();
	gic_enable(SGI_LOW, SGI_PRIO_LOW);
	gic_enable(SGI_HIGH, SGI_PRIO_HIGH);
	gic_enable(SGI_MID, SGI_PRIO_MID);
	irq_enable_local();
	__atomic_store_n(&sgi_ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		uint32_t cmd = __atomic_load_n(&sgi_cmd, __ATOMIC_ACQUIRE);

		if (cmd >> 8 == seen) {
			rt_relax();
			continue;
		}
		seen = cmd >> 8;
		if ((cmd & 0xff) == SGI_CMD_MASK)
			irq_disable_local();
		else if ((cmd & 0xff) == SGI_CMD_UNMASK)
			irq_enable_local();
		__atomic_store_n(&sgi_ack, seen, __ATOMIC_RELEASE);
		if ((cmd & 0xff) == SGI_CMD_EXIT)
			return;
	}
}

/* Has vCPU 1 carry out op; 1 once it has. */
static int sgi_remote(uint32_t op)
{
	static uint32_t seq;
	uint64_t end = timer_now() + sgi_ms(1000);

	seq++;
	__atomic_store_n(&sgi_cmd, seq << 8 | op, __ATOMIC_RELEASE);
	while (__atomic_load_n(&sgi_ack, __ATOMIC_ACQUIRE) != seq)
		if (timer_now() > end)
			return 0;
		else
			rt_relax();
	return 1;
}

static void sgi_local_checks(void)
{
	/* (a) masked by PSTATE.I */
	irq_disable_local();
	gic_send_sgi(SGI_LOW, 0);
	timer_wait_until(timer_now() + sgi_ms(1));
	sgi_check_count("daif-masked-not-taken", 0, SGI_LOW, 0);
	sgi_check("daif-masked-pending", gic_pending(SGI_LOW), "GICR_ISPENDR0", 0, 1);
	irq_enable_local();
	sgi_check_count("daif-unmask-taken", 0, SGI_LOW, 1);

	/* (a) masked by priority: PMR lets through only priorities below it */
	gic_set_pmr(SGI_PRIO_MID);
	gic_send_sgi(SGI_MID, 0);
	timer_wait_until(timer_now() + sgi_ms(1));
	sgi_check_count("pmr-masked-not-taken", 0, SGI_MID, 0);
	sgi_check("pmr-masked-pending", gic_pending(SGI_MID), "GICR_ISPENDR0", 0, 1);
	gic_send_sgi(SGI_HIGH, 0);
	sgi_check_count("pmr-higher-priority-taken", 0, SGI_HIGH, 1);
	gic_set_pmr(0xff);
	sgi_check_count("pmr-unmask-taken", 0, SGI_MID, 1);

	/* (b) two pending at unmask time: the higher priority first, though sent second */
	sgi_log_clear(0);
	irq_disable_local();
	gic_send_sgi(SGI_LOW, 0);
	gic_send_sgi(SGI_HIGH, 0);
	irq_enable_local();
	sgi_check_order("priority-order-daif", 0);

	sgi_log_clear(0);
	gic_set_pmr(0);
	gic_send_sgi(SGI_LOW, 0);
	gic_send_sgi(SGI_HIGH, 0);
	gic_set_pmr(0xff);
	sgi_check_order("priority-order-pmr", 0);

	/* (d) disabled: not taken, pending; taken once enabled */
	gic_send_sgi(SGI_DIS, 0);
	timer_wait_until(timer_now() + sgi_ms(1));
	sgi_check_count("disabled-not-taken", 0, SGI_DIS, 0);
	sgi_check("disabled-pending", gic_pending(SGI_DIS), "GICR_ISPENDR0", 0, 1);
	gic_enable(SGI_DIS, SGI_PRIO_MID);
	sgi_wait(0, SGI_DIS, 1, 1000);
	sgi_check_count("disabled-taken-once-enabled", 0, SGI_DIS, 1);
}

static void sgi_remote_checks(void)
{
	uint32_t n;

	/* (c) to vCPU 1, runs there; its answer runs here */
	gic_send_sgi(SGI_MID, 1);
	sgi_wait(1, SGI_MID, 1, 1000);
	sgi_check_count("remote-handler-on-vcpu1", 1, SGI_MID, 1);
	sgi_check_count("remote-not-on-vcpu0", 0, SGI_MID, 1); /* the one from pmr-* */
	sgi_wait(0, SGI_REPLY, 1, 1000);
	sgi_check_count("remote-reply-on-vcpu0", 0, SGI_REPLY, 1);

	/* (a) on vCPU 1: masked there, it waits; unmasked, taken */
	if (!sgi_remote(SGI_CMD_MASK))
		rt_printf("sgi: vCPU 1 does not answer\n");
	gic_send_sgi(SGI_MID, 1);
	timer_wait_until(timer_now() + sgi_ms(1));
	sgi_check_count("remote-masked-not-taken", 1, SGI_MID, 1);
	sgi_remote(SGI_CMD_UNMASK);
	n = sgi_wait(1, SGI_MID, 2, 1000);
	sgi_check("remote-unmask-taken", n == 2, "handler runs", n, 2);
	sgi_wait(0, SGI_REPLY, 2, 1000);

	/* (b) on vCPU 1 */
	sgi_log_clear(1);
	sgi_remote(SGI_CMD_MASK);
	gic_send_sgi(SGI_LOW, 1);
	gic_send_sgi(SGI_HIGH, 1);
	timer_wait_until(timer_now() + sgi_ms(1));
	sgi_remote(SGI_CMD_UNMASK);
	sgi_wait(1, SGI_LOW, 1, 1000);
	sgi_check_order("remote-priority-order", 1);

	sgi_remote(SGI_CMD_EXIT);
}

void main(uint64_t arg)
{
	struct rt_vm_info info;
	uint64_t end;

	(void)arg;
	rt_vm_info(&info);
	gic_init();
	for (uint32_t i = 0; i < 16; i++)
		irq_register(i, sgi_irq);
	gic_enable(SGI_LOW, SGI_PRIO_LOW);
	gic_enable(SGI_HIGH, SGI_PRIO_HIGH);
	gic_enable(SGI_MID, SGI_PRIO_MID);
	gic_enable(SGI_REPLY, SGI_PRIO_MID);
	gic_disable(SGI_DIS);
	gic_set_priority(SGI_DIS, SGI_PRIO_MID);
	irq_enable_local();

	sgi_local_checks();

	if (info.nr_vcpus < 2) {
		rt_printf("sgi: remote checks FAIL: %u vCPU, need 2\n", (unsigned)info.nr_vcpus);
		sgi_checks++;
		sgi_failed++;
	} else {
		int64_t r = rt_cpu_on(1, sgi_secondary);

		end = timer_now() + sgi_ms(1000);
		while (!__atomic_load_n(&sgi_ready, __ATOMIC_ACQUIRE) && timer_now() < end)
			rt_relax();
		if (r || !sgi_ready) {
			rt_printf("sgi: remote checks FAIL: vCPU 1 not up (CPU_ON %lld)\n",
			          (long long)r);
			sgi_checks++;
			sgi_failed++;
		} else {
			sgi_remote_checks();
			end = timer_now() + sgi_ms(1000);
			while (rt_affinity_info(1) != PSCI_AFF_OFF && timer_now() < end)
				rt_relax();
		}
	}
	if (irq_spurious())
		rt_printf("sgi: %u spurious interrupts\n", irq_spurious());
	rt_printf("sgi: %d checks, %d failed\n", sgi_checks, sgi_failed);
}
