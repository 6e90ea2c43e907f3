/*
 * The hypervisor image: loaded by QEMU at PLAT_HYP_BASE (physical), linked
 * and run at PLAT_HYP_BASE + HYP_VA_OFFSET once the MMU is on. Sections are
 * page aligned so each gets its own permissions.
 */
#include "layout.h"
#include "platform.h"

OUTPUT_ARCH(aarch64)
ENTRY(_start_pa)

SECTIONS
{
	. = PLAT_HYP_BASE + HYP_VA_OFFSET;
	__hyp_start = .;
	.text : AT(ADDR(.text) - HYP_VA_OFFSET) {
		*(.text.boot)
		*(.text.vectors)
		*(.text .text.*)
	}
	. = ALIGN(4096);
	__text_end = .;
	.rodata : AT(ADDR(.rodata) - HYP_VA_OFFSET) { *(.rodata .rodata.*) }
	. = ALIGN(4096);
	__rodata_end = .;
	.data : AT(ADDR(.data) - HYP_VA_OFFSET) { *(.data .data.*) }
	.bss (NOLOAD) : AT(ADDR(.bss) - HYP_VA_OFFSET) {
		. = ALIGN(16);
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	/* Not zeroed at boot: memory whose users initialise what they read (the trace rings). */
	.noinit (NOLOAD) : AT(ADDR(.noinit) - HYP_VA_OFFSET) {
		. = ALIGN(64);
		*(.noinit .noinit.*)
	}
	. = ALIGN(4096);
	__hyp_end = .;
	/*
	 * The vms' loads (images, kernels, initrds, DTBs: config.c), after the
	 * hypervisor's PLAT_HYP_SIZE in a region vmconfig reserves for them
	 * (cfg_system.loads_size), so that neither bounds the other and a
	 * coloured hypervisor does not copy them. Mapped read-only at EL2.
	 */
	. = PLAT_HYP_BASE + PLAT_HYP_SIZE + HYP_VA_OFFSET;
	.vm_loads : AT(ADDR(.vm_loads) - HYP_VA_OFFSET) {
		__vm_loads_start = .;
		*(.vm_loads)
		. = ALIGN(4096);
		__vm_loads_end = .;
	}
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}

_start_pa = _start - HYP_VA_OFFSET;
ASSERT(__hyp_end - HYP_VA_OFFSET <= PLAT_BOOTPARAM_PA, "the hypervisor image runs into the boot parameter page")
