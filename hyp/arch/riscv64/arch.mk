# RV64GC with the H extension on QEMU's riscv64 `virt`, under OpenSBI (docs/riscv.md).
PLATFORM   ?= qemu-riscv64-virt
CROSS      ?= riscv64-linux-gnu-
O          ?= out/riscv64
# A kernel vm's device tree: its vCPUs, interrupt controller, UART (tools/vmconfig/dtb.h).
VMCONFIG_DT := dtb_plic
CONFIG_DIR := configs/riscv64
HYP_DRIVERS := ns16550 plic # the console UART, the interrupt controller

# The monitor partition (monitor/monitor.mk). picolibc is Debian's
# picolibc-riscv64-unknown-elf, whose default multilib (its lib/) is
# rv64imafdc/lp64d: riscv64-linux-gnu-gcc, which has no multilibs, links it
# through the same specs file. No PMU, debugger or LLC figures here.
ARCH_MONITOR := 1
MON_SPECS   := --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
MON_ARCH_CC := -march=rv64imafdc_zicsr_zifencei -mabi=lp64d -mcmodel=medany
MON_RT_SRC  := guests/rt/riscv64/crt0.S guests/rt/riscv64/sbi.c
MON_UART    := ns16550
MON_NOT_BUILT := pmu_view debug_view gdb gdb_cmd gdb_rcmd gdb_regs virtio_pci
MON_NET_BASE := 0x88000000 # monitor-net's RAM, IPA == PA (monitor/monitor.mk)

# No linker relaxation: gp is never the hypervisor's (a guest's gp is live at every trap).
ARCH_TGT_FLAGS := -mabi=lp64 -mcmodel=medany -mno-relax
HYP_ARCH_FLAGS := -march=rv64imac_zicsr_zifencei_zbb # Zbb: no libgcc (lp64d) for ctz, popcount
HYP_ARCH_LDFLAGS := -Wl,--no-relax

GUESTS      := hello smp probe sbi plic rvexits shm pingpong timer
GUEST_BASE  := 0x80000000
GUEST_BASE_PROBE := 0xa0000000
GUEST_LD    := guests/rt/riscv64/guest.ld
GUEST_ARCH_FLAGS := -march=rv64imafdc_zicsr_zifencei -mabi=lp64d -Ihyp/arch/riscv64/include # libgcc is lp64d: guests use FP (crt0 turns it on)
RT_ARCH_SRC := guests/rt/riscv64/crt0.S guests/rt/riscv64/sbi.c guests/rt/riscv64/intc.c guests/rt/timer.c

# The Linux guest (guests/linux/linux.mk): Debian's riscv64 kernel, whose vmlinux is the Image
# ("RSC\x05" at 56; EFI's PE header around it, which the boot ignores). No programs yet: they
# make arm64 system calls.
LINUX_DEB   := riscv64
LINUX_KFILE := vmlinux
LINUX_MAGIC := 05435352
LINUX_BINS  :=
LINUX_MODULES :=
