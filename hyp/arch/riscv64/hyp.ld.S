/*
 * The hypervisor image: loaded by QEMU at PLAT_HYP_BASE, where OpenSBI
 * enters it, and run there (VA == PA). Sections are page aligned so each
 * gets its own permissions.
 */
#include "platform.h"

OUTPUT_ARCH(riscv)
ENTRY(_start)

SECTIONS
{
	. = PLAT_HYP_BASE;
	__hyp_start = .;
	.text : {
		*(.text.boot)
		*(.text .text.*)
	}
	. = ALIGN(4096);
	__text_end = .;
	.rodata : { *(.rodata .rodata.* .srodata .srodata.*) }
	. = ALIGN(4096);
	__rodata_end = .;
	.data : { *(.data .data.* .sdata .sdata.*) }
	.bss (NOLOAD) : {
		. = ALIGN(16);
		__bss_start = .;
		*(.bss .bss.* .sbss .sbss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	/* Not zeroed at boot: memory whose users initialise what they read (the trace rings). */
	.noinit (NOLOAD) : {
		. = ALIGN(64);
		*(.noinit .noinit.*)
	}
	. = ALIGN(4096);
	__hyp_end = .;
	/* The vms' loads (config.c), after PLAT_HYP_SIZE, as on aarch64. */
	. = PLAT_HYP_BASE + PLAT_HYP_SIZE;
	.vm_loads : {
		__vm_loads_start = .;
		*(.vm_loads)
		. = ALIGN(4096);
		__vm_loads_end = .;
	}
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.riscv.attributes) }
}

ASSERT(__hyp_end <= PLAT_BOOTPARAM_PA, "the hypervisor image runs into the boot parameter page")
