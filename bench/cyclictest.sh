#!/usr/bin/env bash
# bench/cyclictest.sh: cyclictest in Debian's PREEMPT_RT kernel (make
# linux-rt), natively (plain QEMU, -smp 2, no hypervisor) and partitioned
# (configs/linux-rt.cfg: the same kernel and initramfs on two coloured vCPUs
# under Vitrine, beside the timer VM), each under -icount shift=0,sleep=off
# and once free-running (multi-threaded TCG: the host's noise, for scale).
# Natively the kernel gets `nokaslr`: QEMU's device tree offers a KASLR seed,
# which also forces page-table isolation on, and Vitrine's offers none; like
# is compared with like.
# One measuring thread at priority 90 wakes every 1 ms, $LOOPS times; its
# latency is how late it woke by CLOCK_MONOTONIC, in us. Under -icount that
# clock is virtual: one ns is one instruction of whichever CPU runs, so the
# figures count instructions (the kernel's, the hypervisor's, other CPUs'
# round-robin turns), not the latencies of any hardware.
#
# Writes $B/cyclictest.csv and prints the table.
#   LOOPS=N   cyclictest's loops per run (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
. tests/lib.sh # wait_log
LOOPS=${LOOPS:-5000}
CMD="cyclictest -m -t1 -p90 -i1000 -l$LOOPS -q"
mkdir -p "$B/cyclictest"
bench_say "cyclictest: building linux-rt"
make -s O="$O" linux-rt guests >/dev/null
make -s O="$O" CONFIG=linux-rt >/dev/null

# session: cyclictest typed once the shell is up, then poweroff once it has
# reported ($((6 * 7)) is 42 in its output, not in the echo).
session() {
	wait_log 'vitrine-linux: userspace up' 600 || return
	sleep 1
	# shellcheck disable=SC2016 # for the guest's shell to expand
	printf '%s; echo cyclictest-done-$((6 * 7))\n' "$CMD"
	wait_log 'cyclictest-done-42' 600 || return
	printf 'poweroff -f\n'
	sleep 5 # the power-off is QEMU's to finish
}

# measure SETUP CLOCK [QEMU-ARGS...]: one run, its summary a row of $csv.
measure() {
	local setup=$1 clock=$2 n lo avg hi
	shift 2
	LOG=$B/cyclictest/$setup-$clock.log
	bench_say "cyclictest: $setup, $clock, $LOOPS loops"
	: >"$LOG"
	# shellcheck disable=SC2094 # session reads the console as QEMU writes it
	case $setup in
	native) session | timeout -k 5 900 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a53 \
		-smp 2 -m 256M -nographic -nic none -kernel "$O/linux/Image-rt" \
		-initrd "$O/linux/initrd-rt.cpio.gz" -append "console=ttyAMA0 nokaslr" "$@" >"$LOG" 2>&1 ;;
	vitrine) session | timeout -k 5 900 scripts/run.sh "$O/linux-rt/vitrine.elf" "$@" >"$LOG" 2>&1 ;;
	esac
	# Thread 0's line: "T: 0 ( PID) P:90 I:1000 C: LOOPS Min: N Act: N Avg: N Max: N".
	read -r n lo avg hi < <(sed -n 's/.*T: 0 (.*) P:90 I:1000 C: *\([0-9]*\) Min: *\([0-9]*\) Act: *[0-9]* Avg: *\([0-9]*\) Max: *\([0-9]*\).*/\1 \2 \3 \4/p' "$LOG") || n=
	if [ "$n" != "$LOOPS" ]; then
		bench_say "cyclictest: $setup, $clock: no summary of $LOOPS loops (see $LOG)"
		exit 1
	fi
	echo "$setup,$clock,$LOOPS,$lo,$avg,$hi" >>"$csv"
}

csv=$B/cyclictest.csv
echo "setup,clock,loops,min_us,avg_us,max_us" >"$csv"
for setup in native vitrine; do measure $setup icount "${ICOUNT[@]}"; done
for setup in native vitrine; do measure $setup free; done
column -t -s, "$csv"
bench_say "cyclictest: $csv"
