/*
 * Reads a config into struct vmc_config. Only syntax is judged here: each
 * line on its own (keyword, argument count, numbers, names) plus duplicate
 * names. Everything that relates lines to each other is check.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "vmconfig.h"

struct cfgp_line {
	struct vmc_config *c;
	struct vmc_vm *vm; /* the current vm block; NULL outside one */
	int nr;
	const char *kind, *name; /* who errors are about: "vm" 'a', "channel" 'c', "input" */
	const char *keyword;
	int argc;
	char **argv;        /* after the keyword */
	const bool *quoted; /* argv[i] was written "in quotes" */
};

/* Takes the lines of a vm that could not be stored, so they are still parsed. */
static struct vmc_vm cfgp_spill;

static void cfgp_err(struct cfgp_line *l, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfgp_err(struct cfgp_line *l, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (field && l->kind && !strcmp(field, l->kind))
		field = NULL; /* "channel 'c': channel: ..." says nothing twice */
	va_start(ap, fmt);
	vmc_verror(l->c, l->nr, l->kind, l->name, field, fmt, ap);
	va_end(ap);
}

/* Decimal or 0x-hex, then an optional K, M or G (powers of 1024). */
static bool cfgp_number(struct cfgp_line *l, const char *s, uint64_t *out)
{
	const char *p = s;
	unsigned base = 10;
	uint64_t v = 0, unit = 1;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
		goto bad;
	for (; isxdigit((unsigned char)*p); p++) {
		unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
		                                        : (unsigned)(tolower(*p) - 'a' + 10);
		if (d >= base)
			goto bad;
		if (v > (UINT64_MAX - d) / base)
			goto big;
		v = v * base + d;
	}
	switch (*p) {
	case 'K':
		unit = 1ull << 10;
		p++;
		break;
	case 'M':
		unit = 1ull << 20;
		p++;
		break;
	case 'G':
		unit = 1ull << 30;
		p++;
		break;
	}
	if (*p)
		goto bad;
	if (v > UINT64_MAX / unit)
		goto big;
	*out = v * unit;
	return true;
bad:
	cfgp_err(l, l->keyword, "bad number '%s'", s);
	return false;
big:
	cfgp_err(l, l->keyword, "bad number '%s': does not fit in 64 bits", s);
	return false;
}

static bool cfgp_name(struct cfgp_line *l, const char *what, const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

	if (!s[n] && n <= VMC_NAME_MAX)
		return true;
	cfgp_err(l, l->keyword, "bad %s name '%s': use A-Z a-z 0-9 _ -, at most %d characters",
	         what, s, VMC_NAME_MAX);
	return false;
}

/* For keywords a vm has once: records the line, or complains that it is the second. */
static bool cfgp_once(struct cfgp_line *l, int *line)
{
	if (*line) {
		cfgp_err(l, l->keyword, "given twice, first at line %d", *line);
		return false;
	}
	*line = l->nr;
	return true;
}

/* `pa ADDR` after two arguments: mem and channel. */
static bool cfgp_pa(struct cfgp_line *l, uint64_t *pa, bool *fixed)
{
	*fixed = l->argc == 4;
	if (l->argc == 2)
		return true;
	if (l->argc != 4 || strcmp(l->argv[2], "pa")) {
		cfgp_err(l, l->keyword, "expected 'pa ADDR' after the size, got '%s'", l->argv[2]);
		return false;
	}
	return cfgp_number(l, l->argv[3], pa);
}

static struct vmc_region *cfgp_region(struct cfgp_line *l, uint8_t kind)
{
	struct vmc_vm *vm = l->vm;
	struct vmc_region *r;

	if (vm->nr_regions == VMC_REGIONS_MAX) {
		cfgp_err(l, l->keyword, "too many mem, shm and device lines (at most %d)",
		         VMC_REGIONS_MAX);
		return NULL;
	}
	r = &vm->regions[vm->nr_regions++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->write = true;
	r->channel = -1;
	r->line = l->nr;
	return r;
}

/* Starts a vm block; its lines go to vm. */
static void cfgp_open(struct cfgp_line *l, struct vmc_vm *vm, const char *name)
{
	memset(vm, 0, sizeof *vm);
	snprintf(vm->name, sizeof vm->name, "%s", name);
	vm->line = l->nr;
	vm->uart = VMC_UART_DEFAULT;
	l->vm = vm;
}

static void cfgp_vm(struct cfgp_line *l)
{
	struct vmc_config *c = l->c;
	bool ok = cfgp_name(l, "vm", l->argv[0]);

	for (int i = 0; ok && i < c->nr_vms; i++) {
		if (!strcmp(c->vms[i].name, l->argv[0])) {
			cfgp_err(l, "vm", "duplicate vm name, first at line %d", c->vms[i].line);
			ok = false;
		}
	}
	if (ok && c->nr_vms == VMC_VMS_MAX) {
		cfgp_err(l, "vm", "too many vms (at most %d)", VMC_VMS_MAX);
		ok = false;
	}
	cfgp_open(l, ok ? &c->vms[c->nr_vms++] : &cfgp_spill, l->argv[0]);
}

static bool cfgp_color_list(struct cfgp_line *l, const char *s, uint32_t *out);

static void cfgp_channel(struct cfgp_line *l)
{
	struct vmc_config *c = l->c;
	struct vmc_channel ch = {.line = l->nr};
	bool colored = l->argc == 4 && !strcmp(l->argv[2], "colors");

	if (!cfgp_name(l, "channel", l->argv[0]))
		return;
	for (int i = 0; i < c->nr_channels; i++) {
		if (!strcmp(c->channels[i].name, l->argv[0])) {
			cfgp_err(l, NULL, "duplicate channel name, first at line %d",
			         c->channels[i].line);
			return;
		}
	}
	if (c->nr_channels == VMC_CHANNELS_MAX) {
		cfgp_err(l, NULL, "too many channels (at most %d)", VMC_CHANNELS_MAX);
		return;
	}
	/* `|`, not `||`: report every bad number of the line */
	if (colored ? !cfgp_number(l, l->argv[1], &ch.size) |
	                  !cfgp_color_list(l, l->argv[3], &ch.colors)
	            : !cfgp_number(l, l->argv[1], &ch.size) | !cfgp_pa(l, &ch.pa, &ch.fixed))
		return;
	snprintf(ch.name, sizeof ch.name, "%s", l->argv[0]);
	c->channels[c->nr_channels++] = ch;
}

static void cfgp_input(struct cfgp_line *l)
{
	struct vmc_config *c = l->c;

	if (!cfgp_name(l, "vm", l->argv[0]) || !cfgp_once(l, &c->input_line))
		return;
	snprintf(c->input, sizeof c->input, "%s", l->argv[0]);
}

static void cfgp_monitor(struct cfgp_line *l)
{
	struct vmc_config *c = l->c;

	if (!cfgp_name(l, "vm", l->argv[0]) || !cfgp_once(l, &c->monitor_line))
		return;
	snprintf(c->monitor, sizeof c->monitor, "%s", l->argv[0]);
}

/* llc-events REFILL [ACCESS] | none: PMU event numbers, at most 16 bits (PMUv3.1) */
static void cfgp_llc_events(struct cfgp_line *l)
{
	struct vmc_config *c = l->c;
	uint64_t ev[2] = {CFG_PMU_NONE, CFG_PMU_NONE};

	if (l->argc == 1 && !strcmp(l->argv[0], "none")) {
		if (cfgp_once(l, &c->llc_events_line))
			c->llc_refill_event = c->llc_access_event = CFG_PMU_NONE;
		return;
	}
	for (int i = 0; i < l->argc; i++) {
		if (!cfgp_number(l, l->argv[i], &ev[i]))
			return;
		if (ev[i] >= CFG_PMU_NONE) {
			cfgp_err(l, "llc-events",
			         "event 0x%" PRIx64 " is not a PMU event (0-0xfffe)", ev[i]);
			return;
		}
	}
	if (cfgp_once(l, &c->llc_events_line)) {
		c->llc_refill_event = (uint32_t)ev[0];
		c->llc_access_event = (uint32_t)ev[1];
	}
}

static void cfgp_file(struct cfgp_line *l, struct vmc_file *file)
{
	if (cfgp_once(l, &file->line))
		snprintf(file->name, sizeof file->name, "%s", l->argv[0]);
}

static void cfgp_image(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->image);
}

static void cfgp_kernel(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->kernel);
}

static void cfgp_initrd(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->initrd);
}

/* dtb auto | dtb FILE */
static void cfgp_dtb(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->dtb);
	l->vm->dtb_auto = !l->quoted[0] && !strcmp(l->argv[0], "auto");
}

/* bootargs "ARGS": quoted, so that spaces and '#' are the kernel's */
static void cfgp_bootargs(struct cfgp_line *l)
{
	if (!l->quoted[0]) {
		cfgp_err(l, "bootargs",
		         "expected a quoted string like \"console=ttyAMA0\", not '%s'", l->argv[0]);
		return;
	}
	if (cfgp_once(l, &l->vm->bootargs_line))
		snprintf(l->vm->bootargs, sizeof l->vm->bootargs, "%s", l->argv[0]);
}

static void cfgp_cpus(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;

	if (!cfgp_once(l, &vm->cpus_line))
		return;
	if (l->argc > VMC_CPUS_MAX) {
		cfgp_err(l, "cpus", "too many pCPUs listed (%d)", l->argc);
		return;
	}
	for (int i = 0; i < l->argc; i++)
		if (cfgp_number(l, l->argv[i], &vm->cpus[vm->nr_cpus]))
			vm->nr_cpus++;
}

static void cfgp_mem(struct cfgp_line *l)
{
	uint64_t ipa, size, pa = 0;
	bool fixed;
	struct vmc_region *r;

	if (!cfgp_number(l, l->argv[0], &ipa) | !cfgp_number(l, l->argv[1], &size) ||
	    !cfgp_pa(l, &pa, &fixed) || !(r = cfgp_region(l, CFG_REGION_RAM)))
		return;
	r->ipa = ipa;
	r->size = size;
	r->pa = pa;
	r->fixed = fixed;
}

/*
 * A colour: decimal digits only, no sign; *p moves past them. A colour that
 * does not exist stays one however many digits it has (v saturates).
 */
static bool cfgp_color(const char **p, unsigned *v)
{
	const char *start = *p;

	for (*v = 0; isdigit((unsigned char)**p); (*p)++)
		*v = *v > PLAT_LLC_COLORS ? *v : *v * 10 + (unsigned)(**p - '0');
	return *p != start;
}

/* A colour list, items N or N-M separated by commas: "0-3,8"; false (and said) if it is bad. */
static bool cfgp_color_list(struct cfgp_line *l, const char *s, uint32_t *out)
{
	uint32_t set = 0;
	const char *p = s;

	do {
		const char *last = p; /* the item's last number, for messages */
		unsigned lo, hi;

		if (!cfgp_color(&p, &lo))
			goto bad;
		hi = lo;
		if (*p == '-' && (last = ++p, !cfgp_color(&p, &hi)))
			goto bad;
		if ((*p && *p != ',') || lo > hi)
			goto bad;
		if (hi >= PLAT_LLC_COLORS) {
			cfgp_err(l, "colors", "colour %.*s does not exist (%s has %d: 0-%d)",
			         (int)(p - last), last, PLAT_NAME, PLAT_LLC_COLORS,
			         PLAT_LLC_COLORS - 1);
			return false;
		}
		for (unsigned c = lo; c <= hi; c++)
			set |= 1u << c;
	} while (*p++ == ',');
	*out = set;
	return true;
bad:
	cfgp_err(l, "colors", "expected colours like '0-3,8', not '%s'", s);
	return false;
}

/* trace colors LIST, hypervisor colors LIST (top level) */
static void cfgp_top_colors(struct cfgp_line *l, int *line, uint32_t *colors)
{
	uint32_t set;

	if (strcmp(l->argv[0], "colors")) {
		cfgp_err(l, l->keyword, "expected 'colors LIST', not '%s'", l->argv[0]);
		return;
	}
	if (cfgp_color_list(l, l->argv[1], &set) && cfgp_once(l, line))
		*colors = set;
}

static void cfgp_trace(struct cfgp_line *l)
{
	cfgp_top_colors(l, &l->c->trace_line, &l->c->trace_colors);
}

static void cfgp_hypervisor(struct cfgp_line *l)
{
	cfgp_top_colors(l, &l->c->hyp_line, &l->c->hyp_colors);
}

/* colors LIST [exclusive] */
static void cfgp_colors(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;
	uint32_t set;

	if (l->argc == 2 && strcmp(l->argv[1], "exclusive")) {
		cfgp_err(l, "colors", "expected 'exclusive' after the colours, not '%s'",
		         l->argv[1]);
		return;
	}
	if (cfgp_color_list(l, l->argv[0], &set) && cfgp_once(l, &vm->colors_line)) {
		vm->colors = set;
		vm->exclusive = l->argc == 2;
	}
}

static void cfgp_value(struct cfgp_line *l, int *line, uint64_t *v)
{
	uint64_t x;

	if (cfgp_number(l, l->argv[0], &x) && cfgp_once(l, line))
		*v = x;
}

static void cfgp_load(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->load_line, &l->vm->load);
}

static void cfgp_entry(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->entry_line, &l->vm->entry);
}

static void cfgp_arg(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->arg_line, &l->vm->arg);
}

static void cfgp_uart(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;
	bool none = !strcmp(l->argv[0], "none");
	uint64_t ipa = 0;

	if (!none && !cfgp_number(l, l->argv[0], &ipa))
		return;
	if (!none && ipa == 0) {
		cfgp_err(l, "uart", "IPA 0 is not allowed (to have no uart, write 'uart none')");
		return;
	}
	if (cfgp_once(l, &vm->uart_line))
		vm->uart = ipa;
}

static void cfgp_device(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;
	uint64_t base, size, id;
	struct vmc_region *r;
	int argc = l->argc;
	bool dt = argc >= 4 && !strcmp(l->argv[argc - 2], "dt");

	if (!cfgp_number(l, l->argv[0], &base) | !cfgp_number(l, l->argv[1], &size))
		return;
	argc -= dt ? 2 : 0; /* `dt FILE` comes last */
	if (argc > 2 && (strcmp(l->argv[2], "irq") || argc == 3)) {
		cfgp_err(l, "device", "expected 'irq N ...' or 'dt FILE' after the size");
		return;
	}
	if (!(r = cfgp_region(l, CFG_REGION_DEVICE)))
		return;
	r->ipa = r->pa = base;
	r->size = size;
	r->fixed = true;
	if (dt) {
		r->dt.line = l->nr;
		snprintf(r->dt.name, sizeof r->dt.name, "%s", l->argv[l->argc - 1]);
	}
	for (int i = 3; i < argc; i++) {
		if (!cfgp_number(l, l->argv[i], &id))
			continue;
		if (vm->nr_intids == VMC_INTIDS_MAX) {
			cfgp_err(l, "device", "too many INTIDs in this vm (at most %d)",
			         VMC_INTIDS_MAX);
			return;
		}
		vm->intids[vm->nr_intids++] = (struct vmc_intid){.id = id, .line = l->nr};
	}
}

/* `WORD N` at argv[*i], if there: its number in *out, *i past it; false if N is bad. */
static bool cfgp_option(struct cfgp_line *l, int *i, const char *word, bool *given, uint64_t *out)
{
	if (*i + 1 >= l->argc || strcmp(l->argv[*i], word))
		return true;
	*given = true;
	*i += 2;
	return cfgp_number(l, l->argv[*i - 1], out);
}

static void cfgp_shm(struct cfgp_line *l)
{
	uint64_t ipa, id = 0, bell = 0;
	bool rw = !strcmp(l->argv[2], "rw"), irq = false, has_bell = false;
	struct vmc_region *r;
	int i = 3;

	if (!cfgp_name(l, "channel", l->argv[0]) | !cfgp_number(l, l->argv[1], &ipa))
		return;
	if (!rw && strcmp(l->argv[2], "ro")) {
		cfgp_err(l, "shm", "rights must be rw or ro, not '%s'", l->argv[2]);
		return;
	}
	if (!cfgp_option(l, &i, "irq", &irq, &id) || !cfgp_option(l, &i, "bell", &has_bell, &bell))
		return;
	if (i < l->argc) {
		cfgp_err(l, "shm", "expected 'irq N', then 'bell IPA', after the rights");
		return;
	}
	if (!(r = cfgp_region(l, CFG_REGION_SHM)))
		return;
	r->ipa = ipa;
	r->write = rw;
	r->irq = irq;
	r->intid = id;
	r->bell = has_bell;
	r->bell_ipa = bell;
	snprintf(r->chan_name, sizeof r->chan_name, "%s", l->argv[0]);
}

/*
 * A vm's line that names one of its words, a or b (b NULL: a is the only
 * one), once: the word `sets` sets flag in the vm's flags.
 */
static void cfgp_flag(struct cfgp_line *l, int *line, const char *a, const char *b,
                      const char *sets, uint32_t flag)
{
	const char *w = l->argv[0];

	if (strcmp(w, a) && (!b || strcmp(w, b))) {
		if (b)
			cfgp_err(l, l->keyword, "expected '%s' or '%s', not '%s'", a, b, w);
		else
			cfgp_err(l, l->keyword, "expected '%s', not '%s'", a, w);
		return;
	}
	if (cfgp_once(l, line) && !strcmp(w, sets))
		l->vm->flags |= flag;
}

/* dma unconfined: the vm may own DMA masters, which reach all physical memory (no SMMU) */
static void cfgp_dma(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->dma_line, "unconfined", NULL, "unconfined", CFG_VM_DMA_UNCONFINED);
}

/* on-fault restart|stop; check.c gives the vms without it their default */
static void cfgp_on_fault(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->fault_line, "restart", "stop", "restart", CFG_VM_FAULT_RESTART);
}

/* on-reset restart|stop: what the guest's own reset request (PSCI SYSTEM_RESET) does */
static void cfgp_on_reset(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->reset_line, "restart", "stop", "stop", CFG_VM_RESET_STOP);
}

/* debug: the monitor may stop this vm, read and write its registers and memory */
static void cfgp_debug(struct cfgp_line *l)
{
	if (cfgp_once(l, &l->vm->debug_line))
		l->vm->flags |= CFG_VM_DEBUG;
}

static const struct cfgp_keyword {
	const char *name;
	const char *usage;
	int min, max; /* argument count; max -1: no limit */
	bool in_vm;   /* belongs to a vm block */
	void (*parse)(struct cfgp_line *l);
} cfgp_keywords[] = {
    {"input", "input VMNAME", 1, 1, false, cfgp_input},
    {"monitor", "monitor VMNAME", 1, 1, false, cfgp_monitor},
    {"trace", "trace colors LIST", 2, 2, false, cfgp_trace},
    {"hypervisor", "hypervisor colors LIST", 2, 2, false, cfgp_hypervisor},
    {"llc-events", "llc-events REFILL [ACCESS] | none", 1, 2, false, cfgp_llc_events},
    {"channel", "channel NAME SIZE [pa ADDR | colors LIST]", 2, 4, false, cfgp_channel},
    {"vm", "vm NAME", 1, 1, false, cfgp_vm},
    {"image", "image NAME|PATH", 1, 1, true, cfgp_image},
    {"kernel", "kernel PATH", 1, 1, true, cfgp_kernel},
    {"initrd", "initrd PATH", 1, 1, true, cfgp_initrd},
    {"dtb", "dtb auto|PATH", 1, 1, true, cfgp_dtb},
    {"bootargs", "bootargs \"ARGS\"", 1, 1, true, cfgp_bootargs},
    {"cpus", "cpus N [N ...]", 1, -1, true, cfgp_cpus},
    {"mem", "mem IPA SIZE [pa ADDR]", 2, 4, true, cfgp_mem},
    {"load", "load IPA", 1, 1, true, cfgp_load},
    {"entry", "entry IPA", 1, 1, true, cfgp_entry},
    {"arg", "arg VALUE", 1, 1, true, cfgp_arg},
    {"uart", "uart IPA|none", 1, 1, true, cfgp_uart},
    {"colors", "colors LIST [exclusive]", 1, 2, true, cfgp_colors},
    {"device", "device BASE SIZE [irq N ...] [dt FILE]", 2, -1, true, cfgp_device},
    {"shm", "shm CHANNEL IPA rw|ro [irq N] [bell IPA]", 3, 7, true, cfgp_shm},
    {"dma", "dma unconfined", 1, 1, true, cfgp_dma},
    {"on-fault", "on-fault restart|stop", 1, 1, true, cfgp_on_fault},
    {"on-reset", "on-reset restart|stop", 1, 1, true, cfgp_on_reset},
    {"debug", "debug", 0, 0, true, cfgp_debug},
};

static void cfgp_dispatch(struct cfgp_line *l, char **tok, const bool *quoted, int n)
{
	const struct cfgp_keyword *k = NULL;

	for (size_t i = 0; i < sizeof cfgp_keywords / sizeof cfgp_keywords[0]; i++)
		if (!strcmp(tok[0], cfgp_keywords[i].name))
			k = &cfgp_keywords[i];
	l->keyword = tok[0];
	l->argc = n - 1;
	l->argv = tok + 1;
	l->quoted = quoted + 1;
	l->kind = l->vm ? "vm" : NULL;
	l->name = l->vm ? l->vm->name : NULL;
	if (!k) {
		cfgp_err(l, tok[0], "unknown keyword");
		return;
	}
	if (k->in_vm && !l->vm) {
		cfgp_err(l, tok[0], "outside a vm block (put it after a 'vm NAME' line)");
		return;
	}
	if (!k->in_vm) { /* input, channel, vm: a global line */
		bool named = k->parse != cfgp_input && k->parse != cfgp_monitor &&
		             k->parse != cfgp_trace && k->parse != cfgp_hypervisor &&
		             k->parse != cfgp_llc_events && n > 1;

		if (k->parse == cfgp_channel)
			l->vm = NULL; /* a channel line ends the vm block */
		l->kind = named ? tok[0] : NULL;
		l->name = named ? tok[1] : NULL;
	}
	if (l->argc < k->min || (k->max >= 0 && l->argc > k->max)) {
		cfgp_err(l, tok[0], "%s arguments: expected '%s'",
		         l->argc < k->min ? "missing" : "extra", k->usage);
		if (k->parse == cfgp_vm) /* keep the block's lines out of the previous vm */
			cfgp_open(l, &cfgp_spill, "?");
		return;
	}
	k->parse(l);
}

int cfgp_parse_file(struct vmc_config *c, FILE *f)
{
	char buf[VMC_LINE_MAX], *tok[VMC_WORDS_MAX + 1];
	bool quoted[VMC_WORDS_MAX + 1];
	struct cfgp_line l = {.c = c};
	bool long_line, binary;

	c->input_vm = -1;
	c->monitor_vm = -1;
	while (cfgw_read(f, buf, &long_line, &binary)) {
		int n = 0;

		l.nr++;
		if (binary)
			vmc_error(c, l.nr, NULL, NULL, NULL, "not a text line");
		else if (long_line)
			vmc_error(c, l.nr, NULL, NULL, NULL,
			          "line too long (at most %d characters)", VMC_LINE_MAX - 1);
		if (binary || long_line)
			continue;
		if ((n = cfgw_split(c, l.nr, buf, tok, quoted)) > 0)
			cfgp_dispatch(&l, tok, quoted, n);
	}
	return ferror(f) ? -1 : 0;
}

int cfgp_parse(struct vmc_config *c, const char *path)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		fprintf(stderr, "vmconfig: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((rc = cfgp_parse_file(c, f)) < 0)
		fprintf(stderr, "vmconfig: %s: read error\n", path);
	fclose(f);
	return rc;
}
