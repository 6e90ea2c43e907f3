/*
 * The emulated platform's timing model: per CPU, modelled cycles are its
 * instructions, plus what each LLC hit and miss costs, plus the wait on a
 * memory bus that all CPUs share. No QEMU here: the plugin (llc.c) feeds it
 * the instruction counts of translated blocks and the cache model's hits
 * and misses; tests/unit/test_llc_time.c drives it directly.
 *
 * The bus is one server (M/M/1): a line takes `service` = line / bandwidth
 * cycles on it, and a request waits service * rho / (1 - rho) cycles behind
 * the others, rho being the bus's utilisation. rho is what all CPUs demand:
 * each CPU measures its refill bytes per cycle over a window of its own
 * modelled cycles, and rho moves `gain` of the way to the sum of the fresh
 * rates (capped at rho_max) whenever a CPU closes a window. The average
 * damps the loop (more demand, longer waits, less demand) that would
 * otherwise swing from window to window. A CPU that waits for an interrupt
 * (WFI: idle, or held by bandwidth regulation) moves nothing, so its rate
 * drops out at once (llct_idle), and comes back with its first window once
 * it runs again. One that stops otherwise (a parked pCPU that spins) closes
 * no window; its rate drops out after `stale` instructions of the others.
 *
 * A miss is either latency-bound (miss_cycles + wait: a pointer chase) or,
 * when it takes the line after this CPU's previous miss, prefetched:
 * the Cortex-A53's data prefetcher streams sequential lines, so the core
 * pays only the bus (service + wait). Bus bytes are refills only: the cache
 * model keeps no dirty bits, so write-backs are not counted.
 *
 * Cycles are kept in fixed point (LLCT_FP fractions of a cycle) so costs
 * of fractions of a cycle add up exactly and runs are reproducible.
 */
#ifndef LLC_TIME_H
#define LLC_TIME_H

#include <stdint.h>

#define LLCT_FP_SHIFT 10
#define LLCT_FP (1u << LLCT_FP_SHIFT)

/*
 * The parameters, each once: name, default, what it is. Defaults describe
 * a Cortex-A53 cluster like TI's AM62Px (four A53 at 1.4 GHz, LPDDR4);
 * docs/llc-pmu.md gives the sources.
 */
#define LLCT_PARAMS(X)                                                                             \
	X(freq_mhz, 1400, "core clock, MHz (turns cycles into time)")                              \
	X(cpi_milli, 1000, "cycles per instruction, in thousandths")                               \
	X(hit_cycles, 1, "cycles an LLC-model hit adds (mostly L1 hits: no L1 is modelled)")       \
	X(miss_cycles, 168, "cycles a latency-bound miss waits for DRAM, bus idle (120 ns)")       \
	X(bus_mbps, 7200, "bandwidth the memory bus sustains, all CPUs, MB/s")                     \
	X(window, 4096, "cycles over which a CPU measures its bus demand")                         \
	X(gain_milli, 250, "weight of a new window in the bus utilisation, thousandths")           \
	X(rho_max_milli, 950, "highest bus utilisation the wait curve takes, thousandths")         \
	X(stale, 200000, "instructions of all CPUs after which a silent CPU's demand drops out")

struct llct_params {
#define LLCT_FIELD(name, def, what) uint64_t name;
	LLCT_PARAMS(LLCT_FIELD)
#undef LLCT_FIELD
};

struct llct_cpu {
	uint64_t insns;
	uint64_t cycles; /* fixed point */
	uint64_t bus_bytes;
	uint64_t misses_seq; /* prefetched misses, of all misses */
	uint64_t last_miss;  /* line number of the previous miss */
	uint64_t win_cycles; /* cycles and bus_bytes when the window opened */
	uint64_t win_bytes;
	uint64_t stamp; /* all CPUs' instructions when the last window closed */
	double rate;    /* bus bytes per cycle over the last window */
	int seen;       /* has closed a window */
};

struct llct_model {
	struct llct_params p;
	unsigned cpus;
	unsigned line;
	struct llct_cpu *cpu;                                 /* [cpus] */
	uint64_t insns;                                       /* all CPUs */
	double peak;                                          /* bus bytes per cycle */
	double service;                                       /* cycles a line holds the bus */
	double rho;                                           /* bus utilisation, 0..rho_max */
	uint64_t insn_fp, hit_fp, rand_fp, seq_fp, window_fp; /* costs now, fixed point */
};

/* The defaults of LLCT_PARAMS. */
void llct_defaults(struct llct_params *p);

/* Sets the model up at time 0, bus idle; NULL or why the parameters are refused. */
const char *llct_init(struct llct_model *t, const struct llct_params *p, unsigned cpus,
                      unsigned line);
void llct_free(struct llct_model *t);

/* A CPU closes its window: its rate, the bus's utilisation and the costs follow. */
void llct_window(struct llct_model *t, unsigned cpu);

/* A CPU stops to wait for an interrupt: it demands no bus until its next full window. */
void llct_idle(struct llct_model *t, unsigned cpu);

/* Modelled nanoseconds of a cycle count (not fixed point). */
uint64_t llct_ns(const struct llct_model *t, uint64_t cycles);

static inline uint64_t llct_cycles(const struct llct_model *t, unsigned cpu)
{
	return t->cpu[cpu].cycles >> LLCT_FP_SHIFT;
}

static inline void llct_advance(struct llct_model *t, struct llct_cpu *c, unsigned cpu, uint64_t fp)
{
	c->cycles += fp;
	if (c->cycles - c->win_cycles >= t->window_fp)
		llct_window(t, cpu);
}

/* CPU `cpu` runs n instructions (a translated block, before its accesses). */
static inline void llct_insns(struct llct_model *t, unsigned cpu, uint64_t n)
{
	struct llct_cpu *c = &t->cpu[cpu];

	c->insns += n;
	t->insns += n;
	llct_advance(t, c, cpu, n * t->insn_fp);
}

/* CPU `cpu` accesses line number `ln` (PA >> line shift); hit says what the cache model said. */
static inline void llct_access(struct llct_model *t, unsigned cpu, uint64_t ln, int hit)
{
	struct llct_cpu *c = &t->cpu[cpu];
	uint64_t fp = t->hit_fp;

	if (!hit) {
		int seq = ln == c->last_miss + 1;

		c->last_miss = ln;
		c->misses_seq += (uint64_t)seq;
		c->bus_bytes += t->line;
		fp = seq ? t->seq_fp : t->rand_fp;
	}
	llct_advance(t, c, cpu, fp);
}

#endif
