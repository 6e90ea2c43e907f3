#!/usr/bin/env bash
# Installs, from Debian's archive, whatever the build and the tests need and
# this machine lacks. Quiet and quick when everything is there.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }

have gcc || need+=(gcc libc6-dev)
have make || need+=(make)
have aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
have qemu-system-aarch64 || need+=(qemu-system-arm)
# The riscv64 port (docs/riscv.md): its cross compiler, QEMU, and OpenSBI (qemu-system-data's `-bios default`).
have riscv64-linux-gnu-gcc || need+=(gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu)
have qemu-system-riscv64 || need+=(qemu-system-misc)
[ -f /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin ] || need+=(qemu-system-data)
have timeout || need+=(coreutils)
have clang-format || need+=(clang-format)
have cppcheck || need+=(cppcheck)
have dpkg-source || need+=(dpkg-dev) # apt-get source (scripts/fetch-src.sh)
have protoc || need+=(protobuf-compiler) # tests/trace: decodes vtrace's Perfetto output
[ -f /usr/include/libfdt.h ] || need+=(libfdt-dev) # vmconfig builds the kernel vms' DTBs
have dtc || need+=(device-tree-compiler) # tests/config: the generated DTBs decompile
have python3 || need+=(python3) # tests/net_client.py: the TCP console's test client
have gdb-multiarch || need+=(gdb-multiarch) # `vitrine gdb` and its system test
have cpio || need+=(cpio) # the Linux guest's initramfs (guests/linux/mkinitrd.sh)
have xz || need+=(xz-utils) # scripts/fetch-linux.sh: linux-source's tarball
# tests/trace/tp.sh: Perfetto's trace processor, where ../shared holds one, needs these.
for lib in libprotobuf.so.32:libprotobuf32 libsqlite3.so.0:libsqlite3-0 libz.so.1:zlib1g; do
	/sbin/ldconfig -p | grep -q "${lib%%:*}" || need+=("${lib#*:}")
done
# The monitor's C library (monitor/monitor.mk links with --specs=picolibc.specs).
[ -f /usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs ] || need+=(picolibc-aarch64-linux-gnu)
# riscv64's (docs/riscv.md): built for riscv64-unknown-elf-gcc, which it brings; riscv64-linux-gnu-gcc links it.
[ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] || need+=(picolibc-riscv64-unknown-elf)
# `scripts/deps.sh fuzz` (make fuzz-trace): clang with libFuzzer, not needed by `make test`.
if [ "${1:-}" = fuzz ]; then
	have clang-14 || need+=(clang-14)
	ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
		need+=(libclang-rt-14-dev)
fi

# `scripts/deps.sh slurm` (bench/sweep.sh --slurm and its test): Slurm's controller, node
# daemon and client commands, and munge, which authenticates them to each other.
if [ "${1:-}" = slurm ]; then
	{ have slurmctld && have slurmd && have sbatch; } || need+=(slurm-wlm)
	have munged || need+=(munge)
fi

if ((${#need[@]})); then
	echo "deps: installing ${need[*]}"
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
