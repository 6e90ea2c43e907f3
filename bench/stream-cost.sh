#!/usr/bin/env bash
# bench/stream-cost.sh: the monitor's instructions per streamed event.
#
# Boots configs/monitor-net-storm.cfg (CONFIG= for another) under -icount
# shift=0,sleep=off with the hotpc plugin counting what pCPU 0 (the
# monitor's) runs in the monitor's image, records SECONDS of the trace
# stream with `vitrine record`, and sorts the monitor's instructions by
# function into the stream's parts:
#   encode  the encoder reading the rings and framing records (stream.c, net_stream.c)
#   copy    memcpy/memmove/memset, whoever calls them (encoder, lwIP, the virtio driver)
#   lwip    TCP/IP, pbufs, checksums
#   virtio  the virtio-net driver and transports
#   other   the main loop, Lua, consoles, idle polling
# and prints each per streamed event (recorded: sent; a lost one costs the
# encoder only a count). Counts are exact (-icount); the events streamed in
# SECONDS of wall clock depend on the host. Writes out/bench/stream-cost-CONFIG.txt.
#
#   [CONFIG=monitor-net-storm-mmio] bench/stream-cost.sh [SECONDS]   (default 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-10}
cfg=${CONFIG:-monitor-net-storm}
img=$O/guests/monitor.elf
mkdir -p "$B"
make -s CONFIG="$cfg" >/dev/null
make -s "$O/host/vitrine" hotpc >/dev/null
hot=$B/stream-cost-$cfg.hot
log=$B/stream-cost-$cfg.log
lo=$(bench_sym "$img" _start)
hi=$(bench_sym "$img" __image_end)
read -r cport sport <<<"$(bench_free_ports)"
# The console's input stays open until the run is over.
exec 3< <(sleep $((secs + 240)))
hold=$!
rm -f "$B/stream-cost.pid"
NET_PORT=$cport NET_TRACE_PORT=$sport timeout -k 5 $((secs + 240)) \
	scripts/run.sh "$O/$cfg/vitrine.elf" -icount shift=0,sleep=off -pidfile "$B/stream-cost.pid" \
	-plugin "$O/host/libhotpc.so,top=100000,cpu=0,lo=$lo,hi=$hi,out=$hot" <&3 >"$log" 2>&1 &
pid=$!
exec 3<&-
bench_console_wait "$cport" 240 || true
line=$("$O/host/vitrine" record --seconds "$secs" --port "$sport" -o "$B/stream-cost-$cfg.perfetto-trace" 2>&1 |
	grep "^recorded" || true)
# The storm VM runs on: QEMU is stopped, and the plugin writes its counts as it exits.
kill -TERM "$(cat "$B/stream-cost.pid")" 2>/dev/null || true
wait "$pid" || true
kill "$hold" 2>/dev/null || true
echo "bench: stream-cost: $line" >&2
read -r n l <<<"$(sed -E 's/^recorded ([0-9]+) events, ([0-9]+) lost, .*/\1 \2/' <<<"$line")"
# Each block's instructions to its function's part.
sed 1d "$hot" | awk '{ print $1 }' >"$B/stream-cost-$cfg.pcs"
aarch64-linux-gnu-addr2line -f -e "$img" <"$B/stream-cost-$cfg.pcs" | awk 'NR % 2' |
	paste - <(sed 1d "$hot" | awk '{ print $2 }') |
	awk -v ev="$n" -v n="$n" -v l="$l" '
	function part(f) {
		if (f ~ /^(stream_|st_|vt_|net_stream_)/) return "encode"
		if (f ~ /^(memcpy|memmove|memset)$/) return "copy"
		if (f ~ /^(tcp_|ip4|ip_|pbuf_|inet_|lwip_|etharp|ethernet_|mem_|memp_|netif_|sys_check_timeouts|sys_timeout)/) return "lwip"
		if (f ~ /^(vnet_|virtq_|virtio_)/) return "virtio"
		return "other"
	}
	{ p = part($1); sum[p] += $2; fn[$1] += $2; all += $2 }
	END {
		printf "events streamed: %d recorded, %d lost\n", n, l
		printf "monitor instructions (pCPU 0, its image): %d\n", all
		split("encode copy lwip virtio other", ps, " ")
		for (i = 1; i <= 5; i++)
			printf "  %-7s %14d  %8.1f per event\n", ps[i], sum[ps[i]], ev ? sum[ps[i]] / ev : 0
		printf "  %-7s %14d  %8.1f per event\n", "stream", all - sum["other"],
			ev ? (all - sum["other"]) / ev : 0
		print "top functions:"
		for (f in fn) printf "%s %d %.2f\n", f, fn[f], ev ? fn[f] / ev : 0 | "sort -k2,2nr | head -25"
	}' | tee "$B/stream-cost-$cfg.txt"
