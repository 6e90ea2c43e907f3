/*
 * The roles a config gives vms: the monitor (it owns the console, its
 * input and the UART, restarts after a fault by default, and may debug the
 * vms that grant it), and the vm that gets the console input when there is
 * no monitor.
 */
#include <string.h>

#include "vmconfig.h"

/* The monitor owns the console: its input too, and it needs the UART to drive. */
void cfgr_input(struct vmc_config *c)
{
	const struct vmc_vm *mon = c->monitor_vm >= 0 ? &c->vms[c->monitor_vm] : NULL;

	if (mon && !mon->uart)
		vmc_error(
		    c, mon->uart_line, "vm", mon->name, "uart",
		    "the monitor owns the console and needs a uart (the platform " VMC_UART_MODEL
		    " is "
		    "passed through to it there)");
	if (mon)
		c->input_vm = c->monitor_vm;
	if (!c->input_line)
		return;
	if (mon && strcmp(mon->name, c->input)) {
		vmc_error(c, c->input_line, "input", NULL, NULL,
		          "'%s' cannot have the console input: the monitor '%s' (line %d) owns the "
		          "console",
		          c->input, mon->name, c->monitor_line);
		return;
	}
	for (int i = 0; i < c->nr_vms; i++)
		if (!strcmp(c->vms[i].name, c->input))
			c->input_vm = i;
	if (c->input_vm < 0)
		vmc_error(c, c->input_line, "input", NULL, NULL, "no vm named '%s'", c->input);
}

void cfgr_monitor(struct vmc_config *c)
{
	if (!c->monitor_line)
		return;
	for (int i = 0; i < c->nr_vms; i++)
		if (!strcmp(c->vms[i].name, c->monitor))
			c->monitor_vm = i;
	if (c->monitor_vm < 0)
		vmc_error(c, c->monitor_line, "monitor", NULL, NULL, "no vm named '%s'",
		          c->monitor);
}

/*
 * `on-fault` not given: the monitor restarts (the console and the system's
 * control must come back), any other vm stops so its state can be looked at.
 */
void cfgr_fault_default(struct vmc_config *c)
{
	for (int i = 0; i < c->nr_vms; i++)
		if (!c->vms[i].fault_line && i == c->monitor_vm)
			c->vms[i].flags |= CFG_VM_FAULT_RESTART;
}

/* `debug` grants the monitor a debugger's hold on another vm: there must be one, not itself. */
void cfgr_debug(struct vmc_config *c)
{
	for (int i = 0; i < c->nr_vms; i++) {
		const struct vmc_vm *vm = &c->vms[i];

		if (!vm->debug_line)
			continue;
		if (i == c->monitor_vm)
			vmc_error(c, vm->debug_line, "vm", vm->name, "debug",
			          "the monitor cannot be debugged: it is the debugger");
		else if (!c->monitor_line)
			vmc_error(c, vm->debug_line, "vm", vm->name, "debug",
			          "grants the monitor, but the config names no monitor");
	}
}
