#!/usr/bin/env bash
# bench/net.sh: sustained trace-stream throughput over QEMU user networking.
#
# Boots configs/monitor-net-storm.cfg free-running (an SGI storm traced on
# two pCPUs, the monitor streaming every ring over TCP through virtio-net-pci,
# its DMA translated by the SMMU; CONFIG=monitor-net-storm-mmio: through
# virtio-mmio, its DMA by physical address), records SECONDS of
# the stream with `vitrine record`, and reports events/s, MB/s (32-byte
# records on the wire, frame headers apart) and what was lost: records the
# flight-recorder rings overwrote before the monitor could send them, and
# what the monitor's pushes found (net.stats(): fills sent; empty, the rings
# had nothing new; full, the socket had no room). Runs ROUNDS times; writes
# out/bench/CONFIG.csv. Then, unless COST=0, the monitor's instructions per
# streamed event, by part: bench/stream-cost.sh on the same config (under
# -icount, where instructions are counted exactly; free-running they are not).
#
#   [CONFIG=monitor-net-storm-mmio|monitor-net-marks] [COST=0] bench/net.sh [SECONDS [ROUNDS]]
#   (default 10 s, 3 rounds)
#   (monitor-net-marks: a paced 200,000 records a second, guests/marks)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-10}
rounds=${2:-3}
cfg=${CONFIG:-monitor-net-storm}
mkdir -p "$B"
make -s CONFIG="$cfg" >/dev/null
make -s "$O/host/vitrine" >/dev/null
csv=$B/$cfg.csv
echo "round,seconds,events,lost,events_per_s,mb_per_s,lost_pct,fills,empty,full" >"$csv"
for r in $(seq "$rounds"); do
	read -r cport sport <<<"$(bench_free_ports)"
	# The console types nothing (stdin at EOF): the system runs until it is powered off.
	NET_PORT=$cport NET_TRACE_PORT=$sport timeout -k 5 $((secs + 60)) \
		scripts/run.sh "$O/$cfg/vitrine.elf" </dev/null >"$B/$cfg-$r.log" 2>&1 &
	pid=$!
	bench_console_wait "$cport" 120 || true
	line=$("$O/host/vitrine" record --seconds "$secs" --port "$sport" -o "$B/$cfg-$r.perfetto-trace" 2>&1 |
		grep "^recorded" || true)
	read -r fills empty full <<<"$("$O/host/vitrine" eval --port "$cport" \
		's = net.stats() print(s.stream_fills, s.stream_empty, s.stream_full)' 2>/dev/null || echo - - -)"
	"$O/host/vitrine" eval --port "$cport" 'vitrine.poweroff()' >/dev/null 2>&1 || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# "recorded N events, L lost, in S s"
	read -r n l s <<<"$(sed -E 's/^recorded ([0-9]+) events, ([0-9]+) lost, in ([0-9.]+) s$/\1 \2 \3/' <<<"$line")"
	echo "bench: net: round $r: $line" >&2
	awk -v r="$r" -v n="$n" -v l="$l" -v s="$s" -v f="$fills,$empty,$full" 'BEGIN {
		printf "%d,%.2f,%d,%d,%.0f,%.3f,%.2f,%s\n", r, s, n, l, n / s, n * 32 / s / 1e6, 100 * l / (n + l), f }' >>"$csv"
done
column -s, -t "$csv"
echo "bench: net: $csv"
if [ "${COST:-1}" != 0 ]; then
	CONFIG=$cfg bench/stream-cost.sh 10 2>/dev/null | sed -n '1,8p'
	echo "bench: net: the monitor's instructions per event: $B/stream-cost-$cfg.txt"
fi
