/*
 * Options a run passes to the hypervisor without firmware: one 64-bit word
 * at PLAT_BOOTPARAM_PA, written there by QEMU (-device loader), the magic
 * in the upper half and these flags in the lower (scripts/run.sh).
 */
#ifndef BOOTPARAM_H
#define BOOTPARAM_H

#define BOOTPARAM_MAGIC 0x56544250u /* "VTBP" */
#define BOOTPARAM_TRACE_DUMP 1u     /* dump the trace rings on the console at power-off */
#define BOOTPARAM_TRACE_STREAM 2u   /* stream mode (drop when full), not flight recorder */

#define BOOTPARAM_TRACE_CLASSES(w) (((w) >> 8) & 0xff) /* enum vt_class mask; 0: all */

/*
 * The boot seed: words 1-3 of the page, BOOTPARAM_SEED_MAGIC then 128
 * random bits, written by every scripts/run.sh (word 0 only with TRACE).
 * The hypervisor shows them to the monitor (vt_sys.boot_seed), whose
 * network challenges must differ from one boot to the next.
 */
#define BOOTPARAM_SEED_MAGIC 0x4445455350425456ull /* "VTBPSEED" */
#define BOOTPARAM_SEED_WORD 1                      /* the magic; the seed in the next two */

#endif
