/*
 * The lines of a vm block, one function per keyword (parse.c's table
 * dispatches them): syntax only, as in parse.c.
 */
#include <string.h>

#include "parse.h"

void cfgp_image(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->image);
}

void cfgp_kernel(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->kernel);
}

void cfgp_initrd(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->initrd);
}

/* dtb auto | dtb FILE */
void cfgp_dtb(struct cfgp_line *l)
{
	cfgp_file(l, &l->vm->dtb);
	l->vm->dtb_auto = !l->quoted[0] && !strcmp(l->argv[0], "auto");
}

/* bootargs "ARGS": quoted, so that spaces and '#' are the kernel's */
void cfgp_bootargs(struct cfgp_line *l)
{
	if (!l->quoted[0]) {
		cfgp_err(l, "bootargs",
		         "expected a quoted string like \"console=ttyAMA0\", not '%s'", l->argv[0]);
		return;
	}
	if (cfgp_once(l, &l->vm->bootargs_line))
		snprintf(l->vm->bootargs, sizeof l->vm->bootargs, "%s", l->argv[0]);
}

void cfgp_cpus(struct cfgp_line *l)
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

void cfgp_mem(struct cfgp_line *l)
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

/* colors LIST [exclusive] */
void cfgp_colors(struct cfgp_line *l)
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

/* A duration: digits then us, ms or s; nanoseconds in *ns. */
static bool cfgp_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {{"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	uint64_t v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && v < 1000000000000ull; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == s)
		return false;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(p, units[i].unit)) {
			*ns = v * units[i].ns;
			return true;
		}
	return false;
}

/* membw BYTES period TIME: at most BYTES over the memory bus per TIME, on each of its pCPUs */
void cfgp_membw(struct cfgp_line *l)
{
	struct vmc_vm *vm = l->vm;
	uint64_t bytes, ns = 0;

	if (strcmp(l->argv[1], "period")) {
		cfgp_err(l, "membw", "expected 'period' after the budget, not '%s'", l->argv[1]);
		return;
	}
	if (!cfgp_number(l, l->argv[0], &bytes))
		return;
	if (!cfgp_duration(l->argv[2], &ns) || ns < VMC_MEMBW_PERIOD_MIN ||
	    ns > VMC_MEMBW_PERIOD_MAX) {
		cfgp_err(l, "membw",
		         "period: expected a time from 100us to 1s like '1ms', not '%s'",
		         l->argv[2]);
		return;
	}
	if (bytes < VMC_MEMBW_BYTES_MIN) {
		cfgp_err(l, "membw",
		         "budget: %llu bytes a period is less than one 64-byte line: the VM could "
		         "never run",
		         (unsigned long long)bytes);
		return;
	}
	if (cfgp_once(l, &vm->membw_line)) {
		vm->membw_bytes = bytes;
		vm->membw_period_ns = ns;
	}
}

void cfgp_load(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->load_line, &l->vm->load);
}

void cfgp_entry(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->entry_line, &l->vm->entry);
}

void cfgp_arg(struct cfgp_line *l)
{
	cfgp_value(l, &l->vm->arg_line, &l->vm->arg);
}

void cfgp_uart(struct cfgp_line *l)
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

void cfgp_device(struct cfgp_line *l)
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
	if (!(r = cfgp_mmio(l, base, size)))
		return;
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
		vm->intids[vm->nr_intids++] =
		    (struct vmc_intid){.id = id, .line = l->nr, .field = "device"};
	}
}

void cfgp_shm(struct cfgp_line *l)
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

/* dma unconfined: the vm may own DMA masters, which reach all physical memory (no SMMU) */
void cfgp_dma(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->dma_line, "unconfined", NULL, "unconfined", CFG_VM_DMA_UNCONFINED);
}

/* on-fault restart|stop; check.c gives the vms without it their default */
void cfgp_on_fault(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->fault_line, "restart", "stop", "restart", CFG_VM_FAULT_RESTART);
}

/* on-reset restart|stop: what the guest's own reset request (PSCI SYSTEM_RESET) does */
void cfgp_on_reset(struct cfgp_line *l)
{
	cfgp_flag(l, &l->vm->reset_line, "restart", "stop", "stop", CFG_VM_RESET_STOP);
}

/* debug: the monitor may stop this vm, read and write its registers and memory */
void cfgp_debug(struct cfgp_line *l)
{
	if (cfgp_once(l, &l->vm->debug_line))
		l->vm->flags |= CFG_VM_DEBUG;
}
