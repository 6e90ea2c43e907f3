#!/usr/bin/env bash
# bench/native.sh NAME|PATH.elf [qemu args...]: runs a guest directly
# on QEMU virt, entered at EL1 with no hypervisor (GICv3, PSCI over HVC,
# 2 CPUs, 1 GiB): the native baseline the guests' figures under Vitrine are
# compared with. The guest powers QEMU off (PSCI SYSTEM_OFF) when it is done.
#
# Environment:
#   ARG=VALUE    the guest's arg (QEMU's -kernel boot cannot set x0: it is
#                left at 0x7ffff000 behind a magic word, where rt_main looks)
#   SMP=N        CPUs (default 2)
#   TIMEOUT=S    seconds before QEMU is killed (default 60; exit status 124)
#   O=DIR        build directory (default out)
# Extra arguments go to QEMU, e.g. -icount shift=0,sleep=off.
set -euo pipefail
name=${1:?usage: native.sh NAME|PATH.elf [qemu args...]}
shift
case $name in
*/*) elf=$name ;;
*) elf=${O:-out}/guests/$name.elf ;;
esac
[ -f "$elf" ] || { echo "native.sh: no $elf (make guests first)" >&2; exit 1; }
argdev=()
if [ -n "${ARG:-}" ]; then
	argdev=(-device "loader,addr=0x7ffff000,data=0x4752414e54495656,data-len=8"
		-device "loader,addr=0x7ffff008,data=$((ARG)),data-len=8")
fi
exec timeout -k 5 "${TIMEOUT:-60}" qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a53 \
	-smp "${SMP:-2}" -m 1G -nographic -nic none -kernel "$elf" "${argdev[@]}" "$@"
