#!/usr/bin/env bash
# bench/trace-read.sh: what the monitor's trace.read costs, in instructions.
#
# Boots CONFIG=monitor under QEMU -icount shift=0,sleep=off: one emulated
# instruction is one ns of virtual time, so the virtual counter the monitor
# reads (vitrine.now(), vitrine.freq() ticks a second) counts instructions.
# While it measures, only the monitor's pCPU runs (hello has powered off,
# the other pCPUs sleep), so they are that pCPU's: Lua, the C of
# trace.read, the Lua tables it builds and the garbage collector's share: each
# reading pass starts from a collected heap and ends with a full collection,
# counted, so it pays for collecting what it made and nothing of another's.
# The monitor first fills pCPU 0's ring (hypercalls: 2 records each, 3 events
# with the ENTER rebuilt from its exit), then reads the rings in turn, from
# their oldest record, until N events (default 100,000) were returned. Prints
#   trace.read: N events in M instructions (X per event)
# then what the C side alone costs: the same rings scanned through an
# events filter that keeps nothing (no Lua table is made); then the same
# events read as columns (trace.read{columns = true}: no table per record;
# then only ts and event),
# and the queries done in C: trace.count by vCPU and trace.gaps from exit to
# entry, per ring record they scan.
# A figure, not a test: nothing here is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
N=${N:-100000}
mkdir -p "$O/bench"
make -s CONFIG=monitor >/dev/null
script=$O/bench/trace-read.lua
cat >"$script" <<EOF
for i = 1, 10000 do vm.list() end
want = $N
function insns(t0) return (vitrine.now() - t0) * 1000000000 // vitrine.freq() end
function read_all(cols)
  collectgarbage()
  local got, calls, t0 = 0, 0, vitrine.now()
  while got < want do
    for cpu = 0, 3 do
      if got < want then
        local t = trace.read{cpu = cpu, max = math.min(want - got, 100000), columns = cols}
        got, calls = got + (cols and t.n or #t.records), calls + 1
      end
    end
  end
  collectgarbage()
  return got, insns(t0), calls
end
got, n, calls = read_all(nil)
print(string.format("trace.read: %d events in %d instructions (%.1f per event), %d calls", got, n, n / got, calls))
fill = {} for _, s in ipairs(trace.stats()) do fill[s.cpu] = s.fill end
seen, t0 = 0, vitrine.now()
while seen < want do
  for cpu = 0, 3 do
    if seen < want and fill[cpu] > 0 then
      seen = seen + fill[cpu] + #trace.read{cpu = cpu, max = 1, events = "fault"}.records
    end
  end
end
n = insns(t0)
print(string.format("trace.read: %d records scanned by an events filter that keeps none, in %d instructions (%.1f per record)", seen, n, n / seen))
got, n = read_all(true)
print(string.format("trace.read: %d events as columns in %d instructions (%.1f per event)", got, n, n / got))
got, n = read_all({'ts', 'event'})
print(string.format("trace.read: %d events as two columns (ts, event) in %d instructions (%.1f per event)", got, n, n / got))
seen, t0 = 0, vitrine.now()
while seen < want do seen = seen + select(3, trace.count{by = 'vcpu'}) end
n = insns(t0)
print(string.format("trace.count: %d records scanned in %d instructions (%.1f per record)", seen, n, n / seen))
seen, t0 = 0, vitrine.now()
while seen < want do trace.gaps{from = 'exit', to = 'enter'} seen = seen + select(3, trace.count{events = 'lost'}) end
n = insns(t0)
print(string.format("trace.gaps and a count that keeps nothing: %d records scanned twice in %d instructions (%.1f per record)", seen, n, n / seen))
EOF
SCRIPT=$script timeout 600 scripts/run.sh "$O/monitor/vitrine.elf" -icount shift=0,sleep=off \
	>"$O/bench/trace-read.log" 2>&1
tr -d '\r' <"$O/bench/trace-read.log" | sed -n 's/^\(\[monitor\] \)\{0,1\}\(trace\.[a-z]*[: ].*\)/\2/p'
