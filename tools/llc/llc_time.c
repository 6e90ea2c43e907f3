/* The timing model's set-up and its window step; the per-event path is in llc_time.h. */
#include "llc_time.h"

#include <stdlib.h>
#include <string.h>

void llct_defaults(struct llct_params *p)
{
#define LLCT_DEFAULT(name, def, what) p->name = def;
	LLCT_PARAMS(LLCT_DEFAULT)
#undef LLCT_DEFAULT
}

static uint64_t llct_fp(double cycles)
{
	return (uint64_t)(cycles * LLCT_FP + 0.5);
}

/* The costs at the bus's present utilisation. */
static void llct_costs(struct llct_model *t)
{
	double wait = t->service * t->rho / (1 - t->rho);

	t->rand_fp = llct_fp((double)t->p.miss_cycles + wait);
	t->seq_fp = llct_fp(t->service + wait);
}

const char *llct_init(struct llct_model *t, const struct llct_params *p, unsigned cpus,
                      unsigned line)
{
	memset(t, 0, sizeof(*t));
	if (!p->freq_mhz || !p->bus_mbps)
		return "freq_mhz and bus_mbps must be more than 0";
	if (!p->window || p->window > (UINT64_MAX >> LLCT_FP_SHIFT) / 2)
		return "window must be more than 0 cycles";
	if (!p->gain_milli || p->gain_milli > 1000)
		return "gain_milli must be 1 to 1000";
	if (p->rho_max_milli >= 1000)
		return "rho_max_milli must be below 1000 (the wait is infinite at 1)";
	if (!cpus || !line)
		return "no CPUs or no line size";
	t->cpu = calloc(cpus, sizeof(*t->cpu));
	if (!t->cpu)
		return "out of memory";
	for (unsigned i = 0; i < cpus; i++)
		t->cpu[i].last_miss = UINT64_MAX - 1; /* its successor is no line */
	t->p = *p;
	t->cpus = cpus;
	t->line = line;
	/* MB/s over cycles/us (MHz): bytes a cycle */
	t->peak = (double)p->bus_mbps / (double)p->freq_mhz;
	t->service = line / t->peak;
	t->insn_fp = (p->cpi_milli * LLCT_FP + 500) / 1000;
	t->hit_fp = p->hit_cycles * LLCT_FP;
	t->window_fp = p->window * LLCT_FP;
	llct_costs(t);
	return NULL;
}

void llct_free(struct llct_model *t)
{
	free(t->cpu);
	t->cpu = NULL;
}

void llct_window(struct llct_model *t, unsigned cpu)
{
	struct llct_cpu *c = &t->cpu[cpu];
	double cycles = (double)(c->cycles - c->win_cycles) / LLCT_FP, demand = 0;

	c->rate = (double)(c->bus_bytes - c->win_bytes) / cycles;
	c->stamp = t->insns;
	c->seen = 1;
	c->win_cycles = c->cycles;
	c->win_bytes = c->bus_bytes;
	for (unsigned i = 0; i < t->cpus; i++)
		if (t->cpu[i].seen && t->insns - t->cpu[i].stamp <= t->p.stale)
			demand += t->cpu[i].rate;

	double target = demand / t->peak, max = (double)t->p.rho_max_milli / 1000;

	if (target > max)
		target = max;
	t->rho += (target - t->rho) * (double)t->p.gain_milli / 1000;
	llct_costs(t);
}

void llct_idle(struct llct_model *t, unsigned cpu)
{
	struct llct_cpu *c = &t->cpu[cpu];

	/* the partial window is dropped: woken, its rate is measured afresh on what it moves */
	c->seen = 0;
	c->rate = 0;
	c->win_cycles = c->cycles;
	c->win_bytes = c->bus_bytes;
}

uint64_t llct_ns(const struct llct_model *t, uint64_t cycles)
{
	return cycles * 1000 / t->p.freq_mhz;
}
