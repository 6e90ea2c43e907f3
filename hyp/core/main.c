/*
 * Boot: every pCPU arrives here at its virtual address with its stack set.
 * pCPU 0 builds the VMs and starts the others; then each pCPU that hosts a
 * VM's first vCPU loads that VM and powers the vCPU on.
 */
#include <vitrine/config.h>

#include "arch.h"
#include "arch_inline.h"
#include "cpu.h"
#include "entropy.h"
#include "log.h"
#include "uart.h"
#include "trace.h"
#include "vm.h"

struct cpu cpus[PLAT_CPU_NUM];
static uint32_t boot_online;
static uint32_t boot_released;

static void boot_primary(void)
{
	uint32_t started = 1;

	log_printf("Vitrine on %s: %u pCPUs, %u VMs\n", PLAT_NAME, PLAT_CPU_NUM, cfg_system.nr_vms);
	arch_audit_hyp_colors();
	entropy_init();
	vm_init_all();
	arch_devices_init();
	for (uint32_t i = 1; i < PLAT_CPU_NUM; i++)
		if (arch_cpu_start(i) == 0)
			started++;
	while (__atomic_load_n(&boot_online, __ATOMIC_ACQUIRE) != started - 1)
		arch_cpu_relax();
	for (uint32_t i = 0; i < PLAT_CPU_NUM; i++)
		if (cpus[i].vcpu && cpus[i].id != i)
			panic("pCPU %u did not start\n", i);
	arch_boot_done();
	__atomic_store_n(&boot_released, 1, __ATOMIC_RELEASE);
	for (uint32_t i = 1; i < PLAT_CPU_NUM; i++)
		arch_cpu_wake(i);
}

void cpu_entry(uint32_t id) __attribute__((noreturn));

void cpu_entry(uint32_t id)
{
	struct cpu *c = &cpus[id];
	struct vcpu *v;

	c->id = id;
	if (id == 0)
		uart_init(arch_device_va(PLAT_UART_BASE));
	arch_cpu_init(c);
	if (id == 0)
		trace_place();
	trace_init_cpu(c);
	if (id == 0) {
		boot_primary();
	} else {
		__atomic_add_fetch(&boot_online, 1, __ATOMIC_RELEASE);
		while (!__atomic_load_n(&boot_released, __ATOMIC_ACQUIRE))
			arch_cpu_idle();
	}
	v = c->vcpu;
	if (v && v->id == 0) {
		vm_load(v->vm);
		vcpu_power_on(v, v->vm->cfg->entry, v->vm->cfg->arg);
	}
	vcpu_loop();
}
