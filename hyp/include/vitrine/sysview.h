/*
 * What the monitor partition is shown of the system, read-only: the VM
 * table and live per-vCPU counters, one page at CFG_MONITOR_SYS_IPA. The
 * hypervisor refreshes it when the monitor asks (VT_HC_SYS_REFRESH), so the
 * exit path never writes it.
 */
#ifndef VITRINE_SYSVIEW_H
#define VITRINE_SYSVIEW_H

#include <stdint.h>

#define VT_SYS_MAGIC 0x53595456u /* "VTYS" */
#define VT_SYS_VERSION 1
#define VT_SYS_VMS 16
#define VT_SYS_VCPUS 16

struct vt_sys_vm {
	char name[32];
	uint32_t id;
	uint32_t nr_vcpus;
	uint32_t state; /* 0 running, 1 leaving, 2 resetting, 3 off, 4 stopped (fault) */
	uint32_t resets;
	uint64_t cpus;      /* pCPU mask */
	uint64_t ram_bytes; /* its RAM regions, together */
	uint64_t foreign;   /* accesses to interrupts it does not own */
};

struct vt_sys_vcpu {
	uint32_t vm, vcpu, pcpu, state; /* state: 0 off, 1 pending, 2 running */
	uint64_t exits;
	uint64_t sysreg_traps;
};

struct vt_sys {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_vms;
	uint32_t nr_vcpus;
	uint64_t timer_freq;
	uint64_t refreshed; /* counter value when the hypervisor last wrote this page */
	struct vt_sys_vm vms[VT_SYS_VMS];
	struct vt_sys_vcpu vcpus[VT_SYS_VCPUS];
};

#endif
