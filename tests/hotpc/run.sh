#!/usr/bin/env bash
# The profiling plugin (tools/hotpc/) on the bare-metal run whose every
# instruction tests/el2count/hvc.S counts by hand: in its text it must find
# exactly those instructions, block by block. Then its options' errors.
# One PASS/FAIL line per test; always exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite hotpc
SO=$O/host/libhotpc.so

if ! make -s "$SO" >"$B/build.log" 2>&1; then
	fail hotpc/plugin-builds "see $B/build.log: $(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
pass hotpc/plugin-builds

sym() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }
run() {
	timeout -k 5 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu cortex-a53 -smp 1 -m 256M -nographic -nic none -icount shift=0,sleep=off \
		-kernel "$B/hvc.elf" -plugin "$SO,$1" </dev/null >"$B/qemu.log" 2>&1
	# shellcheck disable=SC2034 # read by check (tests/lib.sh)
	STATUS=$?
}

if ! aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none \
	tests/el2count/hvc.S -o "$B/hvc.elf" 2>"$B/hvc.build.log"; then
	fail hotpc/bare-metal-builds "$(head -3 "$B/hvc.build.log" | tr '\n' ' ')"
	exit 0
fi
E=$B/hvc.elf
run "lo=$(sym "$E" hyp_start),hi=$(sym "$E" hyp_end),out=$B/hyp.txt"
LOG=$B/qemu.log
check hotpc/qemu-exit-0 exited 0
LOG=$B/hyp.txt
# hvc.S: init 15; a hypercall's vector 4 + 7 (1000 of them); a fault's 4 + hyp_fault's 2
# (250). Where QEMU ends its blocks is its own business (under -icount, at each system
# register write), so only the total and the vector's first block, 4 x 1250, are fixed.
check hotpc/total-in-range has '^hotpc: 12515 instructions in [0-9]+ blocks$'
vec=$(printf '0x%08x' $(($(sym "$E" hyp_vectors) + 0x400)))
check hotpc/vector-head-block has "^$vec +5000 "
most_first() { sed 1d "$B/hyp.txt" | awk '{ print $2 }' | sort -nrc 2>/dev/null; }
check hotpc/most-first most_first

# cpu=N: only vCPU N's blocks count (the run has one: 0).
run "cpu=0,lo=$(sym "$E" hyp_start),hi=$(sym "$E" hyp_end),out=$B/cpu0.txt"
LOG=$B/cpu0.txt
check hotpc/cpu-0-counts-all has '^hotpc: 12515 instructions in [0-9]+ blocks$'
run "cpu=1,out=$B/cpu1.txt"
LOG=$B/cpu1.txt
check hotpc/cpu-1-counts-none has '^hotpc: 0 instructions in [0-9]+ blocks$'

run "top=2,out=$B/top2.txt"
LOG=$B/top2.txt
check hotpc/top-limits-rows count 3 '.'

run "lo=0x1000,colour=1"
LOG=$B/qemu.log
check hotpc/rejects-unknown-option has '^hotpc: unknown option colour=1'
