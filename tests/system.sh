#!/usr/bin/env bash
# QEMU system tests: boot real configs and check what the console shows.
# Every run is under a timeout; a hang is a failure, never a stuck CI.
set -u
O=${O:-out}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/system-monitor.sh"
. "$(dirname "$0")/system-membw.sh"
. "$(dirname "$0")/trace/tp.sh"

test_basic() {
	boot basic
	check_basic system EL2
}

# Three VMs on disjoint, exclusive colours: every frame of each in its own
# colours (the hypervisor's walk of their stage-2 tables), and they run.
test_colors() {
	local in f
	boot colors3
	check system/colors-walk-a has '^vitrine: VM a: colours 0-3,14-15: 4112 coloured frames mapped, 0 outside their colours$'
	check system/colors-walk-b has '^vitrine: VM b: colours 4-7,14-15: 4112 coloured frames mapped, 0 outside their colours$'
	check system/colors-hypervisor-in-its-colours has '^vitrine: hypervisor: colours 12-13: [0-9]+ frames of its image \(page tables included\), 0 outside their colours$'
	check system/colors-rings-in-their-colours has '^vitrine: trace rings: colours 14-15: 516 frames mapped at EL2, 0 outside their colours$'
	check system/colors-rings-in-el2-map has '^vitrine: EL2 map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 2064 KiB coloured trace rings, 0 KiB other$'
	check system/colors-walk-c has '^vitrine: VM c: colours 8-11: 4096 coloured frames mapped, 0 outside their colours$'
	check system/colors-memory-works count 2 '^\[(a|b)\] memory works: checksum 0x1554000$'
	check system/colors-smp-in-colours has '^\[c\] all 2 vCPUs up, 1 back off$'
	check system/colors-qemu-exit-0 exited 0
	in=$'c = cache.colors() for _, v in ipairs(c.vms) do print(\'vm\', v.name, #v.colors, v.colors[1], v.uncolored) end\n'
	in+=$'for _, o in ipairs(c.overlaps) do print(\'overlap\', o.a, o.b, #o.colors) end\n'
	in+=$'print(\'info\', vm.info(\'hello\').colors[1], #vm.info(\'timer\').colors)\n'
	in+=$'vm.list() r = trace.read{cpu=0, max=100} print(\'coloured rings\', trace.rings()[1].written > 0, #r.records > 0)\n'
	in+=$'vitrine.poweroff()\n'
	boot monitor-colors 60 "$in"
	check system/colors-monitor-hypervisor-coloured has '^vitrine: hypervisor: colours 14: [0-9]+ frames of its image \(page tables included\), 0 outside their colours$'
	check system/colors-monitor-uncoloured has $'^vm\tmonitor\t16\t0\ttrue$'
	check system/colors-monitor-hello has $'^vm\thello\t8\t0\tfalse$'
	check system/colors-monitor-timer has $'^vm\ttimer\t8\t8\tfalse$'
	check system/colors-monitor-overlaps count 2 $'^overlap\tmonitor\t(hello|timer)\t8$'
	check system/colors-vm-info has $'^info\t0\t8$'
	check system/colors-monitor-reads-coloured-rings has $'^coloured rings\ttrue\ttrue$'
	check system/colors-monitor-disjoint lacks $'^overlap\thello\ttimer'
	check system/colors-monitor-qemu-exit-0 exited 0
	# The emulated LLC's counters, live in the monitor; without the plugin, nil and why.
	# Its timing model: per pCPU and per VM cycles, time and bus bytes, consistent with the
	# counts (a refill moves one 64-byte line; time is cycles at the model's clock), and
	# their trace markers; time=off leaves the timing out.
	in=$'for i = 1, 3000000 do end c = cache.llc() print(\'llc\', c.source, c.ways, c.line, #c.vms, c.publishes > 0)\n'
	in+=$'t = 0 for _, k in ipairs(c.cpus) do t = t + k.accesses end s = 0 for _, v in ipairs(c.vms) do s = s + v.accesses end\n'
	in+=$'print(\'sums\', c.vms[2].accesses > 0, c.vms[3].accesses > 0, s <= t, c.vms[2].misses <= c.vms[2].accesses)\n'
	in+=$'m = c.timing print(\'timing\', m.freq_mhz, m.bus_mbps, m.bus_util >= 0 and m.bus_util < 1)\n'
	in+=$'ok = true for _, k in ipairs(c.cpus) do ok = ok and k.cycles >= k.insns and k.insns > 0\n'
	in+=$'and k.bus_bytes == 64 * k.misses and k.time_ns == k.cycles * 1000 // m.freq_mhz end\n'
	in+=$'v = c.vms[2] print(\'cpu rows\', ok, v.bus_bytes == 64 * v.misses, v.time_ns == c.cpus[2].time_ns, v.bus_mbps > 0)\n'
	in+=$'c = cache.llc{mark = true} n, tm = 0, 0 for _, e in ipairs(trace.read{cpu=0, events=\'mark\'}.records) do\n'
	in+=$'if e.b > 0 and e.a == 0x10100 + 2 then n = n + 1 elseif e.b > 0 and e.a == 0x10200 + 2 then tm = tm + 1 end end\n'
	in+=$'print(\'llc marks\', n >= 1, tm >= 1)\nvitrine.poweroff()\n'
	f=$O/test/monitor-colors-llc${MODE//\//.}.vtr
	rm -f "$f"
	TRACE=$f LLC=1 boot monitor-colors 120 "$in"
	check system/colors-llc-in-monitor has $'^llc\temulated\t16\t64\t3\ttrue$'
	check system/colors-llc-per-vm has $'^sums\ttrue\ttrue\ttrue\ttrue$'
	check system/colors-llc-time-in-monitor has $'^timing\t1400\t7200\ttrue$'
	check system/colors-llc-time-rows-consistent has $'^cpu rows\ttrue\ttrue\ttrue\ttrue$'
	check system/colors-llc-marks-in-trace has $'^llc marks\ttrue\ttrue$'
	check system/colors-llc-time-summary has '^llc: time: vcpu 1: insns [1-9][0-9]* cycles [1-9][0-9]* ns '
	check system/colors-llc-qemu-exit-0 exited 0
	# The marks as each VM's LLC misses counter in Perfetto (tp.sh: every marked value).
	"$O/host/vtrace" perfetto "$f" -o "$f.pftrace" 2>"$f.err"
	tp_checks system/colors-llc "$f" "$f.pftrace"
	LLC=1 LLC_ARGS=time=off boot monitor-colors 120 $'print(\'timing off\', cache.llc().timing)\nvitrine.poweroff()\n'
	check system/colors-llc-time-off has $'^timing off\tnil$'
	check system/colors-llc-time-off-no-summary lacks '^llc: time: '
	boot monitor-colors 60 $'cache.llc()\nvitrine.poweroff()\n'
	check system/colors-no-llc-says-why has $'^nil\tno LLC counts: no emulated LLC \\(QEMU: make run LLC=1\\) and no LLC refill event in this PMU \\(PMCEID; see llc-events\\)$'
}

test_smp() {
	boot smp4
	for i in 1 2 3; do
		check "system/smp-vcpu$i-up" has "^\[smp\] vCPU $i up \(MPIDR 0x8000000$i\)$"
	done
	check system/smp-all-up has '^\[smp\] all 4 vCPUs up, 3 back off$'
	check system/smp-whole-lines lines_whole
	check system/smp-qemu-exit-0 exited 0
}

test_probe() {
	boot probe
	check system/probe-other-vm-memory has \
		"^vitrine: VM probe-vm vCPU 0: stage-2 fault: read outside the VM's memory at IPA 0x48000000, PC 0x6[0-9a-f]+ "
	check system/probe-hypervisor-memory has \
		"^vitrine: VM probe-hyp vCPU 0: stage-2 fault: read outside the VM's memory at IPA 0x40000000, PC 0x6[0-9a-f]+ "
	check system/probe-gic-redistributor has \
		"^vitrine: VM probe-gic vCPU 0: stage-2 fault: write outside the VM's memory at IPA 0x80c0000, PC 0x6[0-9a-f]+ "
	check_probes_stopped system gic
}

test_psci() {
	boot psci
	for b in 0 1 2; do
		check "system/psci-abi-boot$b" has "^\[psci\] boot $b: 52 checks, 0 failed$"
	done
	check system/psci-no-failed-check lacks '^\[psci\] FAIL'
	check system/psci-reset-twice count 2 '^vitrine: VM psci reset$'
	check system/psci-el2-maps-no-vm-memory-after-resets has '^vitrine: EL2 map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 0 KiB other$'
	check system/psci-neighbour-unaffected has '^\[hello\] bye$'
	check system/psci-qemu-exit-0 exited 0
}

# A hypervisor panic is a failure: run.sh exits 3, not the 0 of a clean
# power-off. Forced with no hook in the product: a valid config, built in a
# directory of its own ($O/cfg/panic) and booted, then its generated tables
# edited (more VMs than the hypervisor supports) and relinked.
test_panic() {
	local cfg=$O/test/panic.cfg tables=$O/cfg/panic/config.c
	mkdir -p "$O/test/cfg"
	# Written anew, so newer than the tables: they are generated again, unedited.
	printf 'vm hello\n  image hello\n  cpus 0\n  mem 0x40000000 16M\n' >"$cfg"
	if ! make -s O="$O" CONFIG="$cfg" >"$O/test/panic-build.log" 2>&1; then
		fail "system/panic-build$MODE" "see $O/test/panic-build.log"
		return
	fi
	boot cfg/panic
	check system/panic-clean-run-exits-0 exited 0
	check system/panic-clean-run-no-panic lacks 'PANIC'
	sed -i 's/\.nr_vms = 1,/.nr_vms = 99,/' "$tables"
	check system/panic-tables-edited grep -q '\.nr_vms = 99,' "$tables"
	make -s O="$O" CONFIG="$cfg" >>"$O/test/panic-build.log" 2>&1
	boot cfg/panic
	check system/panic-line panic_line
	check system/panic-line-last lines_after_panic 0
	check system/panic-run-sh-says-so has '^run.sh: the hypervisor panicked$'
	check system/panic-exit-status-3 exited 3
}

# Linux userspace (vtshm through /dev/mem and the doorbell pages) against
# the bare-metal pong: a refused ring on the read-only channel, the
# registers read with busybox's devmem (a write to MAGIC ignored first),
# 10,000 round trips, then a byte read of a register, which is a fault;
# each command once the one before has said it is done.
# pp's MAGIC, CHANNEL, SIZE_LO/HI, ACCESS, DOORBELL, a reserved word; side's ACCESS.
BELL_REGS='0x60100000 0x60100004 0x60100008 0x6010000c 0x60100010 0x60100020 0x60100ff0 0x60101010'
# Types $1 into Linux's shell, then waits for $2 in the log.
type_linux() {
	printf '%s\n' "$1"
	wait_log "$2" || return
	sleep 1
}
feed_linux_shm() {
	wait_log 'vitrine-linux: userspace up' || return
	sleep 2
	type_linux 'vtshm ring 0x60101000 1' 'vtshm: channel 1' || return
	type_linux "devmem 0x60100000 32 0; for a in $BELL_REGS; do echo bell-\$a=\$(devmem \$a 32); done" \
		'bell-0x60101010=' || return
	type_linux 'vtshm ping 0x60000000 0x60100000' 'ticks per round trip' || return
	type_linux 'devmem 0x60100000 8' 'VM linux stopped'
	sleep 5
}

# The whole system (configs/demo.cfg, what `make run` boots): the monitor's
# UART reaches Linux's shell with `console linux`; the real-time VM reports.
feed_demo() {
	wait_log 'vitrine-linux: userspace up' || return
	sleep 2
	# The monitor sees Linux as any VM: its timer's latency, its exits by class.
	printf "id = vm.info('linux').id l = irq.latency{vm=id, intid=27} print('linux-timer', l.count > 0, l.min <= l.max)\r"
	printf "c = {} for cpu = 1, 2 do for _, r in ipairs(trace.read{cpu=cpu, max=5000, events={'exit'}}.records) do if r.vm == id then c[r.a] = (c[r.a] or 0) + 1 end end end print('linux-exits', c[0x100] ~= nil, c[0x24] ~= nil)\r"
	sleep 1
	demo_console_linux
}

test_demo() {
	read -r NET_PORT NET_TRACE_PORT <<<"$(free_ports)"
	export NET_PORT NET_TRACE_PORT
	FEED=feed_demo boot demo 240
	unset NET_PORT NET_TRACE_PORT
	check_demo system
	check system/demo-linux-timer-latency has $'^linux-timer\ttrue\ttrue$'
}

# Debian's arm64 kernel (make linux) beside a bare-metal VM, its shell typed into (feed_linux).
test_linux() {
	# reboot -f: the VM resets (PSCI SYSTEM_RESET) and Linux comes up a second time.
	LINUX_TYPE=('echo cpus=$(grep -c ^processor /proc/cpuinfo)' 'grep -E "arch_timer|uart" /proc/interrupts'
		'reboot -f' 'poweroff -f')
	local -a LINUX_WAIT=('' '' 'vitrine-linux: userspace up') LINUX_TIMES=(1 1 2)
	FEED=feed_linux boot linux 240
	check system/linux-userspace has '^\[linux\] vitrine-linux: userspace up, 1 CPUs$'
	check system/linux-colours-walk has '^vitrine: VM linux: colours 8-15: 65536 coloured frames mapped, 0 outside their colours$'
	check system/linux-typed-command-answers has '^\[linux\] cpus=1$'
	# The hypervisor fills the DTB's /chosen/rng-seed at every start: the kernel's
	# generator is ready at once (without it, never, and every system call pays).
	check system/linux-rng-seeded has '^\[linux\] \[ *0\.0+\] random: crng init done$'
	check system/linux-timer-interrupts has '^\[linux\] +[0-9]+: +[1-9][0-9]* +GICv3 +27 Level +arch_timer$'
	check system/linux-uart-interrupts has '^\[linux\] +[0-9]+: +[0-9]+ +GICv3 +33 Level +uart-pl011$'
	check system/linux-reboot-resets has '^vitrine: VM linux reset$'
	check system/linux-reboot-boots-again count 2 '^\[linux\] vitrine-linux: userspace up, 1 CPUs$'
	check system/linux-no-panic lacks 'Kernel panic'
	check system/linux-neighbour-runs has '^\[hello\] bye$'
	check system/linux-poweroff has '^vitrine: VM linux powered off$'
	check system/linux-qemu-exit-0 exited 0
	# Three vCPUs, and a write through /dev/mem outside its RAM: Linux alone is stopped.
	LINUX_WAIT=() LINUX_TIMES=()
	LINUX_TYPE=('echo cpus=$(grep -c ^processor /proc/cpuinfo)' 'devmem 0x70000000 32 1')
	FEED=feed_linux boot linux-smp 180
	check system/linux-smp-userspace has '^\[linux\] vitrine-linux: userspace up, 3 CPUs$'
	check system/linux-smp-cpuinfo has '^\[linux\] cpus=3$'
	check system/linux-devmem-stage2-fault has \
		"^vitrine: VM linux vCPU [012]: stage-2 fault: write outside the VM's memory at IPA 0x70000000, .*: stopping the VM$"
	check system/linux-devmem-stopped has '^vitrine: VM linux stopped$'
	check system/linux-devmem-neighbour-runs has '^\[hello\] bye$'
	check system/linux-smp-qemu-exit-0 exited 0
}

# Debian's PREEMPT_RT kernel (make linux-rt) on two coloured vCPUs beside the
# bare-metal timer VM: it is the RT build, cyclictest (dynamically linked: its
# loader and libraries in the initramfs) runs its 1000 loops and reports, and
# poweroff ends the VM. Each command's end is awaited by a line only its
# output has ($((6 * 7)) is 42 there, not in the echo).
test_linux_rt() {
	LINUX_TYPE=('uname -v' 'cyclictest -m -t1 -p90 -i1000 -l1000 -q; echo cyclictest-done-$((6 * 7)) $?'
		'poweroff -f')
	local -a LINUX_WAIT=('PREEMPT_RT' 'cyclictest-done-42')
	FEED=feed_linux boot linux-rt 240
	check system/linux-rt-userspace has '^\[linux\] vitrine-linux: userspace up, 2 CPUs$'
	check system/linux-rt-colours-walk has '^vitrine: VM linux: colours 8-15: 65536 coloured frames mapped, 0 outside their colours$'
	check system/linux-rt-preempt-rt has '^\[linux\] #1 SMP PREEMPT_RT '
	check system/linux-rt-cyclictest-summary has \
		'^\[linux\] T: 0 \( *[0-9]+\) P:90 I:1000 C: +1000 Min: +[0-9]+ Act: +[0-9]+ Avg: +[0-9]+ Max: +[0-9]+$'
	check system/linux-rt-cyclictest-exit-0 has '^\[linux\] cyclictest-done-42 0$'
	check system/linux-rt-cyclictest-no-error lacks '^\[linux\] (ERROR|cyclictest: |.*error while loading shared libraries)'
	check system/linux-rt-no-panic lacks 'Kernel panic'
	check system/linux-rt-neighbour-reports has '^\[timer\] timer: ok$'
	check system/linux-rt-poweroff has '^vitrine: VM linux powered off$'
	check system/linux-rt-qemu-exit-0 exited 0
}

# $1 lines of the console come after the panic line (run.sh's and QEMU's own notes aside).
# QEMU's own warning under -icount goes to stderr, unbuffered: it may land
# inside a console line, so it is taken out wherever it is first.
without_qemu_notes() { sed -e 's/qemu-system-aarch64: warning: icount sleep disabled and no active timers//' \
	-e 's/qemu-system-aarch64://' -e 's/ warning: icount sleep disabled and no active timers//' "$LOG"; }
lines_after_panic() { [ "$(without_qemu_notes | sed -n '/^vitrine: PANIC: /,$p' | grep -v '^$' | grep -cv '^\(vitrine: PANIC: \|run.sh: \)')" = "$1" ]; }
panic_line() { without_qemu_notes | grep -q '^vitrine: PANIC: 99 VMs configured, at most 16 supported$'; }

# The exact line $1 is in the log (no pattern: carets and brackets as they are).
has_line() { grep -Fxq -- "$1" "$LOG"; }
has_lines() {
	local l
	for l; do has_line "$l" || return; done
}

# VM $1's lines hold no control byte but tab: nothing in them a terminal would obey.
vm_lines_visible() { ! LC_ALL=C grep -a "^\[$1\] " "$LOG" | tr -d '\t' | LC_ALL=C grep -aq '[[:cntrl:]]'; }

# The spoof guest's lines, whose control bytes would let them pass for the
# hypervisor's or another VM's on a terminal, in caret notation ($1: the test names).
spoof_shown() {
	check "$1-escape" has_line '[spoof] ^[[2K^Mvitrine: VM hello stopped'
	check "$1-backspaces" has_line '[spoof] ^H^H^H^H^H^H^H^H[hello] bye'
	check "$1-title-and-bell" has_line '[spoof] ^[]0;owned^G title'
	check "$1-utf8-c1" has_line '[spoof] C1 CSI M-^[2K gone'
	check "$1-del" has_line '[spoof] erase^?^?^?^?^?'
	check "$1-cr-within-line" has_line '[spoof] progress 1^Mprogress 2'
	check "$1-nul" has_line '[spoof] nul ^@ byte'
	check "$1-tab-and-utf8-kept" has_line $'[spoof] tab\tand caf\xc3\xa9 stay'
	check "$1-no-control-bytes" vm_lines_visible spoof
	check "$1-no-line-passes-for-another" lacks '^(vitrine: VM hello|\[hello\])'
}

# Without a monitor (the hypervisor's console) and with one (the monitor's view of the ring).
test_console_visible() {
	local in
	boot spoof
	spoof_shown system/console-visible
	check system/console-visible-qemu-exit-0 exited 0
	in=$'while vm.info(\'spoof\').state == \'running\' do end for i = 1, 1000000 do end\n'
	in+=$'s = console.stats() print(\'all shown\', s.read == s.written)\nvitrine.poweroff()\n'
	boot monitor-spoof 60 "$in"
	check system/console-visible-monitor-showed-all has $'^all shown\ttrue$'
	spoof_shown system/console-visible-monitor
	check system/console-visible-monitor-qemu-exit-0 exited 0
}

test_smp_fault() {
	boot smp-fault
	check_smp_fault system 0x4
}

test_smp_reset() {
	boot smp-reset
	check system/smp-reset-first-boot has '^\[smp\] all up; resetting the VM with its vCPUs busy$'
	check system/smp-reset-once count 1 '^vitrine: VM smp reset$'
	check system/smp-reset-vcpus-up-twice count 6 '^\[smp\] vCPU [123] up '
	check system/smp-reset-second-boot has '^\[smp\] all 4 vCPUs up, 3 back off$'
	check system/smp-reset-qemu-exit-0 exited 0
}

test_input() {
	boot echo 60 $'typed into the serial port\n'
	check system/input-reaches-input-vm has '^\[echo\] got: typed into the serial port$'
	check system/input-not-seen-by-others has '^\[other\] no input$'
	check system/input-qemu-exit-0 exited 0
}

test_shm() {
	boot shm
	check_shm system 0x4
}

# The storm guest bounced at least $1 SGIs.
storm_at_least() {
	local n
	n=$(sed -n 's/^\[storm\] storm: \([0-9]*\) SGIs in .*/\1/p' "$LOG")
	[ -n "$n" ] && [ "$n" -ge "$1" ]
}

test_timer() {
	boot timer
	check_timer system 62500
}

test_sgi() {
	boot sgi
	check system/sgi-order-masking-priorities has '^\[sgi\] sgi: 18 checks, 0 failed$'
	check system/sgi-qemu-exit-0 exited 0
}

test_linux_shm() {
	FEED=feed_linux_shm boot linux-shm 180
	check system/linux-shm-userspace has '^\[linux\] vitrine-linux: userspace up, 1 CPUs$'
	check system/linux-shm-ro-ring has '^\[linux\] vtshm: channel 1 \(ro, a ring is refused\): ringing event 1$'
	check system/linux-shm-ro-ring-refused has '^vitrine: channel side: 0 notifies, 0 delivered, 1 denied$'
	check system/linux-shm-10000-round-trips has '^\[linux\] vtshm: 10000 round trips, 0 bad$'
	check system/linux-shm-pong-answered-all has '^\[pong\] pingpong: answered 10000, 0 bad$'
	check system/linux-shm-doorbells-counted has '^vitrine: channel pp: 20000 notifies, 20000 delivered, 0 denied$'
	check system/linux-shm-registers has_lines '[linux] bell-0x60100000=0x6C6C6276' \
		'[linux] bell-0x60100004=0x00000000' '[linux] bell-0x60100008=0x00001000' \
		'[linux] bell-0x6010000c=0x00000000' '[linux] bell-0x60100010=0x00000001' \
		'[linux] bell-0x60100020=0x00000000' '[linux] bell-0x60100ff0=0x00000000' \
		'[linux] bell-0x60101010=0x00000000'
	check system/linux-shm-byte-access-faults has \
		'^vitrine: VM linux vCPU 0: unsupported access to an emulated device at IPA 0x60100000, .*: stopping the VM$'
	check system/linux-shm-no-other-fault count 1 'stage-2 fault|unsupported access|Kernel panic'
	check system/linux-shm-stopped has '^vitrine: VM linux stopped$'
	check system/linux-shm-qemu-exit-0 exited 0
}

test_pingpong() {
	boot pingpong
	check_pingpong system
}

test_uartirq() {
	boot uartirq 60 $'typed line\n'
	check system/uart-rx-interrupt-to-input-vm has '^\[uart\] uartirq: got "typed line" in [0-9]+ interrupts$'
	check system/uart-rx-interrupt-not-elsewhere has '^\[other\] uartirq: no line after 300 ms, 0 interrupts, ""$'
	check system/uartirq-qemu-exit-0 exited 0
}

# The emulated PL011 as amba-pl011 drives it: typed on the console (the
# `input` VM's physical UART), then through the monitor's console attach.
PL011_LONG='pl011: long line (0123456789){48}$'
PL011_GOT='pl011: got "the quick brown fox jumps over the lazy dog" in [0-9]+ interrupts$'
test_pl011() {
	boot pl011 60 $'the quick brown fox jumps over the lazy dog\rabc'
	check system/pl011-checks has '^\[pl\] pl011: [0-9]+ checks, 0 failed$'
	check system/pl011-long-line-whole has "^\\[pl\\] $PL011_LONG"
	# 17 + 600 bytes: the first 512 as one line, the rest on the next, nothing lost.
	check system/pl011-very-long-line-first-piece has '^\[pl\] pl011: very long (0123456789){49}01234$'
	check system/pl011-very-long-line-rest has '^\[pl\] 56789(0123456789){10}$'
	check system/pl011-long-line-by-tx-irqs has '^\[pl\] pl011: long line sent in 62 TX interrupts$'
	check system/pl011-line-across-vcpus-whole has '^\[pl\] pl011: a line begun on vCPU 0 and ended on vCPU 1$'
	check system/pl011-typed-line-by-rx-irqs has "^\\[pl\\] $PL011_GOT"
	check system/pl011-neighbour-runs has '^\[hello\] bye$'
	check system/pl011-qemu-exit-0 exited 0
}

feed_pl011() {
	console_type pl $'the quick brown fox jumps over the lazy dog\rabc' 3
	printf '\x1dvitrine.poweroff()\r'
}

test_pl011_monitor() {
	FEED=feed_pl011 boot monitor-pl011 60
	check system/pl011-monitor-checks has '^(\[pl\] )?pl011: [0-9]+ checks, 0 failed$'
	check system/pl011-monitor-long-line-whole has "^(\\[pl\\] )?$PL011_LONG"
	check system/pl011-monitor-very-long-line-first-piece has '^(\[pl\] )?pl011: very long (0123456789){49}01234$'
	check system/pl011-monitor-very-long-line-rest has '^(\[pl\] )?56789(0123456789){10}$'
	check system/pl011-monitor-typed-line has "^(\\[pl\\] )?$PL011_GOT"
	check system/pl011-monitor-qemu-exit-0 exited 0
}

# A VM that resets at every boot is restarted 3 times, then stopped; with
# `on-reset stop`, at its first request. Its neighbour runs on either way.
test_reset_bound() {
	boot psci-loop
	check system/reset-bound-restarts-3 count 3 '^vitrine: VM psci reset$'
	check system/reset-bound-says-so has '^vitrine: VM psci restarted 3 times in 60 s after resets: not again$'
	check system/reset-bound-stopped has '^vitrine: VM psci stopped$'
	check system/reset-bound-neighbour-runs has '^\[hello\] bye$'
	check system/reset-bound-qemu-exit-0 exited 0
	boot psci-reset-stop
	check system/on-reset-stop-no-reset count 0 '^vitrine: VM psci reset$'
	check system/on-reset-stop-says-so has '^vitrine: VM psci asked for a reset: on-reset stop$'
	check system/on-reset-stop-stopped has '^vitrine: VM psci stopped$'
	check system/on-reset-stop-neighbour-runs has '^\[hello\] bye$'
}

test_gicprobe() {
	boot gicprobe
	for i in 48 100; do
		check "system/gicprobe-intid$i-unchanged" has "^\[gp\] gicprobe: INTID $i: 0 of 6 writes took effect$"
	done
	# 33 is its own UART's (emulated) receive interrupt: a virtual SPI it owns.
	check system/gicprobe-own-uart-spi-works has '^\[gp\] gicprobe: INTID 33: 4 of 6 writes took effect$'
	check system/gicprobe-own-ppi-works has '^\[gp\] gicprobe: INTID 27: 4 of 5 writes took effect$'
	check system/gicprobe-foreign-accesses-counted has '^vitrine: VM gp: [1-9][0-9]* accesses to interrupts it does not own, ignored$'
	check system/gicprobe-owner-unaffected has '^\[owner\] bye$'
	check system/gicprobe-qemu-exit-0 exited 0
}

test_lrflood() {
	boot lrflood
	check system/more-pending-than-list-registers has '^\[lrflood\] lrflood: 12 of 12 arrived, 12 in priority order$'
	check system/lrflood-qemu-exit-0 exited 0
}

test_storm() {
	boot storm 120
	# How many SGIs fit in the storm's time is the host's business unless time is -icount's.
	check system/storm-happened storm_at_least "$([ -n "$MODE" ] && echo 100000 || echo 1)"
	check system/storm-neighbour-timer-ok has '^\[timer\] timer: ok$'
	[ -n "$MODE" ] && check system/storm-neighbour-never-a-period-late timer_max_below 62500
	check system/storm-qemu-exit-0 exited 0
}

# traced CONFIG VCPUS: boot with the rings dumped, then every host-side check.
traced() {
	local name=$1 vt=$O/host/vtrace f
	f=$O/test/$1${MODE//\//.}.vtr
	rm -f "$f"
	TRACE=$f boot "$1"
	check "system/trace-$name-saved" test -s "$f"
	"$vt" stats "$f" >"$f.stats" 2>&1
	check "system/trace-$name-exit-counts-equal" exits_all_equal "$f.stats" "$2"
	"$vt" perfetto "$f" -o "$f.pftrace" 2>"$f.err"
	check "system/trace-$name-perfetto-decodes" \
		sh -c "protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto <'$f.pftrace' >'$f.pftxt'"
	check "system/trace-$name-perfetto-checks" "$vt" check-perfetto "$f.pftrace"
	tp_checks "system/trace-$name" "$f" "$f.pftrace"
	"$vt" svg "$f" -o "$f.svg" 2>"$f.err"
	check "system/trace-$name-svg-timeline" svg_has_lanes "$f.svg"
	STATS=$f.stats
}

stats_has() { grep -Eq -- "$1" "$STATS"; }

# An SVG document with a lane per pCPU and some coloured spans in it.
svg_has_lanes() {
	head -c 5 "$1" | grep -q '^<svg ' && [ "$(grep -c '>pCPU [0-3]<' "$1")" = 4 ] &&
		[ "$(grep -c '<rect' "$1")" -gt 10 ] && tail -1 "$1" | grep -q '^</svg>$'
}

test_trace() {
	traced basic 4
	check system/trace-basic-guest-markers stats_has '^VM hello: .*, markers 2, '
	check system/trace-basic-hypercalls stats_has '^VM hello: .*, hypercalls 4, psci 1, '
	traced timer 1
	check system/trace-timer-1000-injections stats_has '^VM timer: injections 1000, '
	check system/trace-timer-1000-arrivals stats_has '^VM timer: irqs 1000: INTID 27 x1000$'
	check system/trace-timer-1000-handler-markers stats_has '^VM timer: .*, markers 1000, '
	check system/trace-timer-flows has_flows "$O/test/timer${MODE//\//.}.vtr.pftrace" 1000
	traced probe 4
	check system/trace-probe-faults stats_has '^VM probe-vm: .*, faults 1, '
	traced pingpong-short 2
	check system/trace-pingpong-doorbells stats_has '^VM ping: injections 1000, .*, ipc 1000, '
	check system/trace-pingpong-flows has_flows "$O/test/pingpong-short${MODE//\//.}.vtr.pftrace" 1000
}

# Linux's own ftrace merged with the hypervisor's (configs/linux-ftrace.cfg: the guest runs
# vtftrace at boot, prints its trace and powers off; scripts/trace-linux.sh takes it from the
# console), then Perfetto's trace processor on the merged file: one Linux boot.
test_trace_linux() {
	local f=$O/test/linux-ftrace${MODE//\//.}.vtr vt=$O/host/vtrace
	rm -f "$f"
	TRACE=$f boot linux-ftrace 240
	check system/trace-linux-vtftrace-ran has '^\[linux\] vitrine-linux: vtftrace: exit status 0$'
	check system/trace-linux-saved test -s "$f"
	scripts/trace-linux.sh --extract "$LOG" linux >"$f.guest.txt" 2>"$f.err"
	check system/trace-linux-guest-trace grep -q ': sched_switch: ' "$f.guest.txt"
	"$vt" perfetto "$f" -o "$f.pftrace" --guest "linux=$f.guest.txt" 2>"$f.err"
	check system/trace-linux-merged-decodes \
		sh -c "protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto <'$f.pftrace' >'$f.pftxt'"
	check system/trace-linux-merged-checks "$vt" check-perfetto "$f.pftrace"
	tp_checks system/trace-linux "$f" "$f.pftrace"
	tp_guest_checks system/trace-linux "$f.pftrace" "$f.guest.txt"
}

# The Perfetto trace has at least $2 flows (IRQ arrival to injection).
has_flows() {
	local n
	n=$("$O/host/vtrace" check-perfetto "$1" | sed -n 's/.* \([0-9]*\) flows\(,.*\)\{0,1\}$/\1/p')
	[ -n "$n" ] && [ "$n" -ge "$2" ]
}

# A config with `pci` on a machine without the SMMU (SMMU=0: QEMU's virt
# without iommu=smmuv3, where nothing decodes the SMMU's registers and a read
# of them aborts): the hypervisor's probe finds nothing and says so, no
# function is given to a VM, and the system runs on, the monitor without its
# network.
test_pci_no_smmu() {
	local NET_PORT NET_TRACE_PORT
	read -r NET_PORT NET_TRACE_PORT <<<"$(free_ports)"
	NET_PORT=$NET_PORT NET_TRACE_PORT=$NET_TRACE_PORT SMMU=0 boot monitor-net 90 \
		$'print("up", 6*7)\nvitrine.poweroff()\n'
	check system/pci-no-smmu-said has '^vitrine: SMMU: nothing answers at 0x9050000$'
	check system/pci-no-smmu-no-function has '^vitrine: PCIe: no SMMU to confine DMA: no function is given to a VM$'
	check system/pci-no-smmu-monitor-no-network has '^monitor: no network: '
	check system/pci-no-smmu-monitor-runs-on has $'^up\t42$'
	check system/pci-no-smmu-no-panic lacks 'in the hypervisor'
	check system/pci-no-smmu-qemu-exit-0 exited 0
}

# DMA isolation (docs/dma.md): vm dma finds on its emulated PCIe bus only its
# own function (not the host bridge), BAR 0 where the config put it, sized,
# and not movable; its edu PCIe device copies within its own
# coloured RAM through the SMMU's tables (IPA != PA: without translation the
# copy lands elsewhere and differs), takes the INTA line it raises, then writes over vm victim's RAM and the
# hypervisor's by physical address: both refused, reported and counted once
# each, the victim's checksum unchanged, both VMs run to their end; beside
# the monitor, vm.info shows the count.
test_dma() {
	boot dma 120
	check system/dma-bus-scanned has '^vitrine: PCIe 00:02\.0: 1234:11e8 class 00ff00: VM dma$'
	check system/dma-host-bridge-off-the-bus has '^vitrine: PCIe 00:00\.0: 1b36:0008 class 060000: kept off the bus$'
	check system/dma-function-given has '^vitrine: VM dma: PCIe 00:02\.0: BAR 0 at 0x10000000 \(1024 KiB\), INTA INTID 37, DMA through the SMMU$'
	check system/dma-config-space-shows-own-function-only has '^\[dma\] dma: PCIe 00:02\.0 1234:11e8, BAR 0 at 0x10000000 \(1024 KiB\)$'
	check system/dma-config-space-bar-fixed has '^\[dma\] dma: 1 function\(s\) on the bus; BAR 0 after a write of 0x20000000: 0x10000000$'
	check system/dma-guest-sees-bar has '^\[dma\] dma: edu 0x010000ed at IPA 0x10000000$'
	check system/dma-own-memory-translated has '^\[dma\] dma: own memory: 4088 bytes from IPA 0x40400800 to IPA 0x40500800: ok$'
	check system/dma-intx-reaches-guest has "^\\[dma\\] dma: INTA \\(INTID 37\\) taken 1 time\\(s\\), edu's status now 0x0$"
	check system/dma-victim-refused has "^vitrine: VM dma: DMA fault: device 00:02\.0: write outside the VM's memory at IPA 0x4a800000 \(SMMU event 0x10\): refused, 1 so far$"
	check system/dma-hypervisor-refused has "^vitrine: VM dma: DMA fault: device 00:02\.0: write outside the VM's memory at IPA 0x41800000 \(SMMU event 0x10\): refused, 2 so far$"
	check system/dma-faults-counted-once-each count 2 '^vitrine: VM dma: DMA fault: '
	check system/dma-attacker-runs-on has '^\[dma\] dma: done$'
	check system/dma-victim-unchanged has '^\[victim\] victim: checksum 0x[0-9a-f]+ unchanged after [0-9]+ checks$'
	check system/dma-no-fail lacks 'FAIL|CHANGED'
	check system/dma-el2-maps-smmu-and-ecam-as-devices has '^vitrine: EL2 map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 0 KiB other$'
	check system/dma-powers-off has '^vitrine: all VMs are down: powering off$'
	check system/dma-qemu-exit-0 exited 0
	# The same beside the monitor: vm.info shows each VM's count, the attacker's 2.
	local in=$'while vm.info(\'victim\').state == \'running\' do end\n'
	in+=$'print(\'dma_faults\', vm.info(\'dma\').dma_faults, vm.info(\'victim\').dma_faults, vm.list()[1].dma_faults)\n'
	in+=$'vitrine.poweroff()\n'
	boot monitor-dma 120 "$in"
	check system/dma-monitor-counts has $'^dma_faults\t2\t0\t0$'
	check system/dma-monitor-victim-unchanged has '^\[victim\] victim: checksum 0x[0-9a-f]+ unchanged after [0-9]+ checks$'
	check system/dma-monitor-qemu-exit-0 exited 0
}

# A Linux VM given the edu function (configs/linux-pci.cfg): its DT's generic
# ECAM host finds 00:02.0 on the emulated bus with its BAR unmoved; through
# BAR 0 (busybox devmem) userspace reads edu's identity, has edu copy a word
# within its own channel page (an IPA the SMMU translates), then aims edu at
# an IPA that is not the VM's: refused, reported, and Linux runs on.
EDU_COPY='devmem 0x60000000 32 0x600dcafe; devmem 0x10000080 32 0x60000000; devmem 0x10000088 32 0x40000;'
EDU_COPY+=' devmem 0x10000090 32 4; devmem 0x10000098 32 1; sleep 1; devmem 0x10000080 32 0x40000;'
EDU_COPY+=' devmem 0x10000088 32 0x60000800; devmem 0x10000098 32 3; sleep 1; echo dma-copy=$(devmem 0x60000800 32)'
EDU_ATTACK='devmem 0x10000088 32 0x70000000; devmem 0x10000098 32 3; sleep 1; echo attack-sent'
test_linux_pci() {
	LINUX_TYPE=('echo pci=$(ls /sys/bus/pci/devices)' 'echo edu-id=$(devmem 0x10000000 32)'
		"$EDU_COPY" "$EDU_ATTACK" 'poweroff -f')
	local -a LINUX_WAIT=('pci=0' 'edu-id=0x' 'dma-copy=0x' 'DMA fault') LINUX_TIMES=()
	FEED=feed_linux boot linux-pci 240
	check system/linux-pci-host-bridge has '^\[linux\] \[ *[0-9.]+\] pci-host-generic 3f000000\.pcie: ECAM at \[mem 0x3f000000-0x3f0fffff\] for \[bus 00\]$'
	check system/linux-pci-finds-edu has '^\[linux\] \[ *[0-9.]+\] pci 0000:00:02\.0: \[1234:11e8\] type 00 class 0x00ff00$'
	check system/linux-pci-bar-unmoved has '^\[linux\] \[ *[0-9.]+\] pci 0000:00:02\.0: BAR 0 \[mem 0x10000000-0x100fffff\]$'
	check system/linux-pci-only-its-function has '^\[linux\] pci=0000:00:02\.0$'
	check system/linux-pci-bar-reaches-edu has '^\[linux\] edu-id=0x010000ED$'
	check system/linux-pci-dma-copies has '^\[linux\] dma-copy=0x600DCAFE$'
	check system/linux-pci-dma-refused has "^vitrine: VM linux: DMA fault: device 00:02\\.0: write outside the VM's memory at IPA 0x70000000 \\(SMMU event 0x10\\): refused, 1 so far$"
	check system/linux-pci-runs-on has '^vitrine: VM linux powered off$'
	check system/linux-pci-no-panic lacks 'Kernel panic'
	check system/linux-pci-qemu-exit-0 exited 0
}

# Run the tests named only in the free-running pass, or only under -icount.
free_only() { [ -n "$MODE" ] || for t; do "$t"; done; }
icount_only() { [ -z "$MODE" ] || for t; do "$t"; done; }

run_all() {
	test_basic
	test_colors
	# Their budgets are in virtual time, so they run under -icount only (they set it).
	icount_only test_membw test_membw_linux
	test_smp
	test_input
	test_smp_fault
	test_smp_reset
	test_probe
	test_psci
	test_console_visible
	test_panic
	test_shm
	test_dma
	test_timer
	test_sgi
	test_pingpong
	test_uartirq
	test_pl011
	test_reset_bound
	test_gicprobe
	test_storm
	test_lrflood
	test_trace
	test_monitor
	test_monitor_rings
	test_monitor_trace_query
	test_monitor_stream
	test_monitor_irqlat
	test_monitor_sys
	test_monitor_scripts
	test_monitor_ctrlc
	test_monitor_pause
	test_monitor_debug
	test_monitor_debug_not_granted
	test_monitor_llc_pmu
	test_monitor_net
	test_monitor_net_legacy
	# Its pauses pace a free-running machine; under -icount they mean nothing.
	free_only test_monitor_console test_pl011_monitor
	# Over the network, free-running only (under -icount the slirp timers crawl).
	free_only test_vitrine_net test_monitor_net_mmio test_monitor_hostile test_monitor_gdb
	# Linux boots in seconds free-running, far longer under -icount.
	free_only test_linux test_linux_shm test_linux_pci test_linux_rt test_trace_linux test_demo \
		test_monitor_gdb_linux
	# Lateness is emulated time only under -icount.
	icount_only test_monitor_debug_neighbour
	# A build of its own: once is enough.
	free_only test_monitor_guard
	# The machine's shape, not its timing.
	free_only test_pci_no_smmu
}

# ONLY="test_a test_b" runs just those (while working on them); MODES=free or
# MODES=icount just one of the two runs.
if [ -n "${ONLY:-}" ]; then run_all() { for t in $ONLY; do "$t"; done; }; fi

# Free-running (QEMU's multi-threaded TCG: real parallelism, varying
# interleavings), then deterministic (-icount: one thread, round-robin).
[ "${MODES:-}" = icount ] || run_all
[ "${MODES:-}" = free ] && exit 0
MODE=/icount QEMU_ARGS="-icount shift=0,sleep=off" run_all
