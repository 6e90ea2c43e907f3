#!/usr/bin/env bash
# QEMU system tests of the monitor partition, its network console and the
# vitrine client; sourced by tests/system.sh (which has boot, check and
# run_all). Each function boots a config and checks what the console shows.

# Lua for the monitor: statsok(s, r1, r2) says whether trace.stats() rows s agree with
# trace.rings() taken before (r1) and after (r2), and their totals with the rows;
# lostok(l, s1, s2) the same of trace.lost() between two trace.stats().
read_text MON_STATS_OK <<-'LUA'
	function statsok(s, r1, r2)
	local ok, w, l, f = #s == #r1 and #s > 0, 0, 0, 0
	for i, x in ipairs(s) do local a, b = r1[i], r2[i]
	ok = ok and x.cpu == a.cpu and x.mode == a.mode and x.capacity == a.capacity
	ok = ok and a.written <= x.written and x.written <= b.written and x.fill <= x.capacity
	if x.mode == 'flight' then ok = ok and x.written == x.fill + x.lost
	else ok = ok and a.lost <= x.lost and x.lost <= b.lost end
	w, l, f = w + x.written, l + x.lost, f + x.fill end
	return ok and s.total.written == w and s.total.lost == l and s.total.fill == f end
	function lostok(l, s1, s2)
	local ok, t = true, 0
	for i, x in ipairs(s1) do ok = ok and x.lost <= l[x.cpu] and l[x.cpu] <= s2[i].lost t = t + l[x.cpu] end
	return ok and l.total == t end
LUA
# Enough hypercalls (sys_refresh: 2 records each, EXIT and HVC) to fill pCPU 0's ring, then
# both checks.
read_text MON_STATS_RUN <<-'LUA'
	for i = 1, 10000 do vm.list() end
	r1 = trace.rings() s = trace.stats() r2 = trace.rings() print('stats', statsok(s, r1, r2))
	s1 = trace.stats() l = trace.lost() s2 = trace.stats() print('lost', lostok(l, s1, s2), l[0] > 0)
LUA

# The monitor's Lua console, driven through the serial port: answers, errors
# that leave it working, line editing (DEL, Ctrl-U), a chunk over several
# lines, CR LF line ends, and vitrine.poweroff() with the monitor's sizes.
test_monitor_rings() {
	local in
	read_text in <<-'LUA'
		#trace.rings()
		r = trace.rings()[1]
		print(r.cpu, r.mode, r.capacity)
		print(r.written > 0, r.lost)
		t = trace.read{cpu=0}
		print(#t.records > 0, t.records[1].event, t.skipped, t.next == #t.records)
		vm.list() n=0 for _, e in ipairs(trace.read{cpu=0, max=100000}.records) do if e.event == "exit" and e.vm == 0 then n = n + 1 end end print(n > 0)
		trace.read{cpu=9}
		#vm.list()
		for _, v in ipairs(vm.list()) do print(v.id, v.name, v.state, #v.pcpus, v.ram) end
		a = vm.info('monitor').exits b = vm.info(0).exits print(b > a, vm.info(0).vcpus[1].state)
		vm.info('nope')
		vm.reset('hello')
		print('resets', vm.info('hello').resets)
		vm.reset('monitor')
		trace.enable{'mark'} w = trace.rings()[1].written print('masked', trace.rings()[1].written == w)
		trace.enable{'exit', 'bogus'}
		w = trace.rings()[1].written trace.enable{'exit','irq','call','ipc','fault','state','mark'} for i = 1, 50 do vm.info(0) end print('first-exit', trace.read{cpu=0, since=w, max=1}.records[1].event)
		t = trace.read{cpu=0, max=100000, events={'exit', 'enter'}} n = 0
		for _, e in ipairs(t.records) do if e.event ~= 'exit' and e.event ~= 'enter' then n = n + 1 end end
		print('filtered', #t.records > 0, n)
		t = trace.read{cpu=0, max=3, events='exit'} print('three', #t.records, t.records[3].event, t.next == t.records[3].pos + 1)
		trace.read{cpu=0, events={'exit', 'bogus'}}
	LUA
	in+="$MON_STATS_OK$MON_STATS_RUN"
	in+=$'s = trace.stats()[1] print(\'flight\', s.mode, s.fill == s.capacity - 1, s.lost == s.written - s.fill)\n'
	in+=$'r = vm.info(\'monitor\').memory[1] print(\'monram\', r.kind, string.format(\'0x%x\', r.ipa), r.size, r.writable, vm.info(\'hello\').pcpus[1])\n'
	# A write to its read-only ring: the hypervisor restarts the monitor, whose UART answers on.
	in+=$'trace.poke(0)\nprint(\'restarted\', vm.info(\'monitor\').resets, 6*7)\nvitrine.poweroff()\n'
	boot monitor 60 "$in"
	check system/monitor-sees-4-rings has '^4$'
	check system/monitor-ring-header has $'^0\tflight\t16384$'
	check system/monitor-ring-written has $'^true\t0$'
	check system/monitor-reads-records has $'^true\tvcpu_state\t0\ttrue$'
	check system/monitor-reads-its-own-exits has '^true$'
	check system/monitor-read-bad-cpu-is-an-error has "^console:1: bad argument #1 to 'read' \(no such pCPU\)$"
	check system/monitor-vm-list-count has '^2$'
	check system/monitor-vm-list-row has $'^0\tmonitor\trunning\t1\t33554432$'
	check system/monitor-vm-counters-grow has $'^true\trunning$'
	check system/monitor-vm-info-unknown has '^console:1: no VM nope$'
	check system/monitor-resets-another-vm has '^vitrine: VM hello reset$'
	check system/monitor-reset-counted has $'^resets\t1$'
	check system/monitor-may-not-reset-itself has "^console:1: the hypervisor refused to reset VM 0 \(-3\)$"
	check system/monitor-trace-classes-masked has $'^masked\ttrue$'
	check system/monitor-trace-class-unknown has "^console:1: no trace class 'bogus'$"
	# EXIT switched back on: its first exit folds no entry from before (none kept while masked)
	check system/monitor-trace-unmasked-no-stale-enter has $'^first-exit\texit$'
	check system/monitor-read-events-filter has $'^filtered\ttrue\t0$'
	check system/monitor-read-events-one-name has $'^three\t3\texit\ttrue$'
	check system/monitor-read-events-unknown has "^console:1: no trace event 'bogus'$"
	check system/monitor-trace-stats-agree has $'^stats\ttrue$'
	check system/monitor-trace-lost-agrees has $'^lost\ttrue\ttrue$'
	check system/monitor-flight-lost-is-overwritten has $'^flight\tflight\ttrue\ttrue$'
	check system/monitor-reset-counted has $'^resets\t1$'
	check system/monitor-may-not-reset-itself has "^console:1: the hypervisor refused to reset VM 0 \(-3\)$"
	check system/monitor-trace-classes-masked has $'^masked\ttrue$'
	check system/monitor-trace-class-unknown has "^console:1: no trace class 'bogus'$"
	check system/monitor-vm-info-memory-map has $'^monram\tram\t0x40000000\t33554432\ttrue\t1$'
	check system/monitor-ring-read-only has \
		"^vitrine: VM monitor vCPU 0: stage-2 fault: write to a read-only page at IPA 0x70000000, .*: restarting the VM$"
	check system/monitor-restart-said has '^vitrine: VM monitor reset$'
	check system/monitor-restart-banner count 2 '^monitor: Lua 5\.4\.4 console'
	check system/monitor-restart-uart-answers has $'^restarted\t1\t42$'
	check system/monitor-fault-neighbour-finishes has '^\[hello\] bye$'
	check system/monitor-rings-qemu-exit-0 exited 0
}

# The queries done in C (trace.count, trace.gaps) and the columnar trace.read
# give what Lua works out from trace.read's rows, over a VM that has gone quiet.
test_monitor_trace_query() {
	local in
	read_text in <<-'LUA'
		while vm.info('hello').state ~= 'off' do vm.list() end
		h, p, f = vm.info('hello').id, vm.info('hello').pcpus[1], vitrine.freq()
		names = {[0x01]='wfx', [0x16]='hvc', [0x17]='smc', [0x18]='sysreg', [0x20]='iabt', [0x24]='dabt', [0x100]='irq'}
		rows = {} for cpu = 0, 3 do for _, e in ipairs(trace.read{cpu = cpu, max = 100000}.records) do if e.vm == h then rows[#rows + 1] = e end end end
		why, ev, nw = {}, {}, 0 for _, e in ipairs(rows) do ev[e.event] = (ev[e.event] or 0) + 1 if e.event == 'exit' then k = names[e.a] or string.format('ec_0x%02x', e.a) why[k] = (why[k] or 0) + 1 nw = nw + 1 end end
		function same(a, b) for k, v in pairs(a) do if b[k] ~= v then return false end end for k, v in pairs(b) do if a[k] ~= v then return false end end return next(a) ~= nil end
		c, n = trace.count{events = 'exit', by = 'reason', vm = 'hello'} print('tq reason', same(c, why), n == nw, why.hvc ~= nil)
		c = trace.count{vm = h} print('tq events', same(c, ev), ev.enter ~= nil)
		c = trace.count{events = 'exit', by = 'vcpu'} print('tq vcpu', c['hello/0'] == nw)
		o, gn, lo, hi, sum = nil, 0, math.huge, 0, 0
		function gap(e) d = (e.ts - o) * 1000000000 // f gn, sum, lo, hi, o = gn + 1, sum + d, math.min(lo, d), math.max(hi, d), nil end
		function pair(e) if e.event == 'enter' and o then gap(e) end if e.event == 'exit' then o = e.ts end end
		for _, e in ipairs(trace.read{cpu = p, max = 100000}.records) do if e.vm == h then pair(e) end end
		g = trace.gaps{from = 'exit', to = 'enter', vm = 'hello'}
		print('tq gaps', gn > 0, g.n == gn, g.min == lo, g.max == hi, g.mean == sum // gn)
		s = 0 for _, b in ipairs(g.hist) do s = s + b.n end print('tq hist', s == g.n)
		r1, r2 = trace.read{cpu = p, max = 500}, trace.read{cpu = p, max = 500, columns = true}
		function row(i, e) return r2.pos[i] == e.pos and r2.ts[i] == e.ts and r2.event[i] == e.event end
		function ids(i, e) return r2.vm[i] == (e.vm or -1) and r2.vcpu[i] == (e.vcpu or -1) end
		function args(i, e) return r2.a[i] == e.a and r2.b[i] == e.b and r2.c[i] == e.c end
		ok = r2.n == #r1.records and r2.next == r1.next
		for i, e in ipairs(r1.records) do ok = ok and row(i, e) and ids(i, e) and args(i, e) end
		print('tq columns', ok, r2.n > 0)
		r3 = trace.read{cpu = p, max = 500, columns = {'ts', 'a'}}
		print('tq some columns', r3.n == r2.n, r3.ts[r3.n] == r2.ts[r2.n], r3.a[r3.n] == r2.a[r2.n], r3.b, r3.event)
		trace.read{cpu = 0, columns = {'ts', 'colour'}}
		trace.count{by = 'colour'}
		trace.gaps{from = 'exit'}
		trace.count{vm = 'nope'}
		vitrine.poweroff()
	LUA
	boot monitor 60 "$in"
	check system/monitor-trace-count-by-reason has $'^tq reason\ttrue\ttrue\ttrue$'
	check system/monitor-trace-count-by-event has $'^tq events\ttrue\ttrue$'
	check system/monitor-trace-count-by-vcpu has $'^tq vcpu\ttrue$'
	check system/monitor-trace-gaps-exit-to-enter has $'^tq gaps\ttrue\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-trace-gaps-histogram has $'^tq hist\ttrue$'
	check system/monitor-trace-read-columns has $'^tq columns\ttrue\ttrue$'
	check system/monitor-trace-read-some-columns has $'^tq some columns\ttrue\ttrue\ttrue\tnil\tnil$'
	check system/monitor-trace-read-bad-column has "^console:1: no trace field 'colour' \\(pos, ts, event, vm, vcpu, a, b or c\\)$"
	check system/monitor-trace-count-bad-key has '^console:1: by must be event, cpu, vm, vcpu, intid or reason$'
	check system/monitor-trace-gaps-needs-to has '^console:1: to must be an event name$'
	check system/monitor-trace-count-bad-vm has '^console:1: no VM nope$'
	check system/monitor-trace-query-qemu-exit-0 exited 0
}

# In stream mode nobody consumes the rings the monitor reads: pCPU 0's fills, then drops.
test_monitor_stream() {
	local in=$MON_STATS_OK$MON_STATS_RUN
	in+=$'s = trace.stats()[1] print(\'stream\', s.mode, s.lost > 0, s.lost == trace.rings()[1].lost, s.fill == s.capacity)\n'
	in+=$'vitrine.poweroff()\n'
	TRACE=$O/test/monitor-stream${MODE//\//.}.vtr TRACE_MODE=stream boot monitor 60 "$in"
	check system/monitor-stream-stats-agree has $'^stats\ttrue$'
	check system/monitor-stream-lost-agrees has $'^lost\ttrue\ttrue$'
	check system/monitor-stream-lost-is-dropped has $'^stream\tstream\ttrue\ttrue\ttrue$'
	check system/monitor-stream-qemu-exit-0 exited 0
}

# The system page v2 (monitor-sys: a channel between the monitor and hello,
# a device in hello): memory maps, devices, INTIDs, channels, flags and
# counters; the LLC's colours (monitor-sys colours no VM: each owns all); the
# monitor's own PMU. Only under -icount does QEMU count INST_RETIRED.
test_monitor_sys() {
	local in inst=false
	[ -n "$MODE" ] && inst=true
	in=$(
		cat <<'LUA'
m = vm.info('monitor') r = m.memory[1] print('ram', r.kind, string.format('0x%x', r.ipa), r.size // 1048576, r.writable)
c = m.channels[1] print('chan', #m.channels, c.name, c.rights, c.doorbell, string.format('0x%x', c.ipa), c.size)
h = vm.info('hello') d = h.devices[1] print('hello', h.pcpus[1], #h.memory, #h.devices, string.format('0x%x', d.ipa), d.size, table.concat(h.intids, ','))
print('hchan', h.channels[1].name, h.channels[1].rights, h.channels[1].doorbell)
for _, r in ipairs(h.memory) do print('map', r.kind, string.format('0x%x', r.ipa), r.size, r.writable, r.channel) end
print('flags', m.monitor, m.input, m.pmu, h.monitor, h.input, h.pmu)
print('counted', m.exits > 0, m.vcpus[1].exits > 0, m.vcpus[1].pcpu, c.notifies, c.denied)
c = cache.colors() l = c.llc print('llc', l.level >= 1, l.size == l.sets * l.ways * l.line, l.colors == l.size // (l.ways * 4096), l.colors >= 1)
all = true for _, v in ipairs(c.vms) do all = all and #v.colors == l.colors and v.uncolored end print('allcolors', all, #c.vms)
print('overlaps', #c.overlaps, c.overlaps[1].a, c.overlaps[1].b, #c.overlaps[1].colors == l.colors)
print(c.map)
has = {} for _, n in ipairs(pmu.events()) do has[n] = true end print('events', #pmu.events() > 0, has.cpu_cycles, has.inst_retired == true)
s = pmu.sample{events={'cpu_cycles'}, run=function() for i = 1, 100000 do end end} print('cycles', s.cpu_cycles > 0, s.ticks > 0)
s = pmu.sample{events={'cpu_cycles'}, ms=2} print('busy', s.cpu_cycles > 0, s.ticks >= vitrine.freq() // 500)
if has.inst_retired then s = pmu.sample{events={'inst_retired', 'cpu_cycles'}, run=function() for i = 1, 100000 do end end} print('inst', s.inst_retired > 100000) end
pmu.sample{events={'sw_incr', 'sw_incr'}, ms=1}
pmu.sample{events={'nope'}, ms=1}
pmu.sample{events={'cpu_cycles'}}
print('dma', m.dma_unconfined, h.dma_unconfined)
vitrine.poweroff()
LUA
	)
	boot monitor-sys 60 "$in"$'\n'
	check system/monitor-sys-ram-region has $'^ram\tram\t0x40000000\t32\ttrue$'
	check system/monitor-sys-channel has $'^chan\t1\tmbox\trw\t100\t0x50000000\t4096$'
	check system/monitor-sys-device-intids has $'^hello\t1\t3\t1\t0xa000000\t4096\t48$'
	check system/monitor-sys-channel-read-only has $'^hchan\tmbox\tro\t101$'
	check system/monitor-sys-map-ram has $'^map\tram\t0x40000000\t16777216\ttrue\tnil$'
	check system/monitor-sys-map-shm has $'^map\tshm\t0x50000000\t4096\tfalse\tmbox$'
	check system/monitor-sys-map-device has $'^map\tdevice\t0xa000000\t4096\ttrue\tnil$'
	check system/monitor-sys-flags has $'^flags\ttrue\ttrue\ttrue\tfalse\tfalse\tfalse$'
	check system/monitor-sys-counters has $'^counted\ttrue\ttrue\t0\t0\t0$'
	check system/monitor-sys-llc-geometry has $'^llc\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-sys-every-vm-all-colours has $'^allcolors\ttrue\t2$'
	check system/monitor-sys-overlap-listed has $'^overlaps\t1\tmonitor\thello\ttrue$'
	check system/monitor-sys-map-rows count 2 '^(monitor|hello) +#{16}  16 \(uncoloured\)$'
	check system/monitor-sys-map-overlap has '^overlap monitor/hello: 16 colours$'
	check system/monitor-sys-pmu-events has $'^events\ttrue\ttrue\t'"$inst"'$'
	check system/monitor-sys-pmu-cycles has $'^cycles\ttrue\ttrue$'
	check system/monitor-sys-pmu-busy-ms has $'^busy\ttrue\ttrue$'
	[ -n "$MODE" ] && check system/monitor-sys-pmu-inst-retired has $'^inst\ttrue$'
	check system/monitor-sys-pmu-event-twice has "^console:1: pmu.sample: 'sw_incr' given twice$"
	check system/monitor-sys-pmu-unknown-event has "^console:1: pmu.sample: no event 'nope' \(see pmu.events\(\)\)$"
	check system/monitor-sys-pmu-usage has '^console:1: pmu.sample: run=function or ms=N \(N > 0\) wanted$'
	check system/monitor-sys-neighbour-runs has '^\[hello\] bye$'
	check system/monitor-sys-dma-unconfined has $'^dma\tfalse\ttrue$'
	check system/monitor-sys-dma-boot-log has \
		'^vitrine: VM hello: dma unconfined: a device it owns can write all physical memory$'
	check system/monitor-sys-dma-said-once count 1 'dma unconfined'
	check system/monitor-sys-qemu-exit-0 exited 0
}

test_monitor_irqlat() {
	local in
	read_text in <<-'LUA'
		for i = 1, 2000000 do end
		l = irq.latency{vm=1, intid=27} print('sane', l.count > 0, l.min <= l.p50, l.p50 <= l.p99, l.p99 <= l.max)
		s = l.stages.injection_to_marker t = l.stages.arrival_to_marker
		print('stages', s.count > 0, t.count > 0, t.count <= s.count, t.count <= l.count, t.min >= l.min, t.min >= s.min)
		print('stages-sane', s.min <= s.p50, s.p50 <= s.p99, s.p99 <= s.max, t.min <= t.p50, t.p50 <= t.p99, t.p99 <= t.max)
		print(l.histogram)
		irq.latency{vm=1}
		vitrine.poweroff()
	LUA
	boot monitor-timer 60 "$in"
	check system/monitor-irq-latency-stages has $'^stages\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-irq-latency-stages-sane has $'^stages-sane\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-irq-latency-sane has $'^sane\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-irq-latency-histogram has '^ +[0-9]+-[0-9]+ +ns +[0-9]+ #+$'
	check system/monitor-irq-latency-usage has '^console:1: usage: irq.latency\{vm=ID, intid=N\}$'
	check system/monitor-irq-latency-timer-ok has '^\[timer\] timer: ok$'
	check system/monitor-irq-latency-qemu-exit-0 exited 0
}

# vm.pause/resume on the timer guest: held (its exits stand still), then
# running on; the monitor may not pause itself; a paused VM can be reset.
test_monitor_pause() {
	local in
	# Ends with vitrine.poweroff(): the timer guest finishes on its own.
	read_text in <<-'LUA'
		while vm.info('timer').vcpus[1].state ~= 'running' do end
		vm.pause('timer') a = vm.info('timer') for i = 1, 300000 do end b = vm.info('timer')
		print('paused', a.state, a.vcpus[1].state, a.exits == b.exits)
		n = 0 for _, r in ipairs(trace.read{cpu=0, events='vm_state'}.records) do if r.vm == 1 and r.a == 5 then n = n + 1 end end print('traced', n)
		vm.resume('timer') for i = 1, 3000000 do end c = vm.info('timer')
		print('resumed', c.state, c.vcpus[1].state, c.exits > b.exits)
		vm.pause('monitor')
		vm.resume('timer')
		vm.pause('timer') vm.reset('timer') print('after reset', vm.info('timer').state)
		vitrine.poweroff()
	LUA
	boot monitor-timer 60 "$in"
	check system/monitor-pause-holds has $'^paused\tpaused\tpaused\ttrue$'
	check system/monitor-pause-traced has $'^traced\t1$'
	check system/monitor-resume-runs-on has $'^resumed\trunning\trunning\ttrue$'
	check system/monitor-may-not-pause-itself has '^console:1: the hypervisor refused to pause VM 0 \(-3\)$'
	check system/monitor-resume-not-paused-refused has '^console:1: the hypervisor refused to resume VM 1 \(-4\)$'
	check system/monitor-paused-vm-resets has $'^after reset\trunning$'
	check system/monitor-paused-reset-vm-finishes count 1 '^\[timer\] timer: ok$'
	check system/monitor-pause-qemu-exit-0 exited 0
}

# cache.llc() from the PMU (monitor-pmu: CPU_CYCLES stands in for LLC
# refills, INST_RETIRED, which QEMU has under -icount only, for accesses):
# per pCPU and per VM; a paused VM's count stands still while the monitor's
# grows; the monitor sees only the counters left to it; and over 300 ms the
# monitor's own count agrees with its own cycle counter, across at least one
# wrap of the hypervisor's 2^28-event overflow span. A pCPU may miss a
# sample's deadline on a loaded host (its row is then the last one): llc()
# takes only samples every pCPU answered.
test_monitor_llc_pmu() {
	local in access=nil counters=5 rate=nil
	[ -n "$MODE" ] && access=8 counters=4 rate=true
	in=$(
		cat <<'LUA'
function llc() for i = 1, 100 do local c = cache.llc() if c.answered == 2 then return c end end end
c = llc() print('pmu', c.source, c.refill_event, c.refill_name, c.access_event, c.answered, #c.cpus, #c.vms)
print('rows', c.cpus[1].cpu, c.cpus[2].cpu, c.vms[1].misses == c.cpus[1].misses, c.vms[2].misses == c.cpus[2].misses, c.cpus[1].misses > 0)
print('rate', c.vms[1].miss_rate and c.vms[1].accesses > 0)
print('counters', pmu.counters())
while vm.info('timer').vcpus[1].state ~= 'running' do end
vm.pause('timer') a = llc() for i = 1, 300000 do end b = llc()
print('paused', a.vms[2].misses == b.vms[2].misses, b.vms[1].misses > a.vms[1].misses)
vm.resume('timer') for i = 1, 3000000 do end c = llc() print('resumed', c.vms[2].misses > b.vms[2].misses)
d1 = llc() s = pmu.sample{events={'cpu_cycles', 'sw_incr'}, ms=300} d2 = llc()
dm = d2.cpus[1].misses - d1.cpus[1].misses print('own', dm >= s.cpu_cycles, dm - s.cpu_cycles < s.cpu_cycles // 4, s.cpu_cycles > 1 << 28)
cache.llc{mark = true} n = 0 for _, e in ipairs(trace.read{cpu=0, events='mark'}.records) do
if e.a == 0x10100 + 1 and e.b > 0 then n = n + 1 end end print('marks', n)
vitrine.poweroff()
LUA
	)
	boot monitor-pmu 120 "$in"$'\n'
	check system/llc-pmu-source has $'^pmu\tpmu\t17\tcpu_cycles\t'"$access"$'\t2\t2\t2$'
	check system/llc-pmu-rows has $'^rows\t0\t1\ttrue\ttrue\ttrue$'
	check system/llc-pmu-accesses has $'^rate\t'"$rate"'$'
	[ -z "$MODE" ] && check system/llc-pmu-absent-event-said has \
		'^vitrine: llc-events: PMU event 0x8 is not implemented on this CPU \(PMCEID\): not counted$'
	check system/llc-pmu-counters-kept has $'^counters\t'"$counters"'$'
	check system/llc-pmu-paused-vm-still has $'^paused\ttrue\ttrue$'
	check system/llc-pmu-resumed-vm-counts has $'^resumed\ttrue$'
	check system/llc-pmu-agrees-across-wraps has $'^own\ttrue\ttrue\ttrue$'
	check system/llc-pmu-marks-in-trace has $'^marks\t1$'
	check system/llc-pmu-qemu-exit-0 exited 0
}

test_monitor_ctrlc() {
	boot monitor 60 $'while true do end\n\x03print(\'alive\')\nvitrine.poweroff()\n'
	check system/monitor-ctrl-c-interrupts has '^interrupted \(Ctrl-C\)$'
	check system/monitor-ctrl-c-console-carries-on has '^alive$'
	check system/monitor-ctrl-c-qemu-exit-0 exited 0
}

test_monitor_scripts() {
	SCRIPT=monitor/scripts/vmstat.lua boot monitor
	check system/monitor-script-vmstat has '^vmstat: hello +(off|running) +1 +16 +0 +[0-9]+$'
	check system/monitor-script-vmstat-exit-0 exited 0
	{ printf 'interval = 0.05\nrounds = 2\n'; cat monitor/scripts/top.lua; } >"$O/test/top-short.lua"
	SCRIPT=$O/test/top-short.lua boot monitor-timer
	check system/monitor-script-top has '^top: timer +running +[1-9][0-9]* +0$'
	check system/monitor-script-top-exit-0 exited 0
	SCRIPT=monitor/scripts/irqlat.lua boot monitor-timer
	check system/monitor-script-irqlat has '^irqlat: timer: arrival->injection +[1-9][0-9]* interrupts, ns min [0-9]+ avg '
	check system/monitor-script-irqlat-to-handler has '^irqlat: timer: injection->handler +[1-9][0-9]* interrupts, ns min [0-9]+ avg '
	check system/monitor-script-irqlat-total has '^irqlat: timer: arrival->handler +[1-9][0-9]* interrupts, ns min [0-9]+ avg '
	check system/monitor-script-irqlat-exit-0 exited 0
	SCRIPT=monitor/scripts/colors.lua boot monitor
	# QEMU's cortex-a53: a 1 MiB 16-way L2 with 64-byte lines, so 16 colours.
	check system/monitor-script-colors-llc has \
		'^colors: LLC: L2, 1024 KiB, 16 ways, 64-byte lines: 16 colours of 4 KiB$'
	check system/monitor-script-colors-rows count 2 '^colors: (monitor|hello) +#{16}  16 \(uncoloured\)$'
	check system/monitor-script-colors-uncoloured has '^colors: uncoloured: a VM without .colors. in its config'
	check system/monitor-script-colors-exit-0 exited 0
	{ printf 'interval = 0.1\nrounds = 2\n'; cat monitor/scripts/llctop.lua; } >"$O/test/llctop-short.lua"
	SCRIPT=$O/test/llctop-short.lua boot monitor-pmu
	check system/monitor-script-llctop-source has '^llctop: source pmu \(cpu_cycles\)$'
	check system/monitor-script-llctop-rows count 2 '^llctop: timer +[1-9][0-9]* +(-|[0-9.]+%)  monitor$'
	check system/monitor-script-llctop-exit-0 exited 0
	SCRIPT=monitor/scripts/llctop.lua boot monitor-colors
	check system/monitor-script-llctop-says-why has '^llctop: no LLC counts: '
}

test_monitor() {
	boot monitor 60 "$MON_REPL_IN"
	check_monitor_repl system
}

# Attached to echo's console, typing to it, then back; the line editor.
# The pauses let echo answer while the console is attached, however slow
# the machine; nothing is timed.
feed_console() {
	console_type echo $'hi there\r' 2
	printf '\x1d'
	printf 'print(40+2)\r\x1b[A\r'                         # Up: the last line again
	printf 'prnt(7)\x1b[H\x1b[C\x1b[Ci\x1b[F\r'             # Home, Right, Right, insert, End
	printf 'print(5)\x02\x7f6\r'                          # Ctrl-B, Backspace, 6: print(6)
	printf 'print("w") junk\x17\r'                         # Ctrl-W
	printf 'garbage garbage\x03print("after ^C")\r'        # Ctrl-C drops the line
	printf 'function f()\r\x03print("chunk dropped")\r'    # ... and an unfinished chunk
	printf 'console nope\r'
	printf 'console.poke(123456789) vm.reset("echo")\r'
	printf 's = console.stats() print("con", s.lost > 0, s.bad_positions > 0, s.read == s.written)\r'
	console_type 1 $'again\r' 2 # echo again, after its reset: it waits for a line
	printf '\x1dvitrine.poweroff()\r'
}

test_monitor_console() {
	FEED=feed_console boot monitor-echo 60
	check system/console-attach-banner has '^console: attached to echo; Ctrl-\] leaves$'
	check system/console-attached-vm-line-unprefixed has '^got: hi there$'
	check system/console-detach has '^console: left echo$'
	check system/console-history-up count 2 '^42$'
	check system/console-edit-home-insert has '^7$'
	check system/console-edit-left-backspace has '^6$'
	check system/console-edit-ctrl-w has '^w$'
	check system/console-ctrl-c-drops-line has '^after \^C$'
	check system/console-ctrl-c-no-garbage-error lacks 'garbage'"'"' \(a nil value\)|near .garbage'
	check system/console-ctrl-c-drops-chunk has '^chunk dropped$'
	check system/console-attach-unknown-vm has '^no VM nope$'
	check system/console-bad-position-costs-only-output has $'^con\ttrue\ttrue\ttrue$'
	check system/console-reattach-after-reset has '^got: again$'
	check system/console-hyp-lines-through-monitor count 2 '^vitrine: VM echo powered off$'
	check system/console-qemu-exit-0 exited 0
}

# The Lua console over TCP (monitor-net: the virtio-net-pci function given to
# the monitor, its DMA through the SMMU into coloured RAM; QEMU user networking
# forwarding two free loopback ports).
# tests/net_client.py is the client; the UART types the same expressions, and
# one more line once the client is done (FLAG), then the client powers off.
NET_EXPRS=("2^10" "string.rep('ab', 3)" "error('boom')" "x = = 1" "1, 'two', nil"
	"#vm.list()" "trace.rings()[1].capacity" "vm.info('monitor').intids[1]")
feed_net() {
	printf '%s\n' "${NET_EXPRS[@]}"
	for _ in $(seq 600); do [ -e "$NET_FLAG" ] && break; sleep 0.2; done
	# The connections as the UART sees them; the client whose id is in $NET_FLAG.kick kicked.
	printf '%s\n' "for _, c in ipairs(net.clients()) do print('peer', c.service, c.address, c.port > 0, c.authenticated, c.idle >= 0, c.id > 0) end"
	printf 'net.kick(%s)\nnet.kick(99999)\n' "$(cat "$NET_FLAG.kick" 2>/dev/null)"
	printf '%s\n' "print('authcost', net.stats().auth_ticks)"
	printf 'print("uart-after", 6*7)\n'
	# If the client could not power off, the UART does (the checks then fail, not hang).
	for _ in $(seq 600); do [ -e "$NET_FLAG.done" ] && break; sleep 0.2; done
	sleep 1
	printf 'vitrine.poweroff()\n'
}

# The UART's answer to expression $1: the line after its echo (other VMs' lines skipped).
uart_answer() { awk -v e="lua> $1" '$0 == e {f = 1; next} f && !/^(\[|vitrine: )/ {print; exit}' "$LOG"; }

test_monitor_net() {
	local ports out i
	ports=$(free_ports)
	read -r NET_PORT NET_TRACE_PORT <<<"$ports"
	export NET_PORT NET_TRACE_PORT
	NET_FLAG=$O/test/monitor-net${MODE//\//.}.flag
	out=$O/test/monitor-net${MODE//\//.}.client
	rm -f "$NET_FLAG" "$NET_FLAG.done" "$NET_FLAG.kick"
	mkdir -p "$O/test"
	# The client watches the console log that boot() writes.
	python3 tests/net_client.py "$NET_PORT" "$NET_TRACE_PORT" "$O/net.key" "$NET_FLAG" \
		"$O/test/monitor-net${MODE//\//.}.log" "${NET_EXPRS[@]}" >"$out" 2>&1 &
	local client=$!
	FEED=feed_net boot monitor-net 240
	wait "$client"
	unset NET_PORT NET_TRACE_PORT
	check system/monitor-net-up has '^monitor: network 10\.0\.2\.15/24 via 10\.0\.2\.2, MAC '
	check system/monitor-net-over-pci has \
		'^vitrine: VM monitor: PCIe 00:03\.0: BAR 4 at 0x10000000 \(16 KiB\), INTA INTID 38, DMA through the SMMU$'
	check system/monitor-net-coloured has '^vitrine: VM monitor: colours 4-7: '
	check system/monitor-net-no-dma-fault lacks 'DMA fault'
	for name in banner state-own-global state-separate state-separate-after-set print-to-client \
		net-stats-interrupts no-attach-over-tcp continuation-prompt continued-chunk-runs error-carries-on eight-clients-answered \
		ninth-client-refused long-line-refused long-line-session-goes-on \
		garbage-then-valid-line ctrl-c-interrupts ctrl-c-session-goes-on lua-memory-capped \
		lua-memory-recovers others-after-disconnect slot-reused half-close-last-line \
		stream-after-auth console-after-stream \
		idle-unauthenticated-do-not-lock-out oldest-pending-dropped idle-unauthenticated-dropped \
		no-lua-before-auth-poweroff no-lua-before-auth-return still-up-after-unauthenticated \
		wrong-secret-refused recorded-session-ok replayed-answer-refused stream-demands-auth \
		net-clients-not-over-tcp net-kick-not-over-tcp kicked-from-uart others-after-kick \
		poweroff-over-tcp; do
		check "system/monitor-net-$name" grep -q "^ok $name\$" "$out"
	done
	for i in "${!NET_EXPRS[@]}"; do
		local want
		want=$(uart_answer "${NET_EXPRS[$i]}")
		check "system/monitor-net-same-answer-$i" \
			grep -qxF -- "answer $i ${want:-(no UART answer)}" "$out"
	done
	check system/monitor-net-print-not-on-uart lacks 'only-tcp-marker'
	check system/monitor-net-uart-after-tcp has $'^uart-after\t42$'
	check system/monitor-net-uart-clients-listed has $'^peer\tconsole\t10\.0\.2\.2\ttrue\ttrue\ttrue\ttrue$'
	check system/monitor-net-uart-kick-unknown has '^console:1: net.kick: no client 99999$'
	check system/monitor-net-seeded lacks 'no boot seed'
	check system/monitor-net-auth-cost has $'^authcost\t[1-9][0-9]*$'
	check system/monitor-net-neighbour-runs has '^\[hello\] bye$'
	check system/monitor-net-qemu-exit-0 exited 0
}

# What a hostile client or a careless operator does to the monitor, and that
# it serves on: recursion through C functions over TCP and on the UART (a Lua
# error each, tests/net_hostile.py), a state full to its cap that frees, a TCP
# chunk's budget, and the UART's Ctrl-C interrupting a TCP client's loop.
HOSTILE_GSUB="function f(s) return (string.gsub('x', 'x', f)) end return f('x')"
feed_hostile() {
	printf '%s\n' "$HOSTILE_GSUB" "print('uart-recursion', 6*7)" "print('budget', net.budget(3000))"
	for _ in $(seq 600); do [ -e "$NET_FLAG.budget" ] && break; sleep 0.2; done
	printf '%s\n' "print('budget', net.budget(600000))"
	for _ in $(seq 600); do [ -e "$NET_FLAG.loop" ] && break; sleep 0.2; done
	sleep 2
	printf '\003'
	printf '%s\n' "print('uart-wins', 6*7)"
	for _ in $(seq 600); do [ -e "$NET_FLAG.done" ] && break; sleep 0.2; done
	printf 'vitrine.poweroff()\n'
}

test_monitor_hostile() {
	local out name
	read -r NET_PORT NET_TRACE_PORT <<<"$(free_ports)"
	export NET_PORT NET_TRACE_PORT
	NET_FLAG=$O/test/monitor-hostile${MODE//\//.}.flag
	out=$O/test/monitor-hostile${MODE//\//.}.client
	rm -f "$NET_FLAG".*
	mkdir -p "$O/test"
	python3 tests/net_hostile.py "$NET_PORT" "$O/net.key" "$NET_FLAG" "$O/test/monitor-net${MODE//\//.}.log" >"$out" 2>&1 &
	local client=$!
	FEED=feed_hostile boot monitor-net 240
	wait "$client"
	unset NET_PORT NET_TRACE_PORT
	for name in format gsub concat; do
		check "system/hostile-recursion-$name-error" grep -q "^ok recursion-$name-error\$" "$out"
		check "system/hostile-recursion-$name-goes-on" grep -q "^ok recursion-$name-goes-on\$" "$out"
	done
	for name in recursion-new-client recursion-within-stack full-state-capped full-state-frees \
		full-state-collects budget-uart-only budget-set-from-uart budget-interrupts budget-goes-on \
		budget-long-from-uart uart-ctrl-c-interrupts uart-ctrl-c-goes-on; do
		check "system/hostile-$name" grep -q "^ok $name\$" "$out"
	done
	check system/hostile-uart-recursion-error has '^C stack overflow$'
	check system/hostile-uart-recursion-goes-on has $'^uart-recursion\t42$'
	check system/hostile-uart-ctrl-c-said has "^\^C: TCP client [0-9]+'s chunk interrupted$"
	check system/hostile-uart-line-after-ctrl-c has $'^uart-wins\t42$'
	check system/hostile-monitor-not-restarted count 1 '^monitor: Lua 5\.4\.4 console'
	check system/hostile-qemu-exit-0 exited 0
}

# The guard below the monitor's C stack, in a monitor built with Lua's C-call
# limit far past what its stack holds: the recursion Lua would stop runs into
# the guard page, the hypervisor restarts the monitor, and its UART answers.
test_monitor_guard() {
	local o=$O/guard guard far
	if ! make -s O="$o" MON_LUA_CCALLS=100000 CONFIG=monitor >"$O/test/guard-build.log" 2>&1; then
		fail system/guard-build "see $O/test/guard-build.log"
		return
	fi
	O=$o boot monitor 120 "print(string.format('guard 0x%x', vitrine.stack().guard))
$HOSTILE_GSUB
print('after-guard', vm.info('monitor').resets, 6*7)
vitrine.poweroff()
"
	guard=$(sed -n 's/^guard 0x\([0-9a-f]*\)$/\1/p' "$LOG" | head -1)
	far=$(sed -n 's/^vitrine: VM monitor vCPU 0: exception the guest could not handle .*FAR 0x\([0-9a-f]*\)).*/\1/p' "$LOG")
	check system/guard-fault-restarts has \
		'^vitrine: VM monitor vCPU 0: exception the guest could not handle at PC 0x[0-9a-f]+ \(ESR_EL1 0x9[67][0-9a-f]+, FAR 0x[0-9a-f]+\): restarting the VM$'
	check system/guard-fault-in-guard-page test -n "$guard" -a -n "$far" -a "$((0x${far:-0} >> 12))" = "$((0x${guard:-1} >> 12))"
	check system/guard-restart-said has '^vitrine: VM monitor reset$'
	check system/guard-uart-answers has $'^after-guard\t1\t42$'
	check system/guard-qemu-exit-0 exited 0
}

# A legacy virtio-mmio device is refused with a message; the UART console runs on.
# Without the device's page (the plain monitor config) there is no network at all.
# Without a boot seed the network comes up, saying what that costs. A
# virtio-net-pci function whose DMA QEMU would not send through the SMMU
# (no iommu_platform=on: no ACCESS_PLATFORM) is refused.
test_monitor_net_legacy() {
	local in=$'s = net.stats() print(\'netup\', s.up, s.clients)\nvitrine.poweroff()\n'
	QEMU_ARGS="$QEMU_ARGS -global virtio-mmio.force-legacy=true" boot monitor-net-mmio 60 "$in"
	check system/monitor-net-legacy-refused has \
		'^monitor: no network: the virtio-mmio device is legacy \(version 1\): run QEMU with -global virtio-mmio.force-legacy=false$'
	check system/monitor-net-legacy-console-runs has $'^netup\tfalse\t0$'
	check system/monitor-net-legacy-qemu-exit-0 exited 0
	boot monitor 60 "$in"
	check system/monitor-no-device-no-network has $'^netup\tfalse\t0$'
	check system/monitor-no-device-says-nothing lacks 'network'
	# QEMU run by hand, without scripts/run.sh and so without a boot seed: the monitor
	# says that its challenges may repeat across boots, and serves on.
	LOG=$O/test/monitor-net-unseeded${MODE//\//.}.log
	# shellcheck disable=SC2086 # QEMU_ARGS is a list of arguments
	printf %s "$in" | timeout -k 5 60 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu cortex-a53 -smp 4 -m 1G -nographic -nic none -kernel "$O/monitor-net-mmio/vitrine.elf" \
		-netdev user,id=n0 -device virtio-net-device,netdev=n0 -global virtio-mmio.force-legacy=false \
		$QEMU_ARGS >"$LOG" 2>&1
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
	check system/monitor-net-unseeded-says-so has \
		'^monitor: no boot seed was passed \(QEMU run without scripts/run.sh\): network challenges may repeat'
	check system/monitor-net-unseeded-serves has $'^netup\ttrue\t0$'
	check system/monitor-net-unseeded-qemu-exit-0 exited 0
	LOG=$O/test/monitor-net-pci-bypass${MODE//\//.}.log
	# shellcheck disable=SC2086 # QEMU_ARGS is a list of arguments
	printf %s "$in" | timeout -k 5 60 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,iommu=smmuv3 \
		-cpu cortex-a53 -smp 4 -m 1G -nographic -nic none -kernel "$O/monitor-net/vitrine.elf" -netdev user,id=n0 \
		-device virtio-net-pci,netdev=n0,addr=03.0,disable-legacy=on,vectors=0,romfile= $QEMU_ARGS >"$LOG" 2>&1
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
	check system/monitor-net-pci-bypass-refused has \
		'^monitor: no network: the virtio PCI function does not offer ACCESS_PLATFORM: its DMA would bypass the SMMU'
	check system/monitor-net-pci-bypass-console-runs has $'^netup\tfalse\t0$'
	check system/monitor-net-pci-bypass-qemu-exit-0 exited 0
}

# The console and the trace stream over virtio-mmio (configs/monitor-net-mmio.cfg:
# the one config that keeps it, the monitor's RAM at IPA == PA, `dma unconfined`).
test_monitor_net_mmio() {
	local cport sport pid out vc=$O/host/vitrine
	read -r cport sport <<<"$(free_ports)"
	net_system monitor-net-mmio monitor-net-mmio
	check system/monitor-net-mmio-eval-answers test "$out" = 42
	"$vc" record --seconds 3 --port "$sport" -o "$O/test/net-mmio.perfetto-trace" >"$O/test/net-mmio-record.out" 2>&1
	check system/monitor-net-mmio-record-summary grep -Eq '^recorded [1-9][0-9]* events, [0-9]+ lost, in [0-9.]+ s$' "$O/test/net-mmio-record.out"
	check system/monitor-net-mmio-record-valid "$O/host/vtrace" check-perfetto "$O/test/net-mmio.perfetto-trace"
	"$vc" eval --port "$cport" 'vitrine.poweroff()' >/dev/null 2>&1
	wait "$pid"
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
	check system/monitor-net-mmio-no-pci lacks 'PCIe'
	check system/monitor-net-mmio-qemu-exit-0 exited 0
}

# The vitrine client against the networked monitor: `vitrine eval`
# over the Lua console (TCP 5555) and `vitrine record` of the trace stream
# (TCP 5556), through QEMU's user networking on two free loopback ports.
test_vitrine_net() {
	local cport sport pid out vc=$O/host/vitrine
	read -r cport sport <<<"$(free_ports)"
	net_system monitor-net vitrine-net
	check system/vitrine-eval-answers test "$out" = 42
	check system/vitrine-net-over-pci has '^vitrine: VM monitor: PCIe 00:03\.0: BAR 4 at '
	"$vc" eval --port "$cport" "error('boom')" >"$O/test/net-eval.out" 2>&1
	check system/vitrine-eval-lua-error-exit-1 test $? = 1
	# Another secret than the system's: refused, exit status 4, and said so.
	od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n' >"$O/test/wrong.key"
	"$vc" eval --key "$O/test/wrong.key" --port "$cport" 'print(6*7)' >"$O/test/net-wrong.out" 2>&1
	check system/vitrine-wrong-key-exit-4 test $? = 4
	check system/vitrine-wrong-key-said grep -q 'refused the key .*wrong answer to the challenge' "$O/test/net-wrong.out"
	check system/vitrine-wrong-key-no-answer sh -c "! grep -q '^42$' '$O/test/net-wrong.out'"
	VITRINE_KEY=$O/test/wrong.key "$vc" record --seconds 1 --port "$sport" -o "$O/test/net-wrong.perfetto-trace" >"$O/test/net-wrong-rec.out" 2>&1
	check system/vitrine-record-wrong-key-exit-4 test $? = 4
	"$vc" record --seconds 3 --port "$sport" -o "$O/test/net.perfetto-trace" >"$O/test/net-record.out" 2>&1
	check system/vitrine-record-exit-0 test $? = 0
	check system/vitrine-record-summary grep -Eq '^recorded [1-9][0-9]* events, [0-9]+ lost, in [0-9.]+ s$' "$O/test/net-record.out"
	check system/vitrine-record-check-perfetto "$O/host/vtrace" check-perfetto "$O/test/net.perfetto-trace"
	check system/vitrine-record-protoc sh -c "protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto <'$O/test/net.perfetto-trace' >/dev/null"
	# Ctrl-C in the middle of a recording: a complete, valid file and the summary.
	"$vc" record --seconds 60 --port "$sport" -o "$O/test/net-int.perfetto-trace" >"$O/test/net-int.out" 2>&1 &
	local rec=$!
	sleep 2
	kill -INT "$rec"
	wait "$rec"
	check system/vitrine-record-ctrl-c-exit-0 test $? = 0
	check system/vitrine-record-ctrl-c-summary grep -Eq '^recorded [1-9][0-9]* events, [0-9]+ lost, in [0-9.]+ s$' "$O/test/net-int.out"
	check system/vitrine-record-ctrl-c-valid "$O/host/vtrace" check-perfetto "$O/test/net-int.perfetto-trace"
	"$vc" top --interval 0.5 --rounds 2 --port "$cport" >"$O/test/net-top.out" 2>&1
	check system/vitrine-top-rows grep -Eq '^0 +monitor +running +[0-9]+ +[0-9]+ +0$' "$O/test/net-top.out"
	# Exact counts: with every class masked nothing more is written, so the
	# stream must deliver what the rings hold, up to half a flight ring each
	# (where a stream starts), less what it reports lost.
	out=$("$vc" eval --port "$cport" "trace.enable{} n = 0 for _, r in ipairs(trace.stats()) do n = n + (r.mode == 'flight' and math.min(r.fill, r.capacity // 2) or r.fill) end print(n)")
	"$vc" record --seconds 2 --port "$sport" -o "$O/test/net2.perfetto-trace" >"$O/test/net-record2.out" 2>&1
	check system/vitrine-record-counts-equal-monitor sh -c "sed -nE 's/^recorded ([0-9]+) events, ([0-9]+) lost, .*/\1 \2/p' '$O/test/net-record2.out' |
		awk -v f='$out' '{ exit !(\$1 + \$2 == f && f > 0) }'"
	"$vc" eval --port "$cport" 'vitrine.poweroff()' >/dev/null 2>&1
	wait "$pid"
	STATUS=$?
	check system/vitrine-net-qemu-exit-0 exited 0
}


# GDB on the dbgtarget guest (configs/debug-net.cfg) through the monitor's
# GDB server, the way a user runs it: `vitrine gdb` execs gdb-multiarch,
# whose remote is `vitrine gdb-relay` (the handshake, then the bytes). A
# breakpoint hit, the backtrace and PC, the global read and written (the
# guest says so once it runs on), a step, detach, and the guest runs to its
# end. Its two vCPUs as threads, FP and system registers against what the
# guest set, a V register written, and `monitor` Lua commands. Before that, a raw client
# (tests/gdb_hostile.py) sends bad checksums, a huge packet, garbage,
# binary writes with escapes and malformed ones, monitor commands that
# fail, loop or print too much, and continues that stop at once, are
# interrupted twice, get garbage or lose their client, and the server answers on.
test_monitor_gdb() {
	local cport sport gport pid vc=$O/host/vitrine elf=$O/guests/dbgtarget.elf tick out vbar counter
	if ! command -v gdb-multiarch >/dev/null; then
		echo "SKIP system/monitor-gdb$MODE: no gdb-multiarch (scripts/deps.sh installs it)"
		return
	fi
	read -r cport sport gport <<<"$(free_ports 3)"
	tick=$(aarch64-linux-gnu-nm "$elf" | awk '$3 == "dbg_tick" { print $1 }')
	vbar=$(aarch64-linux-gnu-nm "$elf" | awk '$3 == "rt_vectors" { print $1 }')
	counter=$(aarch64-linux-gnu-nm "$elf" | awk '$3 == "dbg_counter" { print $1 }')
	mkdir -p "$O/test"
	LOG=$O/test/monitor-gdb${MODE//\//.}.log
	out=$O/test/monitor-gdb${MODE//\//.}.out
	# The UART types nothing (stdin at EOF): the system stays up until the client powers it off.
	# shellcheck disable=SC2086 # QEMU_ARGS is a list of arguments
	NET_PORT=$cport NET_TRACE_PORT=$sport NET_GDB_PORT=$gport timeout -k 5 180 \
		scripts/run.sh "$O/debug-net/vitrine.elf" $QEMU_ARGS </dev/null >"$LOG" 2>&1 &
	pid=$!
	for _ in $(seq 120); do
		"$vc" eval --port "$cport" 'print(6*7)' >/dev/null 2>&1 && break
		sleep 0.5
	done
	python3 tests/gdb_hostile.py "$gport" "$O/net.key" dbgtarget "$counter" >"$out.raw" 2>&1
	for c in unknown-vm-refused attached one-session-per-vm ack-and-stop-reply bad-checksum-nak \
		no-checksum-nak huge-packet-nak registers-after-garbage unmapped-read-e14 bad-length-e01 \
		no-such-register-e01 unknown-empty x-escaped-write x-malformed-e01 x-probe-ok m-restored \
		rcmd-output rcmd-error rcmd-loop-ctrl-c rcmd-huge-output-cut rcmd-bad-hex-e01 \
		rcmd-state-kept detach-ok serves-on cont-attached cont-stop-at-once-reported cont-hw-removed \
		cont-ctrl-c-twice-one-stop cont-garbage-then-ctrl-c cont-lost-client-reattach cont-detach-ok; do
		check "system/monitor-gdb-raw-$c" grep -qx "ok $c" "$out.raw"
	done
	check system/monitor-gdb-raw-all-reached sh -c "! grep -q '^bad' '$out.raw'"
	timeout -k 5 120 "$vc" gdb dbgtarget --port "$gport" -- -batch -nx \
		-ex 'break dbg_tick' -ex continue -ex bt -ex 'info registers pc' \
		-ex 'print dbg_counter > 0' -ex 'set var dbg_counter = 999999990' -ex 'print dbg_counter' \
		-ex stepi -ex 'print $pc == dbg_tick + 4' -ex 'info threads' \
		-ex 'info registers fpsr' -ex 'print/x $v31.q.u' -ex 'print/x $vbar_el1' \
		-ex 'set $v31.d.u[0] = 0x55' -ex 'print/x $v31.d.u' \
		-ex 'monitor x = 41' -ex 'monitor print("rcmd:", x + 1, vm.info("dbgtarget").state)' \
		-ex 'monitor error("boom")' -ex detach "$elf" >"$out" 2>&1
	check system/monitor-gdb-exit-0 test $? = 0
	check system/monitor-gdb-breakpoint-hit grep -Eq '^Thread 1 hit Breakpoint 1, dbg_tick \(\) at guests/dbgtarget/dbgtarget.c' "$out"
	check system/monitor-gdb-backtrace grep -Eq '^#1 +0x[0-9a-f]+ in main ' "$out"
	check system/monitor-gdb-pc grep -Eq "^pc +0x0*${tick#"${tick%%[!0]*}"} " "$out"
	check system/monitor-gdb-read-global grep -qx '\$1 = 1' "$out"
	check system/monitor-gdb-written-global grep -qx '\$2 = 999999990' "$out"
	check system/monitor-gdb-stepi grep -qx '\$3 = 1' "$out"
	check system/monitor-gdb-thread-1 grep -Eq '^\* 1 +Thread 1 .*dbg_tick' "$out"
	check system/monitor-gdb-thread-2 grep -Eq '^  2 +Thread 2 .* rt_relax \(\) at guests/rt/aarch64/rt_arch.h' "$out"
	check system/monitor-gdb-fpsr grep -Eq '^fpsr +0x8000011 ' "$out"
	check system/monitor-gdb-v-register grep -qx '\$4 = {0xfedcba98765432100123456789abcdef}' "$out"
	check system/monitor-gdb-sysreg grep -qx "\\\$5 = 0x${vbar#"${vbar%%[!0]*}"}" "$out"
	check system/monitor-gdb-v-written grep -qx '\$6 = {0x55, 0xfedcba9876543210}' "$out"
	check system/monitor-gdb-monitor-cmd grep -Eqx 'rcmd:\s+42\s+paused' "$out"
	check system/monitor-gdb-monitor-error grep -q 'boom' "$out"
	check system/monitor-gdb-detached grep -q '^\[Inferior 1 (Remote target) detached\]' "$out"
	for _ in $(seq 120); do has 'dbgtarget: done at' && break; sleep 0.5; done
	check system/monitor-gdb-written-seen has 'dbgtarget\] dbgtarget: counter jumped to 999999991'
	check system/monitor-gdb-runs-on has 'dbgtarget\] dbgtarget: done at 1000000000'
	check system/monitor-gdb-console-serves sh -c "test \"\$('$vc' eval --port '$cport' 'print(6*7)')\" = 42"
	"$vc" eval --port "$cport" 'vitrine.poweroff()' >/dev/null 2>&1
	wait "$pid"
	STATUS=$?
	check system/monitor-gdb-no-fault lacks 'unexpected exception|stopping the VM'
	check system/monitor-gdb-qemu-exit-0 exited 0
}

# gdb on Linux (configs/debug-linux.cfg), once its shell is up. Debian's
# real System.map comes only in an 800 MB debug package, so the addresses
# are the running kernel's own: _stext and _etext from /proc/kallsyms in its
# shell (right under KASLR too). Its kallsyms has no data symbols (no
# CONFIG_KALLSYMS_ALL) and nothing below _stext: the Image starts at _text,
# 64 KiB below _stext (arm64's vmlinux.lds.S: .head.text, then .text at
# SEGMENT_ALIGN), and linux_banner is the Image's last "Linux version "
# (init/version.c's weak copy comes first; the one linked, from
# init/version-timestamp.o, is linked last). gdb
# attaches without an ELF (the target description says aarch64): the PC
# it shows is in the kernel's text and linux_banner reads "Linux version";
# a raw client then continues the VM and stops it with a Ctrl-C; after the
# detach the shell answers and Linux powers off.
feed_gdb_linux() {
	local syms stext etext banner
	wait_log 'vitrine-linux: userspace up' 240 || return
	sleep 2
	printf 'console linux\r'
	wait_log 'console: attached to linux' || return
	sleep 1
	printf '%s\r' "grep -E ' (_stext|_etext)\$' /proc/kallsyms"
	wait_log ' _etext' || return
	sleep 1
	syms=$(render <"$LOG")
	stext=$(awk '$NF == "_stext" { print "0x" $(NF - 2) }' <<<"$syms")
	etext=$(awk '$NF == "_etext" { print "0x" $(NF - 2) }' <<<"$syms")
	banner=$(printf '0x%x' $((stext - 0x10000 + $(grep -boa 'Linux version ' "$O/linux/Image" | tail -n 1 | cut -d: -f1))))
	echo "$stext $etext $banner" >"$GDB_OUT.syms"
	timeout -k 5 120 "$O/host/vitrine" gdb linux --port "$NET_GDB_PORT" -- -batch -nx \
		-ex 'info registers pc' -ex "print \$pc >= $stext && \$pc < $etext" \
		-ex "x/s $banner" -ex detach >"$GDB_OUT" 2>&1
	python3 tests/gdb_hostile.py "$NET_GDB_PORT" "$O/net.key" linux --interrupt >"$GDB_OUT.raw" 2>&1
	printf 'echo after-gdb-$((6*7))\r'
	wait_log 'after-gdb-42' || return
	printf 'poweroff -f\r'
	wait_log 'VM linux powered off' || return
	sleep 1
	printf '\x1d'
	wait_log 'console: left linux' || return
	printf 'vitrine.poweroff()\r'
	sleep 5
}

test_monitor_gdb_linux() {
	local -a syms=()
	if ! command -v gdb-multiarch >/dev/null; then
		echo "SKIP system/monitor-gdb-linux$MODE: no gdb-multiarch (scripts/deps.sh installs it)"
		return
	fi
	read -r NET_PORT NET_TRACE_PORT NET_GDB_PORT <<<"$(free_ports 3)"
	GDB_OUT=$O/test/monitor-gdb-linux${MODE//\//.}.out
	export NET_PORT NET_TRACE_PORT NET_GDB_PORT GDB_OUT
	rm -f "$GDB_OUT" "$GDB_OUT.syms" "$GDB_OUT.raw"
	FEED=feed_gdb_linux boot debug-linux 360
	unset NET_PORT NET_TRACE_PORT NET_GDB_PORT
	read -r -a syms <"$GDB_OUT.syms" 2>/dev/null
	check system/monitor-gdb-linux-symbols test "${#syms[@]}" = 3
	check system/monitor-gdb-linux-pc-shown grep -Eq '^pc +0xffff[0-9a-f]{12} ' "$GDB_OUT"
	check system/monitor-gdb-linux-pc-in-text grep -qx '\$1 = 1' "$GDB_OUT"
	check system/monitor-gdb-linux-banner grep -Eq "^0x0*${syms[2]#0x}:\s+\"Linux version " "$GDB_OUT"
	check system/monitor-gdb-linux-detached grep -q '^\[Inferior 1 (Remote target) detached\]' "$GDB_OUT"
	for c in interrupt-attached interrupt-stops interrupt-detach-ok; do
		check "system/monitor-gdb-linux-$c" grep -qx "ok $c" "$GDB_OUT.raw"
	done
	check system/monitor-gdb-linux-answers-after has '^after-gdb-42$'
	check system/monitor-gdb-linux-poweroff has '^vitrine: VM linux powered off$'
	check system/monitor-gdb-linux-no-panic lacks 'Kernel panic|unexpected exception'
	check system/monitor-gdb-linux-qemu-exit-0 exited 0
}

# The neighbours of a debugged VM run undisturbed (configs/debug-timer.cfg,
# under -icount, where lateness is emulated time): the timer guest's
# interrupts, beside dbgtarget stopped all through the timer's run, once by
# vm.pause and once held at a breakpoint by a debug session. (Left to run,
# dbgtarget's loop, which never yields, would itself starve the timer under
# -icount.) With the session the worst lateness must stay within 10 us of
# the run without: a stalled neighbour would be late by the whole hold. Then
# dbgtarget is brought to its end (the counter written) and all is off.
timer_worst() { sed -n 's/^\[timer\] timer: .* lateness .* max \([0-9]*\) ticks$/\1/p' "$LOG"; }
test_monitor_debug_neighbour() {
	local elf=$O/guests/dbgtarget.elf tick counter without with wait end
	tick=0x$(aarch64-linux-gnu-nm "$elf" | awk '$3 == "dbg_tick" { print $1 }')
	counter=0x$(aarch64-linux-gnu-nm "$elf" | awk '$3 == "dbg_counter" { print $1 }')
	wait=$'while vm.info(\'timer\').state ~= \'off\' do end print(\'timer done\', vm.info(\'dbgtarget\').state)\n'
	end="dbg.attach('dbgtarget') dbg.write('dbgtarget', $counter, string.pack('<I8', 999999998)) dbg.detach('dbgtarget')"$'\n'
	end+=$'while vm.info(\'dbgtarget\').state ~= \'off\' do end\nvitrine.poweroff()\n'
	boot debug-timer 120 $'vm.pause(\'dbgtarget\')\n'"$wait$end"
	without=$(timer_worst)
	check system/monitor-debug-neighbour-paused-ok has '^\[timer\] timer: ok$'
	check system/monitor-debug-neighbour-paused-qemu-exit-0 exited 0
	boot debug-timer 120 "dbg.attach('dbgtarget') dbg.brk('dbgtarget', $tick) dbg.cont('dbgtarget') s = dbg.wait('dbgtarget', 20000) print('held', s.reason, s.pc == $tick)"$'\n'"$wait$end"
	with=$(timer_worst)
	echo "monitor-debug-neighbour: the timer's worst lateness beside dbgtarget paused: $without ticks; held at a breakpoint: $with ticks"
	check system/monitor-debug-neighbour-held has $'^held\tbreak\ttrue$'
	check system/monitor-debug-neighbour-held-throughout has $'^timer done\tpaused$'
	check system/monitor-debug-neighbour-ok has '^\[timer\] timer: ok$'
	# 625 ticks of the 62.5 MHz counter: 10 us
	check system/monitor-debug-neighbour-not-later test -n "$with" -a -n "$without" -a "${with:-0}" -le $((${without:-0} + 625))
	check system/monitor-debug-neighbour-qemu-exit-0 exited 0
}

# dbg on the dbgtarget guest (configs/debug.cfg), at addresses from its ELF:
# a breakpoint whose callback lets two hits pass, the third stops it; PC,
# LR and a global read by VA; the global written (the guest says so once it
# runs on); a step; no breakpoint left once detached, and the guest runs
# to its end. Unmapped and device addresses, an EL2 PSTATE, the monitor
# itself and calls by the guest are all refused.
test_monitor_debug() {
	local elf=$O/guests/dbgtarget.elf in tick counter main store
	sym() { printf '0x%s' "$(aarch64-linux-gnu-nm "$elf" | awk -v s="$1" '$3 == s { print $1 }')"; }
	tick=$(sym dbg_tick) counter=$(sym dbg_counter) main=$(sym main)
	# The store to the emulated UART in rt_putc (or in rt_printf, where the compiler inlines
	# it): an instruction the hypervisor emulates
	store=0x$(aarch64-linux-gnu-objdump -d "$elf" | awk '/^[0-9a-f]+ <rt_(putc|printf)>:/ { on = 1; next }
		/^[0-9a-f]+ </ { on = 0 }
		on && $3 == "str" && $4 ~ /^w/ && $5 ~ /^\[x[0-9]+\]$/ { sub(":", "", $1); print $1; exit }')
	# dbg_tick's first instruction, as the ELF has it: what a breakpoint hides and gives back
	insn=$(aarch64-linux-gnu-objdump -d "$elf" --start-address="$tick" --stop-address=$((tick + 4)) | awk '/^ +[0-9a-f]+:/ { print $2 }')
	in=$'while vm.info(\'dbgtarget\').vcpus[1].state ~= \'running\' do end\n'
	in+=$'dbg.attach(\'dbgtarget\') s = dbg.status(\'dbgtarget\') print(\'attached\', s.stopped, s.reason)\n'
	# A pause right behind a resume finds vCPUs waking from their hold (in a session, putting
	# their registers back): each must be held again, none lost (a lost one would leave the
	# next pause waiting for good).
	in+=$'for _ = 1, 3000 do vm.resume(\'dbgtarget\') vm.pause(\'dbgtarget\') end print(\'churn\', vm.info(\'dbgtarget\').state, dbg.status(\'dbgtarget\').stopped)\n'
	in+="hits = 0 print('brk', dbg.brk('dbgtarget', $tick, function(s) hits = hits + 1 return hits < 3 end) == $tick)"$'\n'
	in+=$'dbg.cont(\'dbgtarget\') s = dbg.wait(\'dbgtarget\', 20000)\n'
	in+="print('hit', s.reason, s.vcpu, s.pc == $tick, hits, dbg.reg('dbgtarget', 'pc') == $tick)"$'\n'
	in+="n = 0 for _, r in ipairs(trace.read{cpu=1, events='vcpu_state'}.records) do if r.a == 3 and r.b == $tick and r.c == 2 then n = n + 1 end end print('traced', n)"$'\n'
	in+="lr = dbg.reg('dbgtarget', 'x30') print('lr in main', lr > $main and lr < $main + 0x400)"$'\n'
	in+="c = string.unpack('<I8', dbg.read('dbgtarget', $counter, 8)) print('counter read', c >= 2)"$'\n'
	in+="print('translate', dbg.translate('dbgtarget', $counter) == $counter)"$'\n'
	in+="print('write', dbg.write('dbgtarget', $counter, string.pack('<I8', 999999998)))"$'\n'
	in+="print('by ipa', string.unpack('<I8', dbg.read('dbgtarget', $counter, 8, 'ipa')))"$'\n'
	in+="print('code shown', string.format('%x', string.unpack('<I4', dbg.read('dbgtarget', $tick, 4))))"$'\n'
	in+=$'dbg.setreg(\'dbgtarget\', \'v31hi\', 0x5654) r = dbg.regs(\'dbgtarget\') print(\'fp set\', r.v31hi, r.v31lo, r.fpcr)\n'
	in+="r, pc = dbg.step('dbgtarget') print('step', r, pc == $tick + 4, dbg.reg('dbgtarget', 'x0') == ($counter & ~0xfff))"$'\n'
	in+=$'print(\'fp kept\', dbg.reg(\'dbgtarget\', \'v31hi\'))\n'
	in+=$'print(\'unmapped\', dbg.read(\'dbgtarget\', 0x200000000, 8))\n'
	in+=$'print(\'device\', dbg.read(\'dbgtarget\', 0x09000000, 4, \'ipa\'))\n'
	in+=$'print(\'el2\', pcall(dbg.setreg, \'dbgtarget\', \'cpsr\', 0x3c9))\n'
	in+=$'print(\'self\', pcall(dbg.attach, \'monitor\'))\n'
	in+="dbg.unbrk('dbgtarget', $tick) print('restored', string.format('%x', string.unpack('<I4', dbg.read('dbgtarget', $tick, 4, 'ipa'))))"$'\n'
	# The counter written above makes it print: a step over the UART store stops right after it.
	# The guest reaches the store long before the busy loop ends: a stop that comes between
	# dbg.cont and dbg.wait is still the one dbg.wait reports.
	in+="dbg.brk('dbgtarget', $store) dbg.cont('dbgtarget') for _ = 1, 1000000 do end s = dbg.wait('dbgtarget', 20000) r, pc = dbg.step('dbgtarget')"$'\n'
	in+="print('mmio step', s.pc == $store, r, pc == $store + 4) dbg.unbrk('dbgtarget', $store)"$'\n'
	in+="dbg.hwbrk('dbgtarget', $tick) dbg.cont('dbgtarget') s = dbg.wait('dbgtarget', 20000) print('hw', s.reason, s.pc == $tick)"$'\n'
	in+="dbg.unhwbrk('dbgtarget', $tick) dbg.watch('dbgtarget', $counter, 8) dbg.cont('dbgtarget') s = dbg.wait('dbgtarget', 20000)"$'\n'
	in+="print('watch', s.reason, s.pc > $tick and s.pc < $tick + 0x20, s.addr == $counter) dbg.unwatch('dbgtarget', $counter)"$'\n'
	# A reset reloads the image: the breakpoint is written in again and stops the new run
	# (perhaps before vm.reset returns: the stop count, not dbg.wait, tells).
	in+="dbg.brk('dbgtarget', $tick) n = dbg.status('dbgtarget').stops vm.reset('dbgtarget')"$'\n'
	in+="t = 0 repeat s = dbg.status('dbgtarget') t = t + 1 until (s.stops > n and s.stopped) or t > 1000000"$'\n'
	in+="print('reset re-armed', s and s.reason, s and s.pc == $tick, vm.info('dbgtarget').resets)"$'\n'
	# A new session starts with no stop of its own, whatever the last one's was.
	in+=$'dbg.detach(\'dbgtarget\') dbg.attach(\'dbgtarget\') s = dbg.status(\'dbgtarget\') print(\'reattached\', s.reason, s.stopped)\n'
	in+="dbg.write('dbgtarget', $counter, string.pack('<I8', 999999998))"$'\n'
	in+=$'dbg.detach(\'dbgtarget\') print(\'after detach\', pcall(dbg.reg, \'dbgtarget\', \'pc\'))\n'
	in+=$'while vm.info(\'dbgtarget\').state ~= \'off\' do end print(\'guest ended\')\n'
	in+=$'vitrine.poweroff()\n'
	boot debug 120 "$in"
	check system/monitor-debug-guest-refused has '^\[dbgtarget\] dbgtarget: attach itself: -4, status: -4$'
	check system/monitor-debug-pause-resume-churn has $'^churn\tpaused\ttrue$'
	check system/monitor-debug-attach-stops has $'^attached\ttrue\tnone$'
	check system/monitor-debug-brk has $'^brk\ttrue$'
	check system/monitor-debug-hit-after-callbacks has $'^hit\tbreak\t0\ttrue\t3\ttrue$'
	check system/monitor-debug-hits-traced has $'^traced\t3$'
	check system/monitor-debug-lr has $'^lr in main\ttrue$'
	check system/monitor-debug-read-va has $'^counter read\ttrue$'
	check system/monitor-debug-translate has $'^translate\ttrue$'
	check system/monitor-debug-write-va has $'^write\ttrue$'
	check system/monitor-debug-read-ipa has $'^by ipa\t999999998\t9$'
	check system/monitor-debug-brk-hidden has "^code shown	$insn$"
	check system/monitor-debug-step has $'^step\tstep\ttrue\ttrue$'
	check system/monitor-debug-fp-set has $'^fp set\t22100\t81985529216486895\t0$' # v31's low half: dbgtarget's
	check system/monitor-debug-fp-kept has $'^fp kept\t22100$'
	check system/monitor-debug-unmapped-va has $'^unmapped\tnil\t0x200000000: not mapped to the VM\'s RAM$'
	check system/monitor-debug-device-ipa has $'^device\tnil\t0x9000000: not mapped to the VM\'s RAM$'
	check system/monitor-debug-el2-pstate-refused has $'^el2\tfalse\tdbg.setreg: invalid argument.*\\(-3\\)$'
	check system/monitor-debug-monitor-itself has $'^self\tfalse\tdbg.attach: invalid argument.*\\(-3\\)$'
	check system/monitor-debug-step-over-mmio has $'^mmio step\ttrue\tstep\ttrue$'
	check system/monitor-debug-hw-breakpoint has $'^hw\thw\ttrue$'
	check system/monitor-debug-watchpoint has $'^watch\twatch\ttrue\ttrue$'
	check system/monitor-debug-reset-re-armed has $'^reset re-armed\tbreak\ttrue\t1$'
	check system/monitor-debug-reattached-no-stop has $'^reattached\tnone\ttrue$'
	check system/monitor-debug-insn-restored has "^restored	$insn$"
	check system/monitor-debug-detached has $'^after detach\tfalse\tdbg.reg: refused.*\\(-4\\)$'
	check system/monitor-debug-written-seen has '^\[dbgtarget\] dbgtarget: counter jumped to 999999999$'
	check system/monitor-debug-runs-on has '^\[dbgtarget\] dbgtarget: done at 1000000000$'
	check system/monitor-debug-guest-ended has '^guest ended$'
	check system/monitor-debug-no-fault lacks 'unexpected exception|stopping the VM'
	check system/monitor-debug-qemu-exit-0 exited 0
}

# A VM the config does not grant (`debug`) is refused while it runs.
test_monitor_debug_not_granted() {
	local in
	in=$'while vm.info(\'timer\').vcpus[1].state ~= \'running\' do end\n'
	in+=$'print(\'attach\', pcall(dbg.attach, \'timer\'))\n'
	in+=$'print(\'state\', vm.info(\'timer\').state)\n'
	in+=$'vitrine.poweroff()\n'
	boot monitor-timer 60 "$in"
	check system/monitor-debug-not-granted has $'^attach\tfalse\tdbg.attach: refused: the VM is not granted `debug`.*\\(-4\\)$'
	check system/monitor-debug-not-granted-runs has $'^state\trunning$'
	check system/monitor-debug-not-granted-qemu-exit-0 exited 0
}
