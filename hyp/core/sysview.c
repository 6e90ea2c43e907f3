/*
 * The system page the monitor is shown (vitrine/sysview.h): the static
 * description (VM table, memory maps, interrupts, channels, LLC geometry and
 * colours) written once at boot, the live counters copied from the
 * hypervisor's own state when the monitor asks.
 */
#include "sysview.h"

#include <vitrine/config.h>
#include <vitrine/sysview.h>

#include "arch.h"
#include "entropy.h"
#include "ipc.h"
#include "log.h"
#include "membw.h"
#include "vm.h"

_Static_assert(sizeof(struct vt_sys) <= VT_SYS_MAX_BYTES, "the ABI's bound");
_Static_assert(sizeof(struct vt_sys) <= CFG_MONITOR_SYS_SIZE, "fits its IPA window");
_Static_assert(VM_MAX <= VT_SYS_VMS && PLAT_CPU_NUM <= VT_SYS_VCPUS, "room for everyone");
_Static_assert(CFG_CHANNEL_MAX <= VT_SYS_CHANNELS, "room for every channel");
_Static_assert(PLAT_CPU_NUM <= 4, "CFG_MONITOR_SYS_IPA leaves room for 4 rings");
_Static_assert((int)VT_SYS_RAM == (int)CFG_REGION_RAM && (int)VT_SYS_SHM == (int)CFG_REGION_SHM &&
                   (int)VT_SYS_DEVICE == (int)CFG_REGION_DEVICE &&
                   VT_SYS_REGION_WRITE == CFG_REGION_WRITE,
               "region kinds and flags are copied as they are");

static struct vt_sys sysview __attribute__((aligned(4096)));
static struct spinlock sysview_lock;

static void sysview_name(char *to, const char *from)
{
	for (uint32_t k = 0; k + 1 < VT_SYS_NAME && from[k]; k++)
		to[k] = from[k];
}

/*
 * The colours a VM's RAM is built from; an uncoloured VM may use (and
 * evict) every colour the LLC has.
 */
static void sysview_colors(const struct cfg_vm *cfg, struct vt_sys_vm *s)
{
	uint32_t set = 0;

	for (uint32_t r = 0; r < cfg->nr_regions; r++)
		if (cfg->regions[r].kind == CFG_REGION_RAM)
			set |= cfg->regions[r].colors;
	if (set) {
		s->colors[0] = set;
		return;
	}
	for (uint32_t c = 0; c < sysview.llc.colors; c++)
		s->colors[c / 64] |= 1ull << (c % 64);
	s->flags |= VT_SYS_VM_UNCOLORED;
}

/* One VM's slice of the region and INTID tables; 0 if they are full. */
static int sysview_describe_vm(const struct vm *vm, struct vt_sys_vm *s)
{
	const struct cfg_vm *cfg = vm->cfg;

	sysview_name(s->name, cfg->name);
	s->id = vm->id;
	s->nr_vcpus = vm->nr_vcpus;
	s->cpus = cfg->cpus;
	s->uart_ipa = cfg->uart_ipa;
	s->flags = (cfg_system.input_vm == vm->id ? VT_SYS_VM_INPUT : 0) |
	           (cfg_system.monitor_vm == vm->id ? VT_SYS_VM_MONITOR : 0) |
	           (vm->pmu ? VT_SYS_VM_PMU : 0) |
	           (cfg->flags & CFG_VM_DMA_UNCONFINED ? VT_SYS_VM_DMA_UNCONFINED : 0);
	sysview_colors(cfg, s);
	if (sysview.nr_regions + cfg->nr_regions > VT_SYS_REGIONS ||
	    sysview.nr_intids + cfg->nr_intids > VT_SYS_INTIDS)
		return 0;
	s->first_region = (uint16_t)sysview.nr_regions;
	s->nr_regions = cfg->nr_regions;
	for (uint32_t r = 0; r < cfg->nr_regions; r++) {
		const struct cfg_region *c = &cfg->regions[r];

		sysview.regions[sysview.nr_regions++] = (struct vt_sys_region){
		    .ipa = c->ipa,
		    .pa = c->pa,
		    .size = c->size,
		    .kind = c->kind,
		    .flags = c->flags & VT_SYS_REGION_WRITE,
		    .channel = c->channel,
		    .intid = c->intid,
		};
		if (c->kind == CFG_REGION_RAM)
			s->ram_bytes += c->size;
	}
	s->first_intid = (uint16_t)sysview.nr_intids;
	s->nr_intids = cfg->nr_intids;
	for (uint32_t i = 0; i < cfg->nr_intids; i++)
		sysview.intids[sysview.nr_intids++] = cfg->intids[i];
	return 1;
}

/* The run's seed, if it passed one (bootparam.h): the monitor's nonces differ across boots. */
static void sysview_boot_seed(void)
{
	entropy_boot_seed(sysview.boot_seed);
}

/* What never changes, once, at boot. */
static void sysview_describe(void)
{
	sysview_boot_seed();
	arch_llc_geometry(&sysview.llc);
	arch_llc_pmu_describe(&sysview);
	if (sysview.llc.colors != PLAT_LLC_COLORS)
		log_printf(
		    "the LLC has %u colours, the platform's configs assume %u: colouring does "
		    "not isolate as configured\n",
		    sysview.llc.colors, PLAT_LLC_COLORS);
	if (sysview.llc.colors > VT_SYS_COLORS) {
		sysview.llc.colors = VT_SYS_COLORS;
		sysview.flags |= VT_SYS_COLORS_CAPPED;
	}
	sysview.nr_vms = vm_count;
	sysview.timer_freq = arch_counter_freq();
	for (uint32_t i = 0; i < vm_count; i++)
		if (!sysview_describe_vm(&vm_table[i], &sysview.vms[i]) &&
		    !(sysview.flags & VT_SYS_TRUNCATED)) {
			log_printf("system page: no room for VM %s's regions or INTIDs\n",
			           vm_table[i].cfg->name);
			sysview.flags |= VT_SYS_TRUNCATED;
		}
	sysview.nr_channels = cfg_system.nr_channels;
	for (uint32_t i = 0; i < cfg_system.nr_channels; i++) {
		sysview_name(sysview.channels[i].name, cfg_system.channels[i].name);
		sysview.channels[i].pa = cfg_system.channels[i].pa;
		sysview.channels[i].size = cfg_system.channels[i].size;
	}
	/* Last: a reader that sees the magic sees a whole description. */
	sysview.version = VT_SYS_VERSION;
	__atomic_store_n(&sysview.magic, VT_SYS_MAGIC, __ATOMIC_RELEASE);
}

/* The live part: states and counters. */
static void sysview_fill(void)
{
	uint32_t nv = 0;

	for (uint32_t i = 0; i < vm_count; i++) {
		const struct vm *vm = &vm_table[i];
		struct vt_sys_vm *s = &sysview.vms[i];

		s->state = __atomic_load_n(&vm->state, __ATOMIC_RELAXED);
		if (s->state == VM_RUNNING && __atomic_load_n(&vm->paused, __ATOMIC_RELAXED))
			s->state = VM_PAUSED;
		s->resets = vm->resets;
		s->foreign = arch_vm_foreign_irq_accesses(vm);
		s->dma_faults = __atomic_load_n(&vm->dma_faults, __ATOMIC_RELAXED);
		membw_describe(i, s);
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
	for (uint32_t i = 0; i < cfg_system.nr_channels; i++) {
		struct vt_sys_channel *c = &sysview.channels[i];

		c->notifies = __atomic_load_n(&ipc_stats[i].notifies, __ATOMIC_RELAXED);
		c->delivered = __atomic_load_n(&ipc_stats[i].delivered, __ATOMIC_RELAXED);
		c->denied = __atomic_load_n(&ipc_stats[i].denied, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&sysview.refreshed, arch_counter(), __ATOMIC_RELEASE);
}

void sysview_show(struct vm *vm)
{
	sysview_describe();
	sysview_fill();
	arch_vm_map_readonly(vm, CFG_MONITOR_SYS_IPA, &sysview, sizeof sysview);
}

void sysview_refresh(void)
{
	spin_lock(&sysview_lock);
	sysview_fill();
	spin_unlock(&sysview_lock);
}

int sysview_llc_sample(void)
{
	int n;

	spin_lock(&sysview_lock);
	n = arch_llc_sample(&sysview);
	spin_unlock(&sysview_lock);
	return n;
}
