/*
 * The emulated PLIC from inside a riscv64 VM (hyp/arch/riscv64/vplic.c),
 * its context being the S-mode one of its hart (2 * hart + 1).
 *
 * arg: bits 0..7   the source: the VM's doorbell (`shm ... irq N`) or its device's
 *      bits 8..11  the role: 0 ping, 1 pong (doorbells on channel 0 at PLIC_SHM),
 *                  2 rtc (the goldfish RTC's alarm, passed through),
 *                  3 uart (a line typed on the console, read by the emulated
 *                  ns16550a's receive interrupts at PLIC_UART)
 *      bit 12      ring and read events through the doorbell page at PLIC_BELL
 *                  (the config's `bell`), not by hypercall
 *      bits 13..14 uart: at the end, an access the UART refuses: 1 a 4-byte
 *                  read, 2 a byte past its registers (the VM is stopped)
 *      bits 32..63 round trips or alarms (0: 100); uart: seconds to wait (0: 10)
 *
 * pong first checks the PLIC's rules on its own source (priorities and
 * enables of sources it does not own read as zero; a pending source with
 * its enable off, or at the threshold, raises no interrupt and claims
 * nothing; a claimed source is no longer pending), then ping and pong
 * answer each other's doorbells, each taken as an external interrupt,
 * claimed and completed. A pong of two vCPUs answers on vCPU 1, its
 * source enabled in vCPU 1's context only, while vCPU 0 watches that its
 * own context's line stays down. rtc arms the alarm again and again: each alarm
 * comes only if the hypervisor completed the last one on the real PLIC.
 * uart sets its UART up (divisor latches, FIFO at a trigger level of 8),
 * reads one line, four bytes an interrupt at most, and prints
 * "plic: uart: got "LINE" in N interrupts" (or "no line after S s, ...");
 * then, the line had, says a line through THR, a byte per THR-empty interrupt.
 * Each prints "plic: ROLE: N interrupts, C checks, F failed"; an interrupt
 * that does not come within a second is a failed check (not for uart), and
 * ends the run.
 */
#include <hw/ns16550.h>

#include <vitrine/shmbell.h>

#include "csr.h"
#include "intc.h"
#include "rt.h"
#include "sbi.h"

#define PLIC_SHM 0x90000000ul
#define PLIC_BELL 0x90001000ul
#define PLIC_RTC 0x00101000ul
#define PLIC_UART 0x10000000ul
#define PLIC_CHANNEL 0
#define PLIC_EVENT 1
#define PLIC_TICKS_PER_S 10000000ull /* the `time` CSR's rate on QEMU's virt */

#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_INTERRUPT 0x1c

/* What ping and pong tell each other through the channel's page. */
struct plic_shared {
	uint32_t armed; /* pong: 1 its rule checks wait for a ring, 2 ready for the rounds */
	uint32_t ping;  /* the round ping rang for */
	uint32_t pong;  /* the round pong answered */
};

static volatile struct plic_shared *const plic_sh = (volatile struct plic_shared *)PLIC_SHM;
static uint32_t plic_src, plic_irqs, plic_wait_s = 1, plic_may_time_out, plic_bell;
static uint32_t pong_rounds, pong_done;

static void plic_threshold(uint32_t t)
{
	*intc_threshold() = t;
}

static uint32_t plic_claim(void)
{
	return *intc_claim();
}

static void plic_complete(uint32_t src)
{
	*intc_claim() = src;
}

static int plic_pending(uint32_t src)
{
	return *intc_plic(0x1000 + src / 32 * 4) >> (src % 32) & 1;
}

static uint64_t plic_now(void)
{
	return csr_read(time);
}

#define PLIC_CAUSE_EXT (1ull << 63 | IRQ_S_EXT)
#define PLIC_CAUSE_TIMER (1ull << 63 | IRQ_S_TIMER)

/*
 * Sleep until the external interrupt or `ticks` have passed: the cause
 * taken. The interrupt stays pending (rt_wait_irq returns with interrupts
 * off) until it is claimed. (QEMU 7.2 shows VS-mode no external bit in
 * sip: an interrupt is known by being taken.)
 */
static uint64_t plic_wait_cause(uint64_t ticks)
{
	uint64_t cause;

	sbi_call(SBI_EXT_TIME, 0, plic_now() + ticks, 0, 0);
	csr_set(sie, (1ul << IRQ_S_EXT) | (1ul << IRQ_S_TIMER));
	cause = rt_wait_irq();
	csr_clear(sie, (1ul << IRQ_S_EXT) | (1ul << IRQ_S_TIMER));
	sbi_call(SBI_EXT_TIME, 0, ~0ull, 0, 0);
	return cause;
}

/* 1 if our context's line is up: its interrupt is taken within 10 ms. */
static int plic_line(void)
{
	return plic_wait_cause(PLIC_TICKS_PER_S / 100) == PLIC_CAUSE_EXT;
}

/* Sleep until the external interrupt, or a second: 1 if it came. */
static int plic_wait(const char *what)
{
	uint64_t cause = plic_wait_cause(PLIC_TICKS_PER_S * plic_wait_s);

	if (!plic_may_time_out || cause != PLIC_CAUSE_TIMER)
		rt_check(what, (int64_t)cause, (int64_t)PLIC_CAUSE_EXT);
	return cause == PLIC_CAUSE_EXT;
}

/*
 * Take our source's interrupt: claim it, and complete it once done(). 1 if
 * it came. Kept a function of its own: bench/exits.sh's window counts its calls.
 */
static __attribute__((noinline)) int plic_take(const char *what, void (*done)(void))
{
	if (!plic_wait(what))
		return 0;
	rt_check("the claim is our source", plic_claim(), plic_src);
	if (done)
		done();
	plic_complete(plic_src);
	plic_irqs++;
	return 1;
}

/* Poll *word until it holds want, for up to a second. */
static int plic_poll(volatile uint32_t *word, uint32_t want, const char *what)
{
	uint64_t t0 = plic_now();

	while (*word != want && plic_now() - t0 < PLIC_TICKS_PER_S)
		rt_relax();
	rt_check(what, *word, want);
	return *word == want;
}

static volatile uint32_t *bell_reg(uint64_t off)
{
	return (volatile uint32_t *)(PLIC_BELL + off);
}

static void plic_ring(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
	if (plic_bell)
		*bell_reg(VT_BELL_DOORBELL) = PLIC_EVENT;
	else
		rt_check("notify",
		         (int64_t)rt_hvc(VT_HC_IPC_NOTIFY, PLIC_CHANNEL, PLIC_EVENT, 0).x0, 0);
}

static void plic_doorbell_events(void)
{
	struct rt_ret r = {0, 0, 0, 0, 0};

	if (plic_bell)
		r.x1 = *bell_reg(VT_BELL_EVENTS_LO);
	else
		r = rt_hvc(VT_HC_IPC_EVENTS, PLIC_CHANNEL, 0, 0);
	rt_check("the doorbell's event", (int64_t)(r.x0 ? r.x0 : r.x1), 1 << PLIC_EVENT);
}

/* Our source at priority 1, enabled in our context, threshold 0. */
static void plic_on(void)
{
	*intc_plic(4 * plic_src) = 1;
	*intc_enables(plic_src) |= 1u << plic_src % 32;
	plic_threshold(0);
}

/* The rules, on pong's own source, rung once by ping. */
static void plic_rules(void)
{
	uint32_t other = plic_src + 1, own = 1u << plic_src % 32;

	*intc_plic(4 * plic_src) = 5;
	rt_check("priority kept", *intc_plic(4 * plic_src), 5);
	*intc_plic(4 * other) = 5;
	rt_check("priority of a source not ours reads 0", *intc_plic(4 * other), 0);
	*intc_enables(plic_src) = ~0u;
	rt_check("enables: ours only", *intc_enables(plic_src), own);
	*intc_enables(plic_src) = 0;
	plic_sh->armed = 1;
	{
		uint64_t t0 = plic_now();

		while (!plic_pending(plic_src) && plic_now() - t0 < PLIC_TICKS_PER_S)
			rt_relax();
	}
	rt_check("rung: pending", plic_pending(plic_src), 1);
	rt_check("enable off: no interrupt", plic_line(), 0);
	rt_check("enable off: no claim", plic_claim(), 0);
	*intc_enables(plic_src) = own;
	plic_threshold(5);
	rt_check("at the threshold: no interrupt", plic_line(), 0);
	rt_check("at the threshold: no claim", plic_claim(), 0);
	plic_threshold(4);
	if (!plic_wait("below the threshold: the interrupt"))
		return;
	rt_check("the claim is our source", plic_claim(), plic_src);
	rt_check("claimed: not pending", plic_pending(plic_src), 0);
	rt_check("claimed: no second claim", plic_claim(), 0);
	plic_doorbell_events();
	plic_complete(plic_src);
	rt_check("completed: the line is down", plic_line(), 0);
	plic_irqs++;
}

/* On the vCPU that answers: our source on in its context alone. */
static void plic_pong_rounds(uint32_t hart)
{
	(void)hart;
	plic_on();
	plic_sh->armed = 2;
	for (uint32_t r = 1; r <= pong_rounds; r++) {
		if (!plic_take("pong: the doorbell", plic_doorbell_events))
			break;
		rt_check("pong: ping's round", plic_sh->ping, r);
		plic_sh->pong = r;
		plic_ring();
	}
	__atomic_store_n(&pong_done, 1, __ATOMIC_RELEASE);
}

static void plic_pong(uint32_t rounds)
{
	struct rt_vm_info info;
	uint32_t seen = 0;

	pong_rounds = rounds;
	plic_rules();
	if (rt_vm_info(&info) || info.nr_vcpus < 2) {
		plic_pong_rounds(0);
		return;
	}
	*intc_enables(plic_src) = 0; /* and a threshold that would let it through */
	plic_threshold(0);
	rt_check("pong: vCPU 1 starts", rt_cpu_on(1, plic_pong_rounds), 0);
	while (!__atomic_load_n(&pong_done, __ATOMIC_ACQUIRE))
		seen += plic_line();
	rt_check("pong: vCPU 0's context, its source off: its line stays down", seen, 0);
}

static void plic_ping(uint32_t rounds)
{
	plic_on();
	if (!plic_poll(&plic_sh->armed, 1, "ping: pong armed"))
		return;
	plic_ring();
	if (!plic_poll(&plic_sh->armed, 2, "ping: pong ready"))
		return;
	for (uint32_t r = 1; r <= rounds; r++) {
		plic_sh->ping = r;
		plic_ring();
		if (!plic_take("ping: the doorbell", plic_doorbell_events))
			return;
		rt_check("ping: pong's answer", plic_sh->pong, r);
	}
}

static volatile uint32_t *rtc_reg(uint64_t off)
{
	return (volatile uint32_t *)(PLIC_RTC + off);
}

static void rtc_clear(void)
{
	*rtc_reg(RTC_CLEAR_INTERRUPT) = 1;
}

/* The alarm 100 us ahead, again and again (the RTC counts nanoseconds). */
static void plic_rtc(uint32_t alarms)
{
	plic_on();
	*rtc_reg(RTC_IRQ_ENABLED) = 1;
	for (uint32_t i = 0; i < alarms; i++) {
		uint64_t now = *rtc_reg(RTC_TIME_LOW); /* latches TIME_HIGH */
		uint64_t at = (now | (uint64_t)*rtc_reg(RTC_TIME_HIGH) << 32) + 100000;

		*rtc_reg(RTC_ALARM_HIGH) = (uint32_t)(at >> 32);
		*rtc_reg(RTC_ALARM_LOW) = (uint32_t)at;
		if (!plic_take("rtc: the alarm", rtc_clear))
			return;
	}
	*rtc_reg(RTC_IRQ_ENABLED) = 0;
}

static volatile uint8_t *uart_reg(uint64_t off)
{
	return (volatile uint8_t *)(PLIC_UART + off);
}

static char uart_line[64];
static uint32_t uart_len, uart_done;

/* The interrupt our UART says it raised is one of want (IIR, the FIFOs on). */
static void uart_iir(const char *what, uint8_t want, uint8_t or_want)
{
	uint8_t iir = *uart_reg(NS16550_IIR);

	if (iir == (NS16550_IIR_FIFOS | or_want))
		want = or_want;
	rt_check(what, iir, NS16550_IIR_FIFOS | want);
}

/*
 * Four bytes of the FIFO at most: what is left keeps the level line high,
 * so the interrupt must come again once completed. A line ends at CR or LF.
 */
static void uart_drain(void)
{
	uart_iir("uart: IIR says received data", NS16550_IIR_RDI, NS16550_IIR_TIMEOUT);
	for (int i = 0; i < 4 && *uart_reg(NS16550_LSR) & NS16550_LSR_DR; i++) {
		char c = (char)*uart_reg(NS16550_RBR);

		if (c == '\r' || c == '\n')
			uart_done |= uart_len > 0;
		else if (!uart_done && uart_len < sizeof uart_line - 1)
			uart_line[uart_len++] = c;
	}
}

/* 115200 8N1 from its 3.6864 MHz clock (as firmware leaves it), read back; FIFO on at 8 bytes. */
static void uart_setup(void)
{
	*uart_reg(NS16550_LCR) = NS16550_LCR_DLAB | NS16550_LCR_WLEN8;
	*uart_reg(NS16550_DLL) = 2;
	*uart_reg(NS16550_DLM) = 0;
	rt_check("uart: DLL read back", *uart_reg(NS16550_DLL), 2);
	rt_check("uart: DLM read back", *uart_reg(NS16550_DLM), 0);
	*uart_reg(NS16550_LCR) = NS16550_LCR_WLEN8;
	rt_check("uart: LCR read back", *uart_reg(NS16550_LCR), NS16550_LCR_WLEN8);
	*uart_reg(NS16550_SCR) = 0x5a;
	rt_check("uart: SCR read back", *uart_reg(NS16550_SCR), 0x5a);
	*uart_reg(NS16550_FCR) = NS16550_FCR_ENABLE | NS16550_FCR_CLEAR_RX | 0x80;
	*uart_reg(NS16550_MCR) = NS16550_MCR_OUT2;
	rt_check("uart: no interrupt enabled, none said", *uart_reg(NS16550_IIR),
	         NS16550_IIR_FIFOS | NS16550_IIR_NONE);
}

static void uart_thr_empty(void)
{
	uart_iir("uart: IIR says THR empty", NS16550_IIR_THRI, NS16550_IIR_THRI);
}

/* A line through THR, a byte per THR-empty interrupt (the first: its enabling). */
static void uart_say(const char *line)
{
	uint32_t took = plic_irqs;

	*uart_reg(NS16550_IER) = NS16550_IER_THRI;
	for (const char *p = line; *p; p++) {
		if (!plic_take("uart: THR empty", uart_thr_empty))
			break;
		rt_check("uart: THR empty in LSR", *uart_reg(NS16550_LSR) & NS16550_LSR_THRE,
		         NS16550_LSR_THRE);
		*uart_reg(NS16550_THR) = (uint8_t)*p;
	}
	plic_take("uart: THR empty after the last byte", uart_thr_empty);
	*uart_reg(NS16550_IER) = 0;
	rt_printf("plic: uart: said a line through THR in %u interrupts\n", plic_irqs - took);
}

/* A line, waiting up to secs for each interrupt (a VM without the console input gets none). */
static void plic_uart(uint32_t secs)
{
	plic_wait_s = secs;
	plic_may_time_out = 1;
	plic_on();
	uart_setup();
	*uart_reg(NS16550_IER) = NS16550_IER_RDI;
	rt_printf("plic: uart: waiting for a line\n");
	while (!uart_done && plic_take("uart: the receive interrupt", uart_drain))
		;
	*uart_reg(NS16550_IER) = 0;
	if (!uart_done) {
		rt_printf("plic: uart: no line after %u s, %u interrupts, \"%s\"\n", secs,
		          plic_irqs, uart_line);
		return;
	}
	rt_printf("plic: uart: got \"%s\" in %u interrupts\n", uart_line, plic_irqs);
	uart_say("ns16550: a line by THR-empty interrupts\n");
}

/* An access the UART has no register for: the VM is stopped. */
static void uart_bad(uint32_t how)
{
	if (how == 1)
		(void)*(volatile uint32_t *)PLIC_UART;
	else if (how == 2)
		(void)*uart_reg(NS16550_REGS);
	else
		return;
	rt_printf("plic: uart: BAD ACCESS RETURNED\n");
}

void main(uint64_t arg)
{
	static const char *const roles[] = {"ping", "pong", "rtc", "uart"};
	uint32_t role = arg >> 8 & 0xf, n = (uint32_t)(arg >> 32);

	plic_src = arg & 0xff;
	plic_bell = arg >> 12 & 1;
	if (!n)
		n = 100;
	if (role == 0)
		plic_ping(n);
	else if (role == 1)
		plic_pong(n);
	else if (role == 2)
		plic_rtc(n);
	else if (role == 3)
		plic_uart(arg >> 32 ? (uint32_t)(arg >> 32) : 10);
	rt_printf("plic: %s: %u interrupts, %d checks, %d failed\n", role < 4 ? roles[role] : "?",
	          plic_irqs, rt_checks, rt_failed);
	if (role == 3)
		uart_bad(arg >> 13 & 3);
}
