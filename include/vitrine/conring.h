/*
 * The console ring: while the monitor partition runs, it owns the UART and
 * the hypervisor writes its own messages and the other VMs' lines here
 * instead. The hypervisor is the only writer (under its console lock);
 * the monitor reads it read-only at CFG_MONITOR_CON_IPA and publishes how
 * far it has read in the control page (CFG_MONITOR_CTL_IPA), the one page
 * it may write. The hypervisor never overwrites what the monitor has not
 * read: a record that does not fit is dropped whole and counted in `lost`.
 *
 * A record is a struct vt_con_rec followed by `len` bytes of text; records
 * are packed back to back and wrap around the end of data[].
 */
#ifndef VITRINE_CONRING_H
#define VITRINE_CONRING_H

#include <stdint.h>

#define VT_CON_MAGIC 0x4e4f4356u /* "VCON" */
#define VT_CON_DATA 0x10000u     /* bytes of data[], a power of two */
#define VT_CON_HYP 0xffu         /* vt_con_rec.src of the hypervisor's own messages */

struct vt_con_rec {
	uint16_t len; /* text bytes that follow */
	uint8_t src;  /* VM id, or VT_CON_HYP */
	uint8_t zero;
};

/* The header page; data[] is the VT_CON_DATA bytes after it. */
struct vt_con {
	uint32_t magic;
	uint32_t size;     /* VT_CON_DATA */
	uint64_t head;     /* bytes ever written; published with release order */
	uint64_t lost;     /* bytes of records dropped because the reader was behind */
	uint64_t bad_tail; /* times the control page held an impossible position */
};

/* The monitor's page. The hypervisor reads it and trusts none of it. */
struct vt_mon_ctl {
	uint64_t con_tail; /* bytes of the console ring the monitor has consumed */
};

#endif
