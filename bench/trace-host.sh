#!/usr/bin/env bash
# bench/trace-host.sh: what one trace event costs on the host, Vitrine's trace ring
# (include/vitrine/trace_ring.h, written as hyp/core/trace.h writes it) beside LTTng-UST 2.13.
#
# For each variant of bench/trace_host/trace_host.c:
#   ns_per_event     the median of RUNS runs of EVENTS events, timed natively
#   insns_per_event  callgrind's count of the instructions of the variant's loop function
#                    (--toggle-collect) over CG_EVENTS events, divided by CG_EVENTS
# callgrind runs programs without the vDSO: clock_gettime becomes a system call whose
# kernel side it does not count. So the table also gives, for STEP_EVENTS events
# single-stepped natively with ptrace, all the instructions retired and those in the
# vDSO: callgrind's count plus the latter is the native figure, within a few
# instructions (the glibc wrapper's two paths differ slightly).
#
#   ring-tsc        vt_ring_write, flight mode, 16384 records, TSC (arm64: CNTVCT)
#   ring-mono       the same, timestamped with clock_gettime(CLOCK_MONOTONIC)
#   ring-masked     the ring-tsc call site, its class masked at run time (trace_mask)
#   lttng-enabled   a tracepoint with two uint64 fields, recorded by a session that
#                   writes to out/bench/lttng-trace (deleted after; KEEP_TRACE=1 keeps it)
#   lttng-disabled  the same tracepoint with no session enabling it
#
# Writes out/bench/trace-host.csv (variant,ns_per_event,insns_per_event) and prints a
# table. Installs liblttng-ust-dev, lttng-tools and valgrind if missing; starts
# lttng-sessiond if none answers, and stops it again at the end. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
B=$O/bench
EVENTS=${EVENTS:-10000000}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1000000}
CG_EVENTS=${CG_EVENTS:-1000000}
STEP_EVENTS=${STEP_EVENTS:-100}
SRC=bench/trace_host
BIN=$B/trace_host
TRACE_DIR=$(pwd)/$B/lttng-trace
SESSION=vitrine-trace-host-$$
mkdir -p "$B"

need=()
for p in liblttng-ust-dev lttng-tools valgrind; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
	echo "trace-host: installing ${need[*]}"
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${need[@]}" >/dev/null
fi

# -I: lttng-ust(3) includes the provider header again through LTTNG_UST_TRACEPOINT_INCLUDE.
gcc -O2 -std=c11 -Wall -Wextra -Werror -I"$SRC" "$SRC/trace_host.c" "$SRC/th_tp.c" \
	-o "$BIN" -llttng-ust -ldl

session_up=0
sessiond_pid=
cleanup() {
	if [ "$session_up" = 1 ]; then
		lttng destroy "$SESSION" >/dev/null 2>&1 || true
	fi
	if [ -n "$sessiond_pid" ]; then
		kill "$sessiond_pid" 2>/dev/null || true
	fi
	[ "${KEEP_TRACE:-0}" = 1 ] || rm -rf "$TRACE_DIR"
}
trap cleanup EXIT

declare -A NS CG STEP VDSO

# measure VARIANT LOOP_FUNCTION: fills NS, CG, STEP and VDSO for VARIANT.
measure() {
	local v=$1 fn=$2 out
	out=$("$BIN" "$v" "$EVENTS" "$RUNS" "$WARMUP")
	NS[$v]=$(awk '$1 == "median" { print $2 }' <<<"$out")
	valgrind --tool=callgrind --toggle-collect="$fn" --callgrind-out-file="$B/callgrind.$v.out" \
		"$BIN" "$v" "$CG_EVENTS" 1 0 >/dev/null 2>"$B/callgrind.$v.log"
	CG[$v]=$(awk -v n="$CG_EVENTS" '$1 == "totals:" { printf "%.1f", $2 / n }' \
		"$B/callgrind.$v.out")
	out=$("$BIN" -s "$v" "$STEP_EVENTS" 100000)
	STEP[$v]=$(awk '$1 == "insns" { print $2 }' <<<"$out")
	VDSO[$v]=$(awk '$1 == "vdso_insns" { print $2 }' <<<"$out")
}

measure ring-tsc th_loop_ring_counter
measure ring-mono th_loop_ring_monotonic
measure ring-masked th_loop_ring_counter

# `lttng list` fails when no session daemon answers this user.
if ! lttng list >/dev/null 2>&1; then
	lttng-sessiond --daemonize --no-kernel
	if [ "$(id -u)" = 0 ]; then
		sessiond_pid=$(cat /var/run/lttng/lttng-sessiond.pid)
	else
		sessiond_pid=$(cat "$HOME/.lttng/lttng-sessiond.pid")
	fi
fi

# Before any session: trace_host checks that nothing enables the tracepoint.
measure lttng-disabled th_loop_lttng

rm -rf "$TRACE_DIR"
lttng create "$SESSION" --output="$TRACE_DIR" >/dev/null
session_up=1
lttng enable-event -u vitrine_bench:pair -s "$SESSION" >/dev/null
lttng start "$SESSION" >/dev/null
measure lttng-enabled th_loop_lttng
lttng stop "$SESSION" >/dev/null
# In discard mode a consumer that falls behind makes events cheap and absent: say so.
discarded=$(lttng list "$SESSION" | awk '/Discarded events:/ { n += $3 } END { print n + 0 }')
trace_size=$(du -sh "$TRACE_DIR" | cut -f1)
lttng destroy "$SESSION" >/dev/null
session_up=0

variants="ring-tsc ring-mono ring-masked lttng-enabled lttng-disabled"
{
	echo "variant,ns_per_event,insns_per_event"
	for v in $variants; do
		echo "$v,${NS[$v]},${CG[$v]}"
	done
} >"$B/trace-host.csv"

{
	echo "variant,ns/event,insns/event (callgrind),native insns/event (ptrace),of which vDSO"
	for v in $variants; do
		echo "$v,${NS[$v]},${CG[$v]},${STEP[$v]},${VDSO[$v]}"
	done
} | column -t -s,
echo
echo "ns: median of $RUNS x $EVENTS events; callgrind: $CG_EVENTS events;" \
	"ptrace: $STEP_EVENTS events single-stepped"
echo "lttng-enabled: $discarded events discarded; trace $trace_size in $TRACE_DIR" \
	"$([ "${KEEP_TRACE:-0}" = 1 ] && echo "(kept)" || echo "(deleted)")"
echo "wrote $B/trace-host.csv"
