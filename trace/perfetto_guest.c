/*
 * A guest's own kernel trace on the hypervisor's timeline: `vtrace perfetto
 * DUMP --guest VM=FILE`. FILE is the text of the guest's tracefs `trace`
 * file (what guests/linux/vtftrace prints); each of its events becomes an
 * FtraceEvent of the guest's CPU, on a Perfetto machine of its own
 * (TracePacket.machine_id PFG_MACHINE): the guest's CPU 0 is not the pCPU 0
 * lane, and its pids (0 the idle task) are not the hypervisor's. sched,
 * irq and softirq events become Perfetto's typed events (so the cpu, sched
 * and thread_state tables hold the guest's), trace_marker lines print
 * events, the rest generic events (event name, its text as "text").
 *
 * The two clocks are aligned by instants both sides record: the guest's
 * marker line "vitrine-sync ADDR", written right before the guest reads
 * the trapped register at ADDR (vtshm mark), and the hypervisor's EXIT
 * of that VM for a data abort at IPA ADDR. Each pair's difference is the
 * offset plus the delay from the marker's timestamp to the trap (never
 * negative, stretched whenever the host deschedules the vCPU): the
 * smallest is the offset, so that marker lands exactly on its exit and
 * every other at or before its own. Both count the same generic counter
 * (Linux's trace clock is its sched_clock, the virtual counter in ns), so
 * one offset holds for the whole trace; the text gives the guest's times
 * to the microsecond.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "perfetto.h"

#define PFG_MACHINE 1     /* the guest's machine_id; the hypervisor's is 0, the default */
#define PFG_SEQ 0x10000u  /* its packets' sequence, above any ring's */
#define PFG_MAX_CPUS 256u /* guest CPUs */
#define PFG_BUNDLE 1024   /* events per bundle, at most */
#define PFG_EC_DABT 0x24  /* a data abort from a lower EL: the register's read */
#define PFG_SYNC "vitrine-sync "

/* How a text field becomes a proto field. */
enum pfg_type { PFG_STR, PFG_INT, PFG_STATE, PFG_RET };

struct pfg_field {
	const char *key; /* in the text: key=value */
	uint32_t num;    /* in the event's message */
	enum pfg_type type;
};

/* sched_wakeup's fields, and sched_waking's and sched_wakeup_new's. */
/* clang-format off */
#define PFG_WAKEUP_FIELDS \
	{"comm", 1, PFG_STR}, {"pid", 2, PFG_INT}, {"prio", 3, PFG_INT}, {"target_cpu", 5, PFG_INT}
/* clang-format on */

/* The events Perfetto has messages for (protos/perfetto/trace/ftrace/{sched,irq}.proto). */
static const struct pfg_kind {
	const char *name;
	uint32_t num; /* FtraceEvent field */
	struct pfg_field f[8];
} pfg_kinds[] = {
    {"sched_switch",
     4,
     {{"prev_comm", 1, PFG_STR},
      {"prev_pid", 2, PFG_INT},
      {"prev_prio", 3, PFG_INT},
      {"prev_state", 4, PFG_STATE},
      {"next_comm", 5, PFG_STR},
      {"next_pid", 6, PFG_INT},
      {"next_prio", 7, PFG_INT}}},
    {"sched_wakeup", 17, {PFG_WAKEUP_FIELDS}},
    {"sched_waking", 20, {PFG_WAKEUP_FIELDS}},
    {"sched_wakeup_new", 114, {PFG_WAKEUP_FIELDS}},
    {"sched_process_exec",
     237,
     {{"filename", 1, PFG_STR}, {"pid", 2, PFG_INT}, {"old_pid", 3, PFG_INT}}},
    {"sched_process_exit", 238, {{"comm", 1, PFG_STR}, {"pid", 2, PFG_INT}, {"prio", 4, PFG_INT}}},
    {"sched_process_fork",
     239,
     {{"comm", 1, PFG_STR},
      {"pid", 2, PFG_INT},
      {"child_comm", 3, PFG_STR},
      {"child_pid", 4, PFG_INT}}},
    {"sched_process_free", 240, {{"comm", 1, PFG_STR}, {"pid", 2, PFG_INT}, {"prio", 3, PFG_INT}}},
    {"softirq_entry", 24, {{"vec", 1, PFG_INT}}},
    {"softirq_exit", 25, {{"vec", 1, PFG_INT}}},
    {"softirq_raise", 26, {{"vec", 1, PFG_INT}}},
    {"irq_handler_entry", 36, {{"irq", 1, PFG_INT}, {"name", 2, PFG_STR}}},
    {"irq_handler_exit", 37, {{"irq", 1, PFG_INT}, {"ret", 2, PFG_RET}}},
};

#define PFG_PRINT 3     /* FtraceEvent.print: PrintFtraceEvent, buf 2 */
#define PFG_GENERIC 327 /* GenericFtraceEvent: event_name 1, field 2 {name 1, str_value 3} */

/* One line of the text, parsed: pointers into a copy of the line. */
struct pfg_line {
	uint64_t ns;
	uint32_t cpu, pid;
	const char *event, *args;
};

/* "SECS.FRACTION" (the fraction's digits from dot on, any number of them) in ns. */
static uint64_t pfg_ns(const char *secs, const char *dot)
{
	uint64_t ns = strtoull(secs, NULL, 10) * 1000000000ull, scale = 1000000000ull;

	for (const char *p = dot + 1; isdigit((unsigned char)*p) && scale > 1; p++) {
		scale /= 10;
		ns += (uint64_t)(*p - '0') * scale;
	}
	return ns;
}

/* Parses "COMM-PID [CPU] FLAGS SECS.FRACTION: EVENT: ARGS" (flags optional); 0 if not that. */
static int pfg_parse(char *s, struct pfg_line *l)
{
	char *b = s, *end, *dot;

	for (;; b++) { /* " [digits]" after "-digits": the CPU (a name may hold brackets) */
		b = strstr(b, " [");
		if (!b)
			return 0;
		end = b + 2;
		while (isdigit((unsigned char)*end))
			end++;
		if (end > b + 2 && *end == ']') {
			char *p = b;

			while (p > s && *p == ' ')
				p--;
			while (p > s && isdigit((unsigned char)*p))
				p--;
			if (*p == '-' && isdigit((unsigned char)p[1])) {
				l->pid = (uint32_t)strtoul(p + 1, NULL, 10);
				break;
			}
		}
	}
	l->cpu = (uint32_t)strtoul(b + 2, NULL, 10);
	for (b = end + 1;; b = end) { /* the first token "digits.digits:" is the time */
		while (*b == ' ')
			b++;
		end = strchr(b, ' ');
		if (!*b || !end)
			return 0;
		dot = strchr(b, '.');
		if (dot && dot < end && end[-1] == ':' && isdigit((unsigned char)*b))
			break;
	}
	l->ns = pfg_ns(b, dot);
	l->event = end + 1;
	end = strstr(l->event, ": ");
	if (!end)
		return 0;
	*end = '\0';
	l->args = end + 2;
	return 1;
}

/* The value of key in args (up to the next of the kind's keys, or " ==> "), in buf. */
static int pfg_value(const struct pfg_kind *k, const char *args, const char *key, char *buf,
                     size_t len)
{
	size_t kl = strlen(key), n;
	const char *v = NULL, *stop, *arrow;

	for (const char *p = args; (p = strstr(p, key)); p++)
		if ((p == args || p[-1] == ' ') && p[kl] == '=') {
			v = p + kl + 1;
			break;
		}
	if (!v)
		return 0;
	stop = v + strlen(v);
	for (int i = 0; i < 8 && k->f[i].key; i++) {
		char pat[40];
		const char *q;

		snprintf(pat, sizeof(pat), " %s=", k->f[i].key);
		q = strstr(v, pat);
		if (q && q < stop)
			stop = q;
	}
	arrow = strstr(v, " ==> ");
	if (arrow && arrow < stop)
		stop = arrow;
	n = (size_t)(stop - v) < len - 1 ? (size_t)(stop - v) : len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 1;
}

/* A task state as sched_switch prints it ("S", "R+", "D|K"...): Linux's report bits. */
static uint64_t pfg_state(const char *s)
{
	static const char letters[] = "SDTtXZPI"; /* 1 << index; R (0) and R+ (preempted): 0 */
	uint64_t bits = 0;

	for (; *s; s++) {
		const char *c = strchr(letters, *s);

		if (c)
			bits |= 1ull << (c - letters);
	}
	return bits;
}

/* The event's message, typed if Perfetto has one, into ev (an FtraceEvent). */
static void pfg_event(const struct pfg_line *l, uint64_t ts, struct pb_buf *ev)
{
	struct pb_buf body = {0}, field = {0};
	char value[256];

	pb_uint(ev, PF_FTRACE_TIMESTAMP, ts);
	pb_uint(ev, PF_FTRACE_PID, l->pid);
	if (strcmp(l->event, "tracing_mark_write") == 0) {
		/* Perfetto reads print events as systrace's "B|pid|name"...: plain text an instant
		 */
		if (l->args[0] && l->args[1] == '|')
			snprintf(value, sizeof(value), "%s\n", l->args);
		else
			snprintf(value, sizeof(value), "I|%u|%s\n", l->pid, l->args);
		pb_str(&body, 2, value);
		pb_msg(ev, PFG_PRINT, &body);
		pb_free(&body);
		return;
	}
	for (size_t i = 0; i < sizeof(pfg_kinds) / sizeof(pfg_kinds[0]); i++) {
		const struct pfg_kind *k = &pfg_kinds[i];

		if (strcmp(l->event, k->name) != 0)
			continue;
		for (int j = 0; j < 8 && k->f[j].key; j++) {
			const struct pfg_field *f = &k->f[j];

			if (!pfg_value(k, l->args, f->key, value, sizeof(value)))
				continue;
			if (f->type == PFG_STR)
				pb_str(&body, f->num, value);
			else if (f->type == PFG_STATE)
				pb_uint(&body, f->num, pfg_state(value));
			else if (f->type == PFG_RET)
				pb_uint(&body, f->num, strcmp(value, "handled") == 0);
			else
				pb_uint(&body, f->num, (uint64_t)strtoll(value, NULL, 10));
		}
		pb_msg(ev, k->num, &body);
		pb_free(&body);
		return;
	}
	pb_str(&body, 1, l->event);
	pb_str(&field, 1, "text");
	pb_str(&field, 3, l->args);
	pb_msg(&body, 2, &field);
	pb_msg(ev, PFG_GENERIC, &body);
	pb_free(&field);
	pb_free(&body);
}

/* The guest's marker: its time and the address it names; 0 if the line is not one. */
static int pfg_sync_line(const struct pfg_line *l, uint64_t *addr)
{
	return strcmp(l->event, "tracing_mark_write") == 0 &&
	       strncmp(l->args, PFG_SYNC, strlen(PFG_SYNC)) == 0 &&
	       (*addr = strtoull(l->args + strlen(PFG_SYNC), NULL, 0)) != 0;
}

/* The hypervisor's record of vm's read at addr, in ns; -1 (why in err) unless exactly one. */
static int pfg_sync_exit(const struct vtrace *t, uint32_t vm, uint64_t addr, uint64_t *ns,
                         char *err, size_t errlen)
{
	int n = 0;

	for (uint32_t i = 0; i < t->nr_rings; i++)
		for (uint64_t j = 0; j < t->rings[i].n; j++) {
			const struct vt_record *r = &t->rings[i].rec[j];

			if (r->event == VT_EV_EXIT && r->vm == vm && r->a == PFG_EC_DABT &&
			    r->c == addr && n++ == 0)
				*ns = dec_ns(t, r->ts);
		}
	if (n == 1)
		return 0;
	snprintf(err, errlen,
	         "%d exits of VM %s at IPA 0x%" PRIx64 " in the dump, want one per marker%s", n,
	         t->vms[vm].name, addr,
	         n ? ""
	           : " (its ring may have been overwritten: TRACE_MODE, a shorter guest trace)");
	return -1;
}

/*
 * Pass 0 finds the marker and the offset; pass 1 writes every line. Lines
 * that are not events (the header's "#" lines, blank ones) are skipped.
 */
static int pfg_lines(const struct vtrace *t, uint32_t vm, const char *text, size_t len, int pass,
                     int64_t *offset, struct pff_cpu *cpus, struct pb_buf *out, char *err,
                     size_t errlen)
{
	char line[1024];
	uint64_t addr, hyp_ns = 0;
	size_t i = 0;
	int marks = 0, events = 0;

	while (i < len) {
		size_t n = 0;
		struct pfg_line l;

		while (i < len && text[i] != '\n')
			if (n < sizeof(line) - 1)
				line[n++] = text[i++];
			else
				i++;
		i++;
		line[n] = '\0';
		if (line[0] == '#' || !pfg_parse(line, &l))
			continue;
		events++;
		if (pass == 0 && pfg_sync_line(&l, &addr)) {
			if (pfg_sync_exit(t, vm, addr, &hyp_ns, err, errlen))
				return -1;
			if (marks++ == 0 || (int64_t)(hyp_ns - l.ns) < *offset)
				*offset = (int64_t)(hyp_ns - l.ns);
		} else if (pass == 1) {
			struct pb_buf ev = {0};
			struct pff_cpu *c;

			if (l.cpu >= PFG_MAX_CPUS) {
				snprintf(err, errlen, "guest CPU %u: more than %u", l.cpu,
				         PFG_MAX_CPUS);
				return -1;
			}
			if (*offset < 0 && l.ns < (uint64_t)(-*offset)) {
				snprintf(err, errlen,
				         "an event at %" PRIu64 " ns, before the dump's 0", l.ns);
				return -1;
			}
			pfg_event(&l, l.ns + (uint64_t)*offset, &ev);
			c = &cpus[l.cpu];
			c->cpu = l.cpu;
			c->machine = PFG_MACHINE;
			pb_msg(&c->events, PF_BUNDLE_EVENT, &ev);
			pb_free(&ev);
			if (++c->n >= PFG_BUNDLE)
				pff_flush(c, out, PFG_SEQ);
		}
	}
	if (pass == 0 && !marks) {
		snprintf(err, errlen, "no \"" PFG_SYNC "ADDR\" marker in its %d events", events);
		return -1;
	}
	return 0;
}

int pfg_write(const struct vtrace *t, const char *vm_name, const char *text, size_t len,
              uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	struct pff_cpu *cpus = calloc(PFG_MAX_CPUS, sizeof(*cpus));
	struct pb_buf buf = {0};
	int64_t offset = 0;
	uint32_t vm = 0;
	int rc = -1;

	while (vm < t->nr_vms && strcmp(t->vms[vm].name, vm_name) != 0)
		vm++;
	if (!cpus)
		snprintf(err, errlen, "out of memory");
	else if (vm == t->nr_vms)
		snprintf(err, errlen, "no VM %s in the dump", vm_name);
	else if (!pfg_lines(t, vm, text, len, 0, &offset, cpus, &buf, err, errlen) &&
	         !pfg_lines(t, vm, text, len, 1, &offset, cpus, &buf, err, errlen))
		rc = 0;
	for (uint32_t i = 0; cpus && i < PFG_MAX_CPUS; i++) {
		if (rc == 0)
			pff_flush(&cpus[i], &buf, PFG_SEQ);
		pb_free(&cpus[i].events);
	}
	free(cpus);
	if (rc == 0 && buf.oom) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	*out = rc ? NULL : buf.p;
	*outlen = rc ? 0 : buf.len;
	if (rc)
		pb_free(&buf);
	return rc;
}
