#!/usr/bin/env bash
# Smoke tests of the experiments' guests (bench/): they run and their
# results are the known ones. Never speed: that is measured in bench/.
set -u
O=${O:-out}
. "$(dirname "$0")/lib.sh"

kernels_ok() {
	local k
	for k in chase qsort crc32 matmul search; do
		grep -Eq "victim: $k: result 0x[0-9a-f]+ ticks [0-9]+ ok" "$LOG" || return 1
	done
}

mkdir -p "$O/test"
# Natively (no hypervisor): the victim alone, and the boot guest's entry tick.
LOG=$O/test/bench-native-victim.log
ARG=1 TIMEOUT=30 bench/native.sh victim -icount shift=0,sleep=off </dev/null 2>&1 | render >"$LOG"
check bench/victim-native-kernels kernels_ok
check bench/victim-native-ok has '^victim: work [0-9]+ ticks, 0 hogs: ok'
LOG=$O/test/bench-native-boot.log
TIMEOUT=30 bench/native.sh boot </dev/null 2>&1 | render >"$LOG"
check bench/boot-native-prints has '^boot: vm 0 entered at tick [0-9]+ \(main at tick [0-9]+\)$'

# Under Vitrine, coloured, beside a hog it stops when done; both clocks.
for MODE in "" /icount; do
	QEMU_ARGS=
	[ -n "$MODE" ] && QEMU_ARGS="-icount shift=0,sleep=off"
	boot bench-victim 60
	check bench/victim-kernels kernels_ok
	check bench/victim-ok has '^\[victim\] victim: work [0-9]+ ticks, 1 hogs: ok$'
	check bench/hog-stopped has '^\[hog1\] hog 0: 4 MiB buffer, [0-9]+ passes and [0-9]+ lines'
	check bench/qemu-exit-0 exited 0
done
