/*
 * Reads a config into struct vmc_config. Only syntax is judged here: each
 * line on its own (keyword, argument count, numbers, names) plus duplicate
 * names. Everything that relates lines to each other is check.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "parse.h"

/* Takes the lines of a vm that could not be stored, so they are still parsed. */
static struct vmc_vm cfgp_spill;

void cfgp_err(struct cfgp_line *l, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (field && l->kind && !strcmp(field, l->kind))
		field = NULL; /* "channel 'c': channel: ..." says nothing twice */
	va_start(ap, fmt);
	vmc_verror(l->c, l->nr, l->kind, l->name, field, fmt, ap);
	va_end(ap);
}

/* Decimal or 0x-hex, then an optional K, M or G (powers of 1024). */
bool cfgp_number(struct cfgp_line *l, const char *s, uint64_t *out)
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

bool cfgp_name(struct cfgp_line *l, const char *what, const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

	if (!s[n] && n <= VMC_NAME_MAX)
		return true;
	cfgp_err(l, l->keyword, "bad %s name '%s': use A-Z a-z 0-9 _ -, at most %d characters",
	         what, s, VMC_NAME_MAX);
	return false;
}

/* For keywords a vm has once: records the line, or complains that it is the second. */
bool cfgp_once(struct cfgp_line *l, int *line)
{
	if (*line) {
		cfgp_err(l, l->keyword, "given twice, first at line %d", *line);
		return false;
	}
	*line = l->nr;
	return true;
}

/* `pa ADDR` after two arguments: mem and channel. */
bool cfgp_pa(struct cfgp_line *l, uint64_t *pa, bool *fixed)
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

struct vmc_region *cfgp_region(struct cfgp_line *l, uint8_t kind)
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

/* A device region: MMIO passed through at IPA = PA. */
struct vmc_region *cfgp_mmio(struct cfgp_line *l, uint64_t base, uint64_t size)
{
	struct vmc_region *r = cfgp_region(l, CFG_REGION_DEVICE);

	if (r) {
		r->ipa = r->pa = base;
		r->size = size;
		r->fixed = true;
	}
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

void cfgp_file(struct cfgp_line *l, struct vmc_file *file)
{
	if (cfgp_once(l, &file->line))
		snprintf(file->name, sizeof file->name, "%s", l->argv[0]);
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
bool cfgp_color_list(struct cfgp_line *l, const char *s, uint32_t *out)
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

void cfgp_value(struct cfgp_line *l, int *line, uint64_t *v)
{
	uint64_t x;

	if (cfgp_number(l, l->argv[0], &x) && cfgp_once(l, line))
		*v = x;
}

/* `WORD N` at argv[*i], if there: its number in *out, *i past it; false if N is bad. */
bool cfgp_option(struct cfgp_line *l, int *i, const char *word, bool *given, uint64_t *out)
{
	if (*i + 1 >= l->argc || strcmp(l->argv[*i], word))
		return true;
	*given = true;
	*i += 2;
	return cfgp_number(l, l->argv[*i - 1], out);
}

/*
 * A vm's line that names one of its words, a or b (b NULL: a is the only
 * one), once: the word `sets` sets flag in the vm's flags.
 */
void cfgp_flag(struct cfgp_line *l, int *line, const char *a, const char *b, const char *sets,
               uint32_t flag)
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
    {"membw", "membw BYTES period TIME", 3, 3, true, cfgp_membw},
    {"device", "device BASE SIZE [irq N ...] [dt FILE]", 2, -1, true, cfgp_device},
    {"shm", "shm CHANNEL IPA rw|ro [irq N] [bell IPA]", 3, 7, true, cfgp_shm},
    {"pci", "pci BB:DD.F bar [N] BASE SIZE", 4, 5, true, cfgp_pci},
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
