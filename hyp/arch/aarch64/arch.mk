# Armv8-A on QEMU's aarch64 `virt`: what the Makefile builds differently per architecture.
PLATFORM   ?= qemu-aarch64-virt
CROSS      ?= aarch64-linux-gnu-
# A kernel vm's device tree: its vCPUs, interrupt controller, UART (tools/vmconfig/dtb.h).
VMCONFIG_DT := dtb_gic
CONFIG_DIR := configs
HYP_DRIVERS := pl011 smmuv3 pcie vpcie # the console UART first
ARCH_MONITOR := 1 # the monitor partition (monitor/monitor.mk) is built
MON_SPECS   := --specs=picolibc.specs # Debian's picolibc-aarch64-linux-gnu
MON_ARCH_CC := -mno-outline-atomics
MON_RT_SRC  := guests/rt/crt0.S guests/rt/vectors.S guests/rt/psci.c guests/rt/gic.c
MON_UART    := pl011
MON_NOT_BUILT :=
MON_NET_BASE := 0x48000000 # monitor-net's RAM, IPA == PA (monitor/monitor.mk)

ARCH_TGT_FLAGS := -mno-outline-atomics
# Early boot runs with the MMU off (device memory): no unaligned accesses.
HYP_ARCH_FLAGS := -mgeneral-regs-only -mstrict-align
HYP_ARCH_LDFLAGS :=

GUESTS      := hello smp probe psci echo shm exitbench timer sgi pingpong uartirq gicprobe storm lrflood victim hog boot spoof pl011 dbgtarget dma marks
GUEST_BASE  := 0x40000000
GUEST_BASE_PROBE := 0x60000000
GUEST_LD    := guests/rt/guest.ld
GUEST_ARCH_FLAGS := -mstrict-align -Ihyp/arch/aarch64/include
RT_ARCH_SRC := guests/rt/crt0.S guests/rt/vectors.S guests/rt/psci.c guests/rt/gic.c guests/rt/timer.c

# The Linux guest (guests/linux/linux.mk): Debian's arm64 kernel, whose vmlinuz is the Image
# ("ARM\x64" at 56), and the initramfs's programs and modules.
LINUX_DEB   := arm64
LINUX_KFILE := vmlinuz
LINUX_MAGIC := 644d5241
LINUX_BINS  := memhog vtshm
LINUX_MODULES := uio
