/*
 * Names and payloads of events, and the `vtrace dump` listing: one line per
 * record, every ring merged in timestamp order.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "vtrace.h"

/* Exit classes that get a name, per architecture; any other is "other" (its number printed). */
struct dec_exit_class {
	uint32_t class;
	const char *name, *b, *c; /* c: "PC", "IPA" or "MMIO" (vitrine/trace.h) */
};

#define DEC_EXIT(class, key, label, b, c) {class, label, #b, #c},
static const struct dec_exit_class dec_exits_arm[] = {VT_EXIT_CLASSES(DEC_EXIT)};
static const struct dec_exit_class dec_exits_riscv64[] = {VT_EXIT_CLASSES_RISCV64(DEC_EXIT)};
#undef DEC_EXIT

/* class: what an unnamed class is called; syndrome: what a FAULT's a is. */
static const struct dec_arch {
	const char *class, *syndrome;
	const struct dec_exit_class *exits;
	int n;
} dec_archs[] = {
    [VT_ARCH_AARCH64] = {"EC", "ESR", dec_exits_arm, DEC_EXIT_ARM},
    [VT_ARCH_RISCV64] = {"scause", "scause", dec_exits_riscv64, DEC_EXIT_RISCV64},
};

#define DEC_ARCH_ONE(NAME, name, value) +1
_Static_assert(sizeof dec_archs / sizeof dec_archs[0] == 0 VT_ARCHS(DEC_ARCH_ONE) &&
                   VT_ARCH_NUM == 0 VT_ARCHS(DEC_ARCH_ONE),
               "an exit class list per architecture, the architectures numbered from 0");
#undef DEC_ARCH_ONE

static const struct dec_arch *dec_arch(const struct vtrace *t)
{
	return &dec_archs[t->arch < VT_ARCH_NUM ? t->arch : VT_ARCH_AARCH64];
}

/* The named class of an exit, NULL for "other". */
static const struct dec_exit_class *dec_exit_class(const struct vtrace *t, uint32_t class)
{
	int kind = dec_exit_kind(t, class);

	return kind < dec_arch(t)->n ? &dec_arch(t)->exits[kind] : NULL;
}

static const char *dec_class_name(uint32_t class)
{
#define DEC_CLASS_NAME(CLASS, name, bit)                                                           \
	if (class == VT_CLASS_##CLASS)                                                             \
		return #name;
	VT_CLASSES(DEC_CLASS_NAME)
#undef DEC_CLASS_NAME
	return "?";
}

int dec_exit_kind(const struct vtrace *t, uint32_t class)
{
	const struct dec_arch *a = dec_arch(t);

	for (int i = 0; i < a->n; i++)
		if (a->exits[i].class == class)
			return i;
	return DEC_EXIT_KINDS - 1;
}

const char *dec_exit_kind_name(const struct vtrace *t, int kind)
{
	if (kind == DEC_EXIT_KINDS - 1)
		return "other";
	return kind >= 0 && kind < dec_arch(t)->n ? dec_arch(t)->exits[kind].name : NULL;
}

const char *dec_exit_b_name(const struct vtrace *t, uint32_t class)
{
	const struct dec_exit_class *c = dec_exit_class(t, class);

	return c ? c->b : dec_arch(t)->syndrome;
}

int dec_exit_c_is_ipa(const struct vtrace *t, uint32_t class)
{
	const struct dec_exit_class *c = dec_exit_class(t, class);

	return c && c->c[0] != 'P';
}

const char *dec_irq_name(const struct vtrace *t, uint64_t cause)
{
	if (t->arch != VT_ARCH_RISCV64)
		return NULL;
#define DEC_IRQ(code, name)                                                                        \
	if (cause == code)                                                                         \
		return #name;
	VT_IRQS_RISCV64(DEC_IRQ)
#undef DEC_IRQ
	return NULL;
}

int dec_irq_arrival(const struct vt_record *r, uint32_t *intid)
{
	if (r->event == VT_EV_IRQ)
		*intid = r->a;
	else if (r->event == VT_EV_EXIT && r->a == VT_EXIT_IRQ)
		*intid = (uint32_t)r->b;
	else
		return 0;
	return 1;
}

const char *dec_event_name(uint16_t event)
{
	static const char *const names[VT_EV_COUNT] = VT_EVENT_UPPER_NAMES;

	return event < VT_EV_COUNT && names[event] ? names[event] : "?";
}

/* The event vocabulary as the manual's table: Lua name, class, payload. */
void dec_events_table(FILE *out)
{
	fprintf(out, "| event | class | payload |\n|---|---|---|\n");
#define DEC_EV_ROW(NAME, name, value, CLASS, payload)                                              \
	fprintf(out, "| `%s` | %s | %s |\n", #name, dec_class_name(VT_CLASS_##CLASS), payload);
	VT_EVENTS(DEC_EV_ROW)
#undef DEC_EV_ROW
}

const char *dec_vm_state_name(uint32_t state)
{
	static const char *const names[VT_VM_STATE_COUNT] = VT_VM_STATE_NAMES;

	return state < VT_VM_STATE_COUNT ? names[state] : "?";
}

const char *dec_vcpu_state_name(uint32_t state)
{
	static const char *const names[VT_VCPU_STATE_COUNT] = VT_VCPU_STATE_NAMES;

	return state < VT_VCPU_STATE_COUNT ? names[state] : "?";
}

const char *dec_vm_name(const struct vtrace *t, uint8_t vm)
{
	return vm < t->nr_vms ? t->vms[vm].name : "-";
}

/*
 * Counter ticks to ns, exact while it fits (timer_freq is at most 10 GHz, so
 * the remainder's product fits), saturating after: never decreasing.
 */
uint64_t dec_ns(const struct vtrace *t, uint64_t ts)
{
	uint64_t f = t->timer_freq, q = ts / f;

	if (q > (UINT64_MAX - 1000000000ull) / 1000000000ull)
		return UINT64_MAX;
	return q * 1000000000ull + ts % f * 1000000000ull / f;
}

/* The name of the hypervisor's work after an exit, as a Perfetto slice. */
void dec_exit_slice(const struct vtrace *t, const struct vt_record *r, char *buf, size_t len)
{
	const struct dec_exit_class *c = dec_exit_class(t, r->a);
	const char *irq = dec_irq_name(t, r->b);

	if (r->a == VT_EXIT_IRQ && irq)
		snprintf(buf, len, "IRQ %s", irq);
	else if (r->a == VT_EXIT_IRQ)
		snprintf(buf, len, "IRQ %" PRIu64, r->b);
	else if (c && c->c[0] == 'M')
		snprintf(buf, len, "MMIO 0x%" PRIx64, r->c);
	else if (!c)
		snprintf(buf, len, "%s 0x%x", dec_arch(t)->class, r->a);
	else
		snprintf(buf, len, "%s", c->name);
}

static void dec_exit(const struct vtrace *t, const struct vt_record *r, char *buf, size_t len)
{
	const struct dec_exit_class *c = dec_exit_class(t, r->a);
	const char *irq = dec_irq_name(t, r->b);

	if (r->a == VT_EXIT_IRQ && irq)
		snprintf(buf, len, "IRQ %s (cause %" PRIu64 ") PC 0x%" PRIx64, irq, r->b, r->c);
	else if (r->a == VT_EXIT_IRQ)
		snprintf(buf, len, "IRQ %s %" PRIu64, c->b, r->b);
	else if (c && c->c[0] != 'P')
		snprintf(buf, len, "%s IPA 0x%" PRIx64 " %s 0x%" PRIx64, c->name, r->c, c->b, r->b);
	else if (!c)
		snprintf(buf, len, "%s 0x%x %s 0x%" PRIx64 " PC 0x%" PRIx64, dec_arch(t)->class,
		         r->a, dec_arch(t)->syndrome, r->b, r->c);
	else
		snprintf(buf, len, "%s %s 0x%" PRIx64 " PC 0x%" PRIx64, c->name, c->b, r->b, r->c);
}

void dec_payload(const struct vtrace *t, const struct vt_record *r, char *buf, size_t len)
{
	switch (r->event) {
	case VT_EV_LOST:
		snprintf(buf, len, "%u records lost", r->a);
		break;
	case VT_EV_EXIT:
		dec_exit(t, r, buf, len);
		break;
	case VT_EV_IRQ:
		snprintf(buf, len, "INTID %u", r->a);
		break;
	case VT_EV_INJECT:
		if (r->b)
			snprintf(buf, len, "vINTID %u (hw INTID %" PRIu64 ")", r->a, r->b);
		else
			snprintf(buf, len, "vINTID %u", r->a);
		break;
	case VT_EV_LR_FULL:
		snprintf(buf, len, "vINTID %u waits for a list register", r->a);
		break;
	case VT_EV_IPI:
		snprintf(buf, len, "to cpu %u", r->a);
		break;
	case VT_EV_HVC:
	case VT_EV_PSCI:
		snprintf(buf, len, "fn 0x%08x x1 0x%" PRIx64 " -> x0 0x%" PRIx64, r->a, r->b, r->c);
		break;
	case VT_EV_IPC:
		snprintf(buf, len, "channel %u event %" PRIu64 " to VM %s", r->a, r->b,
		         r->c < VT_NONE ? dec_vm_name(t, (uint8_t)r->c) : "-");
		break;
	case VT_EV_FAULT:
		snprintf(buf, len, "%s 0x%x IPA 0x%" PRIx64 " PC 0x%" PRIx64, dec_arch(t)->syndrome,
		         r->a, r->b, r->c);
		break;
	case VT_EV_VM_STATE:
		snprintf(buf, len, "%s", dec_vm_state_name(r->a));
		break;
	case VT_EV_VCPU_STATE:
		snprintf(buf, len, "%s", dec_vcpu_state_name(r->a));
		break;
	case VT_EV_MARK:
		snprintf(buf, len, "marker %u value %" PRIu64, r->a, r->b);
		break;
	default:
		buf[0] = '\0';
	}
}

/* The VM whose vCPU runs on pCPU cpu, from the vCPU table, or -1. */
int dec_owner(const struct vtrace *t, uint32_t cpu)
{
	for (uint32_t i = 0; i < t->nr_vcpus; i++)
		if (t->vcpus[i].pcpu == cpu)
			return t->vcpus[i].vm;
	return -1;
}

void dec_list(const struct vtrace *t, FILE *out)
{
	uint64_t *next = calloc((size_t)t->nr_rings + 1, sizeof(*next));
	char payload[160], vcpu[8];

	if (!next)
		return;
	fprintf(out, "%14s %4s %-16s %4s %-10s %s\n", "ns", "cpu", "VM", "vCPU", "event",
	        "details");
	for (;;) {
		const struct vt_record *r = NULL;
		uint32_t ri = 0;

		/* The oldest next record over every ring; ties go to the lower ring. */
		for (uint32_t i = 0; i < t->nr_rings; i++) {
			const struct vtrace_ring *ring = &t->rings[i];

			if (next[i] < ring->n && (!r || ring->rec[next[i]].ts < r->ts)) {
				r = &ring->rec[next[i]];
				ri = i;
			}
		}
		if (!r)
			break;
		next[ri]++;
		dec_payload(t, r, payload, sizeof(payload));
		if (r->vcpu == VT_NONE)
			snprintf(vcpu, sizeof(vcpu), "-");
		else
			snprintf(vcpu, sizeof(vcpu), "%u", r->vcpu);
		fprintf(out, "%14" PRIu64 " %4u %-16s %4s %-10s %s\n",
		        dec_ns(t, r->ts) - dec_ns(t, t->t0), t->rings[ri].cpu,
		        dec_vm_name(t, r->vm), vcpu, dec_event_name(r->event), payload);
	}
	free(next);
}
