#!/usr/bin/env bash
# bench/irqlat.sh: virtual-timer interrupt latency, as the `timer` guest
# measures it (1000 periods of 1 ms; lateness = counter at handler entry
# minus the deadline; 1 tick = 16 ns), natively (bench/native.sh),
# under Vitrine with tracing on (the default) and compiled out
# (-DVT_TRACE_CLASSES=0, built in $O/bench/notrace), each under
# -icount shift=0,sleep=off and once free-running (multi-threaded TCG: the
# host's noise, shown for scale). Then the hypervisor's stages of one
# interrupt from the trace of the traced run (vtrace dump): physical IRQ
# exit -> injection into a list register -> ERET to the guest -> the
# guest's handler-entry marker (its trace_mark hypercall, recorded at EL2).
# Under -icount one ns is one instruction, of the only pCPU running.
#
# Writes $B/irqlat.csv, $B/irqlat-stages.csv and $B/irqlat.png.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_need_gnuplot
mkdir -p "$B/irqlat"
NT=$B/notrace
bench_say "irqlat: building timer (tracing on) and $NT (tracing compiled out)"
make -s O="$O" CONFIG=timer guests >/dev/null
make -s O="$NT" EXTRA_HYP_FLAGS=-DVT_TRACE_CLASSES=0 CONFIG=timer >/dev/null

# lateness LOG: "min avg max" in ticks from the guest's report.
lateness() {
	sed -n 's/.*timer: [0-9]* interrupts, period [0-9]* ticks, lateness min \([0-9]*\) avg \([0-9]*\) max \([0-9]*\) ticks.*/\1 \2 \3/p' "$1"
}

csv=$B/irqlat.csv
echo "setup,clock,min_ticks,avg_ticks,max_ticks,avg_ns" >"$csv"
for clock in icount free; do
	q=()
	[ $clock = icount ] && q=("${ICOUNT[@]}")
	for setup in native vitrine vitrine-notrace; do
		log=$B/irqlat/$setup-$clock.log
		bench_say "irqlat: $setup, $clock"
		case $setup in
		native) O="$O" TIMEOUT=60 bench/native.sh timer "${q[@]}" </dev/null >"$log" 2>&1 ;;
		vitrine) TRACE=$([ $clock = icount ] && echo "$B/irqlat/timer.trace") \
			timeout 60 scripts/run.sh "$O/timer/vitrine.elf" "${q[@]}" </dev/null >"$log" 2>&1 ;;
		vitrine-notrace) timeout 60 scripts/run.sh "$NT/timer/vitrine.elf" "${q[@]}" </dev/null >"$log" 2>&1 ;;
		esac
		grep -q "timer: ok" "$log" || { bench_say "irqlat: $setup failed (see $log)"; exit 1; }
		read -r lo avg hi < <(lateness "$log")
		echo "$setup,$clock,$lo,$avg,$hi,$((avg * 16))" >>"$csv"
	done
done

# The stages, from the trace: each "EXIT IRQ INTID 27", then its INJECT, ENTER and MARK.
"$O/host/vtrace" dump "$B/irqlat/timer.trace" >"$B/irqlat/timer.dump"
awk '
	function add(k, v) { n[k]++; s[k] += v; if (!(k in lo) || v < lo[k]) lo[k] = v; if (v > hi[k]) hi[k] = v }
	$5 == "EXIT" && $6 == "IRQ" && $8 == 27 { t0 = $1; st = 1; next }
	st == 1 && $5 == "INJECT" { add("1 IRQ exit -> injection", $1 - t0); t1 = $1; st = 2; next }
	st == 2 && $5 == "ENTER" { add("2 injection -> ERET to the guest", $1 - t1); t2 = $1; st = 3; next }
	st == 3 && $5 == "MARK" { add("3 ERET -> handler marker (guest + its hypercall exit)", $1 - t2);
	                          add("0 IRQ exit -> handler marker", $1 - t0); st = 0 }
	END { print "stage,count,avg_ns,min_ns,max_ns"
	      for (k in n) printf "%s,%d,%.1f,%d,%d\n", k, n[k], s[k] / n[k], lo[k], hi[k] | "sort"
	      }' "$B/irqlat/timer.dump" >"$B/irqlat-stages.csv.tmp"
{ head -1 "$B/irqlat-stages.csv.tmp"; tail -n +2 "$B/irqlat-stages.csv.tmp" | sed "s/^[0-9] //"; } >"$B/irqlat-stages.csv"
rm -f "$B/irqlat-stages.csv.tmp"

{
	echo "set terminal pngcairo size 700,400 font ',10'"
	echo "set output '$B/irqlat.png'"
	echo "set title 'Virtual-timer interrupt lateness (timer guest, 1000 x 1 ms, -icount shift=0)'"
	echo "set style data histograms; set style fill solid 0.8 border -1; set boxwidth 0.6"
	echo "set ylabel 'avg lateness (ns = instructions)'; set grid ytics; set yrange [0:*]; unset key"
	echo "plot '-' using 2:xtic(1) lc rgb '#4477aa'"
	awk -F, '$2 == "icount" { print "\"" $1 "\"", $6 }' "$csv"
	echo e
} | gnuplot
column -t -s, "$csv"
echo
column -t -s, "$B/irqlat-stages.csv"
bench_say "irqlat: $csv, $B/irqlat-stages.csv, $B/irqlat.png"
