/*
 * The interference experiment's shared page (bench/interference.sh): the
 * victim and the memory hogs map channel 0 at INTF_SHM. Each hog says it
 * is streaming (ready[i]); the victim starts its work only then, so every
 * run interleaves the same way, and raises `done` when it has finished,
 * after which the hogs power their VMs off and the machine stops.
 */
#ifndef INTF_H
#define INTF_H

#include <stdint.h>

#define INTF_SHM 0x50000000ul
#define INTF_MAX_HOGS 3
/* Accesses between two yields: under -icount QEMU runs the vCPUs round-robin,
 * one until it yields, so this sets how finely victim and hogs interleave. */
#define INTF_CHUNK 64

struct intf_page {
	uint32_t ready[INTF_MAX_HOGS];
	uint32_t done;
};

static inline struct intf_page *intf_page(void)
{
	return (struct intf_page *)INTF_SHM;
}

#endif
