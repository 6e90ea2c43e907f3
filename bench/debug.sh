#!/usr/bin/env bash
# bench/debug.sh: what a breakpoint hit costs, in instructions under QEMU
# -icount (one instruction, one nanosecond of emulated time), counted with
# the el2count plugin (tools/el2count). configs/debug.cfg: the monitor on
# pCPU 0, dbgtarget on pCPU 1. The window is 1000 calls of dbg_tick, from
# its 5001st (the session is long open by then). Run twice: with no
# session, and with a breakpoint on dbg_tick whose Lua callback continues
# (dbg.wait: the monitor polls dbg.status, the callback returns true,
# dbg.cont steps the vCPU off the breakpoint and lets the VM run). A hit's
# round trip is the difference, per call, of all vCPUs' instructions (the
# emulated time that passes); the el2count reports in $B say where they go.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_el2count_plugin

E=$O/debug/vitrine.elf G=$O/guests/dbgtarget.elf
make -s O="$O" CONFIG=debug >/dev/null
tick=$(bench_sym "$G" dbg_tick)
args=$(bench_el2count_args "$E" exit_sync hypercall arch_debug_exit)
args="$args,glo=0x40000000,ghi=0x40100000,start_pc=$tick,start_count=5001,stop_pc=$tick,stop_count=6001"

# run NAME LUA: the window's instructions, all vCPUs (el2count's "all" line).
run() {
	printf '%s\n' "$2" | timeout 600 scripts/run.sh "$E" "${ICOUNT[@]}" \
		-plugin "$EL2COUNT,$args,out=$B/debug-$1.txt" >"$B/debug-$1.log" 2>&1 || true
	grep '^all ' "$B/debug-$1.txt" | tail -n 1 | awk '{ print $2 }'
}

without=$(run without '')
with=$(run with "dbg.attach('dbgtarget') dbg.brk('dbgtarget', $tick, function() return true end) dbg.cont('dbgtarget') dbg.wait('dbgtarget', 3600000)")
hits=$(bench_el2count_classes "$B/debug-with.txt" | awk '$2 ~ /arch_debug_exit/ { n += $3 } END { print n + 0 }')
echo "calls in the window: 1000; breakpoint exits in it: $hits"
echo "instructions per call, all vCPUs: without a session $((without / 1000)), with a breakpoint hit each $((with / 1000))"
echo "a breakpoint hit's round trip: $(((with - without) / 1000)) instructions"
