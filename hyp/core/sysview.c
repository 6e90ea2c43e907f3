/*
 * The system page the monitor is shown: the VM table and per-vCPU
 * counters, copied from the hypervisor's own state when the monitor asks.
 */
#include "sysview.h"

#include "arch.h"
#include "config.h"
#include "vitrine/sysview.h"
#include "vm.h"

_Static_assert(sizeof(struct vt_sys) <= 4096, "one page");
_Static_assert(VM_MAX <= VT_SYS_VMS && PLAT_CPU_NUM <= VT_SYS_VCPUS, "room for everyone");
_Static_assert(PLAT_CPU_NUM <= 4, "CFG_MONITOR_SYS_IPA leaves room for 4 rings");

static struct vt_sys sysview __attribute__((aligned(4096)));
static struct spinlock sysview_lock;

static void sysview_fill(void)
{
	uint32_t nv = 0;

	sysview.magic = VT_SYS_MAGIC;
	sysview.version = VT_SYS_VERSION;
	sysview.nr_vms = vm_count;
	sysview.timer_freq = arch_counter_freq();
	for (uint32_t i = 0; i < vm_count; i++) {
		const struct vm *vm = &vm_table[i];
		struct vt_sys_vm *s = &sysview.vms[i];
		uint64_t ram = 0;

		for (uint32_t k = 0; k + 1 < sizeof s->name && vm->cfg->name[k]; k++)
			s->name[k] = vm->cfg->name[k];
		for (uint32_t r = 0; r < vm->cfg->nr_regions; r++)
			if (vm->cfg->regions[r].kind == CFG_REGION_RAM)
				ram += vm->cfg->regions[r].size;
		s->id = i;
		s->nr_vcpus = vm->nr_vcpus;
		s->state = __atomic_load_n(&vm->state, __ATOMIC_RELAXED);
		s->resets = vm->resets;
		s->cpus = vm->cfg->cpus;
		s->ram_bytes = ram;
		s->foreign = arch_vm_foreign_irq_accesses(vm);
		for (uint32_t j = 0; j < vm->nr_vcpus; j++) {
			const struct vcpu *v = vm->vcpus[j];

			sysview.vcpus[nv++] = (struct vt_sys_vcpu){
			    .vm = i,
			    .vcpu = j,
			    .pcpu = v->pcpu,
			    .state = __atomic_load_n(&v->state, __ATOMIC_RELAXED),
			    .exits = __atomic_load_n(&v->exits, __ATOMIC_RELAXED),
			    .sysreg_traps = v->sysreg_traps,
			};
		}
	}
	sysview.nr_vcpus = nv;
	__atomic_store_n(&sysview.refreshed, arch_counter(), __ATOMIC_RELEASE);
}

void sysview_show(struct vm *vm)
{
	sysview_fill();
	arch_vm_map_readonly(vm, CFG_MONITOR_SYS_IPA, &sysview, sizeof sysview);
}

void sysview_refresh(void)
{
	spin_lock(&sysview_lock);
	sysview_fill();
	spin_unlock(&sysview_lock);
}
