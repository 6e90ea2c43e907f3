#!/usr/bin/env bash
# bench/debug.sh: what a breakpoint hit costs, in instructions under QEMU
# -icount (one instruction, one nanosecond of emulated time: all vCPUs'
# instructions are the time that passes), counted with the el2count plugin
# (tools/el2count). configs/debug.cfg: the monitor on pCPU 0, dbgtarget on
# pCPU 1, whose loop calls dbg_tick once every 120,018 instructions. With
# no session, the window is 1000 calls of dbg_tick. With a breakpoint on
# dbg_tick whose Lua callback returns true (dbg.wait: the monitor polls
# dbg.status, runs the callback, dbg.cont steps the vCPU off the
# breakpoint and lets the VM run), it is 1000 hits: from the 2nd call of
# the monitor's debug_step_off (the first is dbg.cont's own, before any
# hit) to the 1002nd, the same 1000 calls of dbg_tick and 1000 round trips.
# A hit's round trip is the difference, per call, on each pCPU: on
# dbgtarget's, its exits; on the monitor's, its calls and its Lua, which
# polls all the while the guest runs (-icount's one thread runs the vCPUs
# in turn, so that polling counts as much as the guest's own loop). The
# reports are $B/debug-with.txt and debug-without.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_el2count_plugin

E=$O/debug/vitrine.elf G=$O/guests/dbgtarget.elf M=$O/guests/monitor.elf
make -s O="$O" CONFIG=debug >/dev/null
tick=$(bench_sym "$G" dbg_tick) off=$(bench_sym "$M" debug_step_off)
args="$(bench_el2count_args "$E" "${BENCH_EXIT_SYNC[@]}" "${BENCH_HYPERCALL[@]}"),glo=0x40000000,ghi=0x40100000"

# run NAME WINDOW LUA: the window's rows of el2count's report: vCPU total hyp guest entries.
run() {
	printf '%s\n' "$3" | timeout 600 scripts/run.sh "$E" "${ICOUNT[@]}" \
		-plugin "$EL2COUNT,$args,$2,out=$B/debug-$1.txt" >"$B/debug-$1.log" 2>&1 || true
	awk '/^== window/ { on = 1 } on && /^(0|1|all) / { print $1, $2, $5, $6, $8 }' "$B/debug-$1.txt"
}

# per ROWS NAME: the figures per call of dbg_tick, by pCPU (0 the monitor's, 1 dbgtarget's).
per() {
	awk -v name="$2" '{ printf "%-24s pCPU %-3s total %9.1f hyp %8.1f guest %9.1f exits %5.1f\n",
		name, $1, $2 / 1000, $3 / 1000, $4 / 1000, $5 / 1000 }' <<<"$1"
}

without=$(run without "start_pc=$tick,start_count=5001,stop_pc=$tick,stop_count=6001" '')
with=$(run with "start_pc=$off,start_count=2,stop_pc=$off,stop_count=1002" \
	"dbg.attach('dbgtarget') dbg.brk('dbgtarget', $tick, function() return true end) dbg.cont('dbgtarget') dbg.wait('dbgtarget', 3600000)")
echo "instructions per call of dbg_tick (1000 calls):"
per "$without" "no session"
per "$with" "a breakpoint hit each"
