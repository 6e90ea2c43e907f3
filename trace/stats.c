/*
 * `vtrace stats`: counts per VM and per pCPU, lost/skipped per ring, and the
 * trace's exit counts checked against the hypervisor's own per-vCPU counters.
 * A record counts for the VM it names, or else for the VM owning its pCPU.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vtrace.h"

#define STATS_INTIDS 1024

struct stats_block {
	uint64_t exits[DEC_EXIT_KINDS], nr_exits;
	uint64_t *irqs; /* STATS_INTIDS + 1 (the last for higher INTIDs), allocated on use */
	uint64_t nr_irqs;
	uint64_t inject, lr_full, hvc, psci, ipc, fault, mark, ipi;
};

static int stats_count(const struct vtrace *t, struct stats_block *b, const struct vt_record *r)
{
	switch (r->event) {
	case VT_EV_EXIT:
	case VT_EV_IRQ: {
		uint32_t intid;

		if (r->event == VT_EV_EXIT) {
			b->exits[dec_exit_kind(t, r->a)]++;
			b->nr_exits++;
		}
		if (!dec_irq_arrival(r, &intid))
			break;
		if (!b->irqs && !(b->irqs = calloc(STATS_INTIDS + 1, sizeof(*b->irqs))))
			return -1;
		b->irqs[intid < STATS_INTIDS ? intid : STATS_INTIDS]++;
		b->nr_irqs++;
		break;
	}
	case VT_EV_INJECT:
		b->inject++;
		break;
	case VT_EV_LR_FULL:
		b->lr_full++;
		break;
	case VT_EV_HVC:
		b->hvc++;
		break;
	case VT_EV_PSCI:
		b->psci++;
		break;
	case VT_EV_IPC:
		b->ipc++;
		break;
	case VT_EV_FAULT:
		b->fault++;
		break;
	case VT_EV_MARK:
		b->mark++;
		break;
	case VT_EV_IPI:
		b->ipi++;
		break;
	}
	return 0;
}

static void stats_block_print(const struct vtrace *t, const struct stats_block *b, const char *who,
                              FILE *out)
{
	const char *sep = ": ";

	fprintf(out, "%s: exits %" PRIu64, who, b->nr_exits);
	for (int k = 0; k < DEC_EXIT_KINDS; k++) {
		if (!b->exits[k])
			continue;
		fprintf(out, "%s%s %" PRIu64, sep, dec_exit_kind_name(t, k), b->exits[k]);
		sep = ", ";
	}
	fprintf(out, "\n%s: irqs %" PRIu64, who, b->nr_irqs);
	sep = ": ";
	for (int i = 0; b->irqs && i <= STATS_INTIDS; i++) {
		if (!b->irqs[i])
			continue;
		if (dec_irq_name(t, (uint64_t)i))
			fprintf(out, "%s%s x%" PRIu64, sep, dec_irq_name(t, (uint64_t)i),
			        b->irqs[i]);
		else
			fprintf(out, "%sINTID %s%d x%" PRIu64, sep, i == STATS_INTIDS ? ">=" : "",
			        i, b->irqs[i]);
		sep = ", ";
	}
	fprintf(out,
	        "\n%s: injections %" PRIu64 ", lr-full %" PRIu64 ", hypercalls %" PRIu64
	        ", psci %" PRIu64 ", ipc %" PRIu64 ", faults %" PRIu64 ", markers %" PRIu64
	        ", ipis %" PRIu64 "\n",
	        who, b->inject, b->lr_full, b->hvc, b->psci, b->ipc, b->fault, b->mark, b->ipi);
}

/* Whether every record the ring ever held is in the dump. */
static int stats_complete(const struct vtrace_ring *ring, uint64_t reported)
{
	return ring->first == 0 && ring->lost == 0 && ring->skipped == 0 && reported == 0;
}

static int stats_vcpus(const struct vtrace *t, const uint64_t *exits, const uint64_t *reported,
                       FILE *out)
{
	int rc = 0;

	for (uint32_t i = 0; i < t->nr_vcpus; i++) {
		const struct vt_dump_vcpu *v = &t->vcpus[i];
		uint64_t n = exits[v->vm * 256 + v->vcpu];
		const char *verdict = "no ring for its pCPU";

		for (uint32_t j = 0; j < t->nr_rings; j++) {
			if (t->rings[j].cpu != v->pcpu)
				continue;
			if (!stats_complete(&t->rings[j], reported[j])) {
				verdict = "not comparable: records lost";
			} else if (n == v->exits) {
				verdict = "equal";
			} else {
				verdict = "DIFFERENT although nothing was lost";
				rc = 1;
			}
		}
		fprintf(out,
		        "vCPU %s/%u on cpu %u: exits: trace %" PRIu64 ", hypervisor %" PRIu64
		        ", %s\n",
		        t->vms[v->vm].name, v->vcpu, v->pcpu, n, v->exits, verdict);
	}
	return rc;
}

int stats_print(const struct vtrace *t, FILE *out)
{
	struct stats_block *vms = calloc((size_t)t->nr_vms + 1, sizeof(*vms));
	struct stats_block *cpus = calloc((size_t)t->nr_rings + 1, sizeof(*cpus));
	uint64_t *exits = calloc(256 * 256, sizeof(*exits));
	uint64_t *reported = calloc((size_t)t->nr_rings + 1, sizeof(*reported));
	int rc = -1;
	char who[64];

	if (!vms || !cpus || !exits || !reported)
		goto out;
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		const struct vtrace_ring *ring = &t->rings[i];
		int owner = dec_owner(t, ring->cpu);

		for (uint64_t j = 0; j < ring->n; j++) {
			const struct vt_record *r = &ring->rec[j];
			int vm = r->vm != VT_NONE ? r->vm : owner;

			if (stats_count(t, &cpus[i], r) || (vm >= 0 && stats_count(t, &vms[vm], r)))
				goto out;
			if (r->event == VT_EV_LOST)
				reported[i] += r->a;
			if (r->event == VT_EV_EXIT && r->vm != VT_NONE && r->vcpu != VT_NONE)
				exits[r->vm * 256 + r->vcpu]++;
		}
	}
	fprintf(out,
	        "trace: %u VMs, %u vCPUs, %u rings, %" PRIu64 " records over %" PRIu64
	        " ns, timer %" PRIu64 " Hz\n",
	        t->nr_vms, t->nr_vcpus, t->nr_rings, t->nr_records,
	        dec_ns(t, t->t1) - dec_ns(t, t->t0), t->timer_freq);
	for (uint32_t i = 0; i < t->nr_vms; i++) {
		snprintf(who, sizeof(who), "VM %s", t->vms[i].name);
		stats_block_print(t, &vms[i], who, out);
	}
	for (uint32_t i = 0; i < t->nr_rings; i++) {
		const struct vtrace_ring *ring = &t->rings[i];

		snprintf(who, sizeof(who), "cpu %u", ring->cpu);
		stats_block_print(t, &cpus[i], who, out);
		fprintf(out,
		        "cpu %u: ring %s, first %" PRIu64 ", records %" PRIu64 ", lost %" PRIu64
		        " (%" PRIu64 " reported in the ring), skipped %" PRIu64 "\n",
		        ring->cpu, ring->mode == VT_MODE_STREAM ? "stream" : "flight", ring->first,
		        ring->count, ring->lost, reported[i], ring->skipped);
	}
	rc = stats_vcpus(t, exits, reported, out);
out:
	for (uint32_t i = 0; vms && i < t->nr_vms; i++)
		free(vms[i].irqs);
	for (uint32_t i = 0; cpus && i < t->nr_rings; i++)
		free(cpus[i].irqs);
	free(vms);
	free(cpus);
	free(exits);
	free(reported);
	return rc;
}
