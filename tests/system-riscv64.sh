#!/usr/bin/env bash
# QEMU system tests of the riscv64 port (docs/riscv.md): boot its configs
# (configs/riscv64, built in out/riscv64) and check what the console shows.
set -u
O=${O:-out/riscv64}
FIRMWARE=1
. "$(dirname "$0")/lib.sh"

# Two VMs: a 1-vCPU one and a 3-vCPU one whose vCPUs start through SBI HSM.
test_rv_basic() {
	boot basic 30
	check_basic riscv64 HS
	for i in 1 2; do
		check "riscv64/basic-smp-vcpu$i-up" has "^\[smp\] vCPU $i up \(hart ID 0x$i\)$"
	done
}

# Three probes touch another VM's RAM, the hypervisor's, a PLIC context of a hart they do not
# have: each is stopped alone.
test_rv_probe() {
	boot probe 30
	check riscv64/probe-other-vm-memory has \
		"^vitrine: VM probe-vm vCPU 0: stage-2 fault: read outside the VM's memory at IPA 0x88000000, PC 0xa[0-9a-f]+ \(scause 0x15\): stopping the VM$"
	check riscv64/probe-hypervisor-memory has \
		"^vitrine: VM probe-hyp vCPU 0: stage-2 fault: read outside the VM's memory at IPA 0x80200000, PC 0xa[0-9a-f]+ "
	check riscv64/probe-plic has \
		"^vitrine: VM probe-plic vCPU 0: unsupported access to an emulated device at IPA 0xc002180, PC 0xa[0-9a-f]+ \(scause 0x17\): stopping the VM$"
	check_probes_stopped riscv64 plic
}

# vCPU 0 of a 3-vCPU VM faults while the others print: all three stop, the neighbour runs on.
test_rv_smp_fault() {
	boot smp-fault 30
	check_smp_fault riscv64 0x8
}

# SBI from inside a 2-vCPU VM (base, HSM, the timer, IPIs, remote
# fences both ways at once: 29 checks a boot); its SRST cold and warm reboots reset it
# alone, then it shuts down.
test_rv_sbi() {
	boot sbi 30
	for b in 0 1 2; do
		check "riscv64/sbi-abi-boot$b" has "^\[sbi\] boot $b: 33 checks, 0 failed$"
	done
	check riscv64/sbi-no-failed-check lacks '^\[sbi\] FAIL'
	check riscv64/sbi-dbcn-write-from-vm-memory count 3 "^\[sbi\] dbcn: a line from the VM's memory$"
	check riscv64/sbi-dbcn-write-byte count 3 '^\[sbi\] dbcn: a line byte by byte$'
	check riscv64/sbi-srst-resets-the-vm-twice count 2 '^vitrine: VM sbi reset$'
	check riscv64/sbi-srst-shutdown-powers-the-vm-off has '^vitrine: VM sbi powered off$'
	check riscv64/sbi-srst-returns-never lacks 'SRST RETURNED'
	check riscv64/sbi-neighbour-unaffected has '^\[hello\] bye$'
	check riscv64/sbi-neighbour-never-reset lacks '^vitrine: VM hello reset$'
	check riscv64/sbi-hs-maps-no-vm-memory-after-resets has '^vitrine: HS map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 0 KiB other$'
	check riscv64/sbi-qemu-exit-0 exited 0
}

# The emulated PLIC: two VMs answer each other's doorbells 100 times, each
# taken as an external interrupt through the VM's own PLIC context (claim,
# complete), after pong's checks of the PLIC's rules (enables, threshold,
# pending and claimed, sources not its own). ping rings through its doorbell
# page; pong (2 vCPUs) answers on vCPU 1 while vCPU 0, its own context's
# source off, must take none. A third VM owns the goldfish RTC and takes its
# alarm 100 times, passed through from the real PLIC.
test_rv_plic() {
	boot plic 30
	check riscv64/plic-doorbells-ping has '^\[ping\] plic: ping: 100 interrupts, [0-9]+ checks, 0 failed$'
	check riscv64/plic-doorbells-pong has '^\[pong\] plic: pong: 101 interrupts, [0-9]+ checks, 0 failed$'
	check riscv64/plic-no-failed-check lacks 'FAIL'
	check riscv64/plic-foreign-sources-counted has '^vitrine: VM pong: 2 accesses to interrupts it does not own, ignored$'
	check riscv64/plic-channel-counts has '^vitrine: channel pp: 201 notifies, 201 delivered, 0 denied$'
	check riscv64/plic-pass-through-rtc has '^\[rtc\] plic: rtc: 100 interrupts, [0-9]+ checks, 0 failed$'
	check riscv64/plic-powers-off has '^vitrine: all VMs are down: powering off$'
	check riscv64/plic-qemu-exit-0 exited 0
}

# The emulated ns16550a at the board UART's address: the `input` VM sets it up (divisor
# latches, FIFO at a trigger level of 8, read back), reads a typed line (longer than the
# FIFO) by its receive interrupts through its PLIC, four bytes an interrupt, says a line
# through THR a byte per THR-empty interrupt, then makes a 4-byte access to the UART; the
# other VM's UART gets nothing, and it then reads past the registers. Each bad access
# stops its VM alone (the other prints on). The line is typed once the VM waits for it
# (OpenSBI reads a byte of what waits at its start).
rv_uart_feed() {
	wait_log '[uart] plic: uart: waiting for a line' 30 &&
		printf 'the quick brown fox jumps over the lazy dog\r'
}
vm_line_after() { ! no_vm_line_after "$@"; }
test_rv_uart() {
	FEED=rv_uart_feed boot uart 40
	check riscv64/uart-rx-interrupt-to-input-vm has '^\[uart\] plic: uart: got "the quick brown fox jumps over the lazy dog" in [0-9]+ interrupts$'
	check riscv64/uart-tx-by-thr-interrupts has '^\[uart\] ns16550: a line by THR-empty interrupts$'
	check riscv64/uart-tx-interrupt-count has '^\[uart\] plic: uart: said a line through THR in 41 interrupts$'
	check riscv64/uart-rx-interrupt-not-elsewhere has '^\[other\] plic: uart: no line after 3 s, 0 interrupts, ""$'
	check riscv64/uart-checks has '^\[uart\] plic: uart: [0-9]+ interrupts, [0-9]+ checks, 0 failed$'
	check riscv64/uart-no-failed-check lacks 'FAIL|BAD ACCESS RETURNED'
	check riscv64/uart-4-byte-access-stops-the-vm has \
		"^vitrine: VM uart vCPU 0: unsupported access to an emulated device at IPA 0x10000000, PC 0x8[0-9a-f]+ \(scause 0x15\): stopping the VM$"
	check riscv64/uart-past-the-registers-stops-the-vm has \
		"^vitrine: VM other vCPU 0: unsupported access to an emulated device at IPA 0x10000008, PC 0x8[0-9a-f]+ \(scause 0x15\): stopping the VM$"
	check riscv64/uart-other-vm-runs-on vm_line_after other '^vitrine: VM uart vCPU 0: unsupported access'
	check riscv64/uart-qemu-exit-0 exited 0
}

# The guests Arm runs too, with the same checks (tests/lib.sh): a channel read-write in
# one VM and read-only in the other (its write stops it), beside a second RAM region and a
# pass-through virtio-mmio slot; the timer's 1000 periodic interrupts (SBI TIME);
# ping and pong's 10,000 round trips, each way a doorbell taken as an interrupt through
# the VM's PLIC context (ping's rung and read through its doorbell page, pong's by
# hypercall), ping's ring on a channel not its own refused.
test_rv_shm() {
	boot shm 30
	check_shm riscv64 0x8
}
test_rv_timer() {
	boot timer 30
	check_timer riscv64 10000
}
test_rv_pingpong() {
	boot pingpong 60
	check_pingpong riscv64
}

# vmconfig for riscv64: a device's or a doorbell's interrupt is a PLIC source of the board's
# (1-96, so 1 and 96 are taken), not the console UART's.
test_rv_config_irq() {
	LOG=$O/test/irq.out
	mkdir -p "$O/test"
	printf '%s\n' 'channel c 4K' \
		'vm a' '  image hello' '  cpus 0' '  mem 0x80000000 16M' '  device 0x101000 0x1000 irq 97' '  shm c 0x90000000 rw irq 0' \
		'vm b' '  image hello' '  cpus 1' '  mem 0x80000000 16M' '  device 0x102000 0x1000 irq 10' \
		'vm c' '  image hello' '  cpus 2' '  mem 0x80000000 16M' '  device 0x103000 0x1000 irq 1' '  shm c 0x90000000 rw irq 96' \
		>"$O/test/irq.cfg"
	"$O/host/vmconfig" -I "$O/guests" "$O/test/irq.cfg" >"$LOG" 2>&1
	check riscv64/config-irq-above-the-plic has "^$O/test/irq.cfg:6: vm 'a': device: INTID 97 is not a PLIC source \(1\.\.96\)$"
	check riscv64/config-doorbell-irq-0 has "^$O/test/irq.cfg:7: vm 'a': shm: doorbell INTID 0 is not a PLIC source \(1\.\.96\)$"
	check riscv64/config-irq-console-uart has "^$O/test/irq.cfg:12: vm 'b': device: INTID 10 is reserved by the hypervisor \(its UART\)$"
	check riscv64/config-irq-1-and-96-taken has "^$O/test/irq.cfg: 3 errors$"
}

# vmconfig for riscv64 names the emulated UART as the hypervisor builds it: an ns16550a in
# the summary and in a kernel VM's generated device tree (PLIC source 10, its stdout).
test_rv_config_uart() {
	LOG=$O/test/uart-dt.out
	mkdir -p "$O/test"
	# A riscv64 Image header: text_offset 2 MiB, image_size 8 MiB, "RSC\x05" at 56.
	{ head -c 8 /dev/zero; printf '\0\0\040\0\0\0\0\0\0\0\200\0\0\0\0\0\0\0\0\0\0\0\0\0'
	  head -c 24 /dev/zero; printf 'RSC\005'; head -c 4036 /dev/zero; } >"$O/test/kimage.bin"
	printf '%s\n' 'vm l' "  kernel $O/test/kimage.bin" '  cpus 0 1' '  mem 0x80000000 64M' \
		'  uart 0x10000000' >"$O/test/uart-dt.cfg"
	{ "$O/host/vmconfig" -I "$O/guests" -o "$O/test/uart-dt.c" --summary "$O/test/uart-dt.cfg" &&
		"$O/host/vmconfig" -I "$O/guests" --dts l "$O/test/uart-dt.cfg"; } >"$LOG" 2>&1
	# The kernel at the RAM's base (no firmware below it in a VM), the DTB's address in a1.
	check riscv64/config-kernel-at-ram-base has '^  kernel 0x80000000  4096 bytes, image_size 0x800000, text_offset 0x0,'
	check riscv64/config-kernel-dtb-in-a1 has '^vm .l.  pCPUs 0,1  kernel  entry 0x80000000  a1 \(DTB\) 0x'
	# Harts with their own interrupt controllers, the PLIC's M and S contexts per hart.
	check riscv64/config-dt-timebase has '^[[:space:]]*timebase-frequency = <0x989680>;$'
	check riscv64/config-dt-hart-intc count 2 '^[[:space:]]*compatible = "riscv,cpu-intc";$'
	check riscv64/config-dt-plic-contexts has '^[[:space:]]*interrupts-extended = <0x2 0xb 0x2 0x9 0x3 0xb 0x3 0x9>;$'
	check riscv64/config-dt-no-root-interrupt-parent lacks '^	interrupt-parent'
	check riscv64/config-dt-no-gic lacks 'arm,gic|psci'
	check riscv64/config-uart-summary-ns16550a has '^  uart   0x10000000 \(emulated ns16550a\)$'
	check riscv64/config-uart-dt-ns16550a has '^[[:space:]]*compatible = "ns16550a";$'
	check riscv64/config-uart-dt-plic-source has '^[[:space:]]*interrupts = <0xa>;$'
	check riscv64/config-uart-dt-stdout has '^[[:space:]]*stdout-path = "/serial@10000000";$'
	check riscv64/config-uart-dt-no-pl011 lacks 'pl011'
	# An arm64 Image is refused, naming the magic found.
	printf 'ARMd' | dd of="$O/test/kimage.bin" bs=1 seek=56 conv=notrunc status=none
	LOG=$O/test/uart-dt-arm64.out
	"$O/host/vmconfig" -I "$O/guests" -o "$O/test/uart-dt.c" "$O/test/uart-dt.cfg" >"$LOG" 2>&1
	check riscv64/config-kernel-arm64-image-refused has \
		"kernel: '$O/test/kimage.bin' is not a riscv64 Image: magic at offset 56 is 0x644d5241, not 0x05435352$"
}

# A config that needs what riscv64 does not build (here bandwidth regulation) stops the boot,
# naming it, before any VM runs.
test_rv_not_built() {
	mkdir -p "$O/test/cfg"
	printf 'vm hello\n  image hello\n  cpus 0\n  mem 0x80000000 16M\n  membw 256K period 1ms\n' >"$O/test/notbuilt.cfg"
	if ! make -s ARCH=riscv64 O="$O" CONFIG="$O/test/notbuilt.cfg" >"$O/test/notbuilt.build" 2>&1; then
		fail riscv64/not-built-build "see $O/test/notbuilt.build"
		return
	fi
	boot cfg/notbuilt 30
	check riscv64/not-built-membw-refused has '^vitrine: PANIC: VM hello: memory-bandwidth regulation \(`membw`\) is not built on riscv64$'
	check riscv64/not-built-no-vm-ran lacks '^\[hello\]'
	check riscv64/not-built-panic-status exited 3
}

# rv_traced CONFIG VCPUS: boot with the rings dumped (TRACE=), then vtrace's listing, stats
# (every vCPU's exits counted as the hypervisor did) and Perfetto output (checked, decoded).
rv_traced() {
	local vt=$O/host/vtrace
	TRACED=$O/test/$1.vtr
	rm -f "$TRACED" "$TRACED".* # a failed step must not leave an older run's output to check
	TRACE=$TRACED boot "$1" 30
	check "riscv64/trace-$1-saved" test -s "$TRACED"
	"$vt" dump "$TRACED" >"$TRACED.txt" 2>&1
	"$vt" stats "$TRACED" >"$TRACED.stats" 2>&1
	check "riscv64/trace-$1-exit-counts-equal" exits_all_equal "$TRACED.stats" "$2"
	"$vt" perfetto "$TRACED" -o "$TRACED.pftrace" 2>"$TRACED.err"
	check "riscv64/trace-$1-perfetto-checks" "$vt" check-perfetto "$TRACED.pftrace"
	check "riscv64/trace-$1-perfetto-decodes" \
		sh -c "protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto <'$TRACED.pftrace' >'$TRACED.pftxt'"
}

traced_has() { grep -Eq -- "$2" "$TRACED.$1"; }

# The trace names riscv64's exit classes (scause codes, not Arm's ECs: 0x17 would be "SMC"):
# the probes' guest-page faults at the addresses they touch, SBI calls, and the sbi VM's
# timer and IPI interrupts, the plic VMs' external ones, in the listing, stats and Perfetto.
test_rv_trace() {
	rv_traced probe 4
	check riscv64/trace-probe-load-fault traced_has txt \
		' EXIT +load guest-page fault IPA 0x88000000 scause 0x15$'
	check riscv64/trace-probe-store-fault traced_has txt \
		' EXIT +store guest-page fault IPA 0xc002180 scause 0x17$'
	check riscv64/trace-probe-fault-record traced_has txt ' FAULT +scause 0x15 IPA 0x80200000 PC 0xa'
	check riscv64/trace-probe-sbi-call traced_has txt ' EXIT +ecall from VS EID 0x[0-9a-f]+ PC 0x'
	check riscv64/trace-probe-stats traced_has stats \
		'^VM probe-vm: exits [0-9]+: ecall from VS [0-9]+, load guest-page fault 1$'
	check riscv64/trace-probe-perfetto-mmio traced_has pftxt 'name: "MMIO 0xc002180"'
	rv_traced sbi 3
	check riscv64/trace-sbi-timer-irq traced_has txt ' EXIT +IRQ timer \(cause 5\) PC 0x'
	check riscv64/trace-sbi-ipi traced_has txt ' EXIT +IRQ software \(cause 1\) PC 0x'
	check riscv64/trace-sbi-stats traced_has stats \
		'^VM sbi: exits [0-9]+: ecall from VS [0-9]+, IRQ [0-9]+$'
	check riscv64/trace-sbi-stats-irqs traced_has stats '^VM sbi: irqs [0-9]+: software x[0-9]+, timer x[0-9]+$'
	check riscv64/trace-sbi-perfetto-names sh -c \
		"grep -q 'name: \"IRQ timer\"' '$TRACED.pftxt' && grep -q 'name: \"ecall from VS\"' '$TRACED.pftxt'"
	rv_traced plic 4
	check riscv64/trace-plic-external-irq traced_has txt ' EXIT +IRQ external \(cause 9\) PC 0x'
	check riscv64/trace-plic-stats-irqs traced_has stats '^VM rtc: irqs [0-9]+: .*external x[0-9]+'
}

# The hypervisor and its trace rings in colours of their own (`hypervisor colors 12-13`,
# `trace colors 14-15`): every frame of its image (page tables included) in its colours as
# its tables map it, after the move (the secondary harts come up on the moved image, the VMs
# run); every page of the rings in theirs, counted apart in the HS map, and the trace written
# through them dumped whole (every vCPU's exits as the hypervisor counted them).
test_rv_colors() {
	rv_traced colors 4
	check riscv64/colors-hypervisor-in-its-colours has \
		'^vitrine: hypervisor: colours 12-13: [0-9]+ frames of its image \(page tables included\), 0 outside their colours$'
	check riscv64/colors-rings-in-their-colours has \
		'^vitrine: trace rings: colours 14-15: 516 frames mapped in HS, 0 outside their colours$'
	check riscv64/colors-rings-in-hs-map has \
		'^vitrine: HS map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 2064 KiB coloured trace rings, 0 KiB other$'
	check riscv64/colors-walk-hello has '^vitrine: VM hello: colours 0-5: 4096 coloured frames mapped, 0 outside their colours$'
	check riscv64/colors-hello-runs has '^\[hello\] bye$'
	check riscv64/colors-smp-on-secondary-harts has '^\[smp\] all 3 vCPUs up, 2 back off$'
	check riscv64/colors-qemu-exit-0 exited 0
}

# ---- the monitor partition (configs/riscv64/monitor*.cfg) ----
# What is typed goes in once the monitor asks (OpenSBI reads a byte of what waits at its start).
rv_monitor_feed() {
	wait_log 'monitor: Lua 5.4' 60 && printf '%s' "$RV_MON_IN"
}

# The UART console: the same assertions as on Arm (check_monitor_repl, tests/lib.sh).
test_rv_monitor() {
	RV_MON_IN=$MON_REPL_IN FEED=rv_monitor_feed boot monitor 60
	check_monitor_repl riscv64
}

# What the monitor sees of the system: hello's state and its exits, the hypervisor's
# count (vm.info) against the EXIT records in the rings the monitor maps read-only (0
# if they were not mapped); hostile lines (an error, a loop stopped by Ctrl-C, a
# recursion through C past Lua's limit) that leave it serving; the views riscv64 does
# not build, each an error; and a write to a ring, which restarts it.
test_rv_monitor_views() {
	read_text RV_MON_IN <<-'LUA'
		while vm.info('hello').state ~= 'off' do vm.list() end
		for _, v in ipairs(vm.list()) do print('row', v.id, v.name, v.state, #v.pcpus, v.ram) end
		#trace.rings()
		h = vm.info('hello') c = trace.count{events = 'exit', by = 'vcpu'} print('exits', h.exits > 0, c['hello/0'] == h.exits)
		n = 0 for _, e in ipairs(trace.read{cpu = h.pcpus[1], max = 100000}.records) do if e.event == 'exit' and e.vm == h.id then n = n + 1 end end print('read', n == h.exits)
		a = vm.info('monitor').exits b = vm.info(0).exits print('grows', b > a)
		error('boom')
		while true do end
	LUA
	RV_MON_IN+=$'\x03'
	read_text in <<-'LUA'
		print('after-loop', 6*7)
		function f(s) return (string.gsub('x', 'x', f)) end return f('x')
		s = vitrine.stack() print('after-recursion', s.deepest > 0 and s.deepest < s.size)
		pmu.events()
		debug.attach('hello')
		cache.llc()
		trace.poke(0)
		print('restarted', vm.info('monitor').resets, 6*7)
		vitrine.poweroff()
	LUA
	RV_MON_IN+=$in
	FEED=rv_monitor_feed boot monitor 90
	check riscv64/monitor-vm-list-monitor has $'^row\t0\tmonitor\trunning\t1\t33554432$'
	check riscv64/monitor-vm-list-hello-off has $'^row\t1\thello\toff\t1\t16777216$'
	check riscv64/monitor-sees-4-rings has '^4$'
	check riscv64/monitor-trace-count-equals-hyp-exits has $'^exits\ttrue\ttrue$'
	check riscv64/monitor-trace-read-equals-hyp-exits has $'^read\ttrue$'
	check riscv64/monitor-vm-counters-grow has $'^grows\ttrue$'
	check riscv64/monitor-error-carries-on has '^console:1: boom$'
	check riscv64/monitor-loop-interrupted has '^interrupted \(Ctrl-C\)$'
	check riscv64/monitor-serves-after-loop has $'^after-loop\t42$'
	check riscv64/monitor-recursion-error has '^C stack overflow$'
	check riscv64/monitor-recursion-within-stack has $'^after-recursion\ttrue$'
	check riscv64/monitor-pmu-not-built has '^console:1: pmu\.events: not built on riscv64 '
	check riscv64/monitor-debug-not-built has '^console:1: debug\.attach: not built on riscv64 '
	check riscv64/monitor-llc-not-built has '^console:1: cache\.llc: not built on riscv64 '
	check riscv64/monitor-ring-read-only has \
		"^vitrine: VM monitor vCPU 0: stage-2 fault: write to a read-only page at IPA 0x70000000, .*: restarting the VM$"
	check riscv64/monitor-restart-uart-answers has $'^restarted\t1\t42$'
	check riscv64/monitor-neighbour-finishes has '^\[hello\] bye$'
	check riscv64/monitor-views-qemu-exit-0 exited 0
}

# The network console over virtio-mmio (configs/riscv64/monitor-net.cfg): the vitrine
# client authenticates and runs Lua lines, a TCP chunk that loops is stopped by its time
# budget and the console serves on, a wrong key is refused, the GDB port says the
# debugger is not built, the trace stream records.
test_rv_monitor_net() {
	local cport sport gport pid out vc=$O/host/vitrine
	read -r cport sport gport <<<"$(free_ports 3)"
	NET_GDB_PORT=$gport net_system monitor-net rv-monitor-net
	check riscv64/monitor-net-eval-answers test "$out" = 42
	out=$("$vc" eval --port "$cport" "print(vm.info('hello').state, #trace.rings())" 2>&1)
	check riscv64/monitor-net-eval-views test "$out" = $'off\t4'
	# A TCP chunk that never ends runs out of its budget (10 s by the monitor's clock, the
	# `time` CSR at the system page's rate), and the console serves on.
	timeout 60 "$vc" eval --port "$cport" 'while true do end' >"$O/test/rv-net-loop.out" 2>&1
	check riscv64/monitor-net-loop-budget grep -q 'interrupted: ran past its budget of 10000 ms' "$O/test/rv-net-loop.out"
	out=$("$vc" eval --port "$cport" 'print(6*7)' 2>&1)
	check riscv64/monitor-net-serves-after-loop test "$out" = 42
	"$vc" eval --port "$cport" "pmu.sample()" >"$O/test/rv-net-pmu.out" 2>&1
	check riscv64/monitor-net-pmu-not-built grep -q 'pmu\.sample: not built on riscv64' "$O/test/rv-net-pmu.out"
	od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n' >"$O/test/rv-wrong.key"
	"$vc" eval --key "$O/test/rv-wrong.key" --port "$cport" 'print(6*7)' >"$O/test/rv-net-wrong.out" 2>&1
	check riscv64/monitor-net-wrong-key-exit-4 test $? = 4
	"$vc" gdb-relay hello --port "$gport" </dev/null >"$O/test/rv-net-gdb.out" 2>&1
	check riscv64/monitor-net-gdb-not-built grep -q 'the GDB server is not built on riscv64' "$O/test/rv-net-gdb.out"
	rm -f "$O/test/rv-net.perfetto-trace"
	"$vc" record --seconds 2 --port "$sport" -o "$O/test/rv-net.perfetto-trace" >"$O/test/rv-net-record.out" 2>&1
	check riscv64/monitor-net-record-summary grep -Eq '^recorded [1-9][0-9]* events, [0-9]+ lost, in [0-9.]+ s$' "$O/test/rv-net-record.out"
	check riscv64/monitor-net-record-valid "$O/host/vtrace" check-perfetto "$O/test/rv-net.perfetto-trace"
	"$vc" eval --port "$cport" 'vitrine.poweroff()' >/dev/null 2>&1
	wait "$pid"
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
	check riscv64/monitor-net-up has '^monitor: network 10\.0\.2\.15/24 via 10\.0\.2\.2, MAC '
	check riscv64/monitor-net-dma-unconfined-said has '^vitrine: VM monitor: dma unconfined: '
	check riscv64/monitor-net-qemu-exit-0 exited 0
}

# Debian's riscv64 kernel (make linux ARCH=riscv64) on two harts beside a
# bare-metal VM: userspace up on both, its console the emulated ns16550a with
# its PLIC interrupt, the timer by SBI, SRST's reboot of that VM alone, then a
# write through /dev/mem outside its RAM: Linux alone is stopped.
test_rv_linux() {
	LINUX_TYPE=('echo cpus=$(grep -c ^processor /proc/cpuinfo)' 'grep -E "timer|ttyS" /proc/interrupts'
		'reboot -f' 'devmem 0x70000000 32 1')
	local -a LINUX_WAIT=('' '' 'vitrine-linux: userspace up' 'stopping the VM') LINUX_TIMES=(1 1 2)
	FEED=feed_linux boot linux 300
	check riscv64/linux-userspace has '^\[linux\] vitrine-linux: userspace up, 2 CPUs$'
	check riscv64/linux-colours-walk has '^vitrine: VM linux: colours 8-15: 65536 coloured frames mapped, 0 outside their colours$'
	check riscv64/linux-typed-command-answers has '^\[linux\] cpus=2$'
	check riscv64/linux-earlycon-by-sbi-dbcn has '^\[linux\] \[ *0\.0+\] earlycon: sbi0 at I/O port 0x0'
	check riscv64/linux-rng-seeded has '^\[linux\] \[ *0\.0+\] random: crng init done$'
	check riscv64/linux-timer-interrupts has '^\[linux\] +[0-9]+: +[1-9][0-9]* +[1-9][0-9]* +RISC-V INTC +5 Edge +riscv-timer$'
	check riscv64/linux-uart-interrupts has '^\[linux\] +[0-9]+: +[0-9]+ +[0-9]+ +SiFive PLIC +10 +(Edge|Level) +ttyS0$'
	check riscv64/linux-reboot-resets has '^vitrine: VM linux reset$'
	check riscv64/linux-reboot-boots-again count 2 '^\[linux\] vitrine-linux: userspace up, 2 CPUs$'
	check riscv64/linux-devmem-guest-page-fault has \
		"^vitrine: VM linux vCPU [01]: stage-2 fault: write outside the VM's memory at IPA 0x70000000, .*: stopping the VM$"
	check riscv64/linux-devmem-stopped has '^vitrine: VM linux stopped$'
	check riscv64/linux-no-panic lacks 'Kernel panic'
	check riscv64/linux-neighbour-runs has '^\[hello\] bye$'
	check riscv64/linux-qemu-exit-0 exited 0
}

# The whole system (configs/riscv64/demo.cfg, what `make run ARCH=riscv64` boots): the
# monitor's UART reaches Linux's shell with `console linux`, the monitor reads Linux's
# exits from the rings (SBI calls, and guest-page faults: its emulated PLIC and UART),
# the real-time VM reports.
rv_demo_feed() {
	wait_log 'vitrine-linux: userspace up' 300 || return
	sleep 2
	printf "id = vm.info('linux').id c = {} for cpu = 1, 2 do for _, r in ipairs(trace.read{cpu=cpu, max=5000, events={'exit'}}.records) do if r.vm == id then c[r.a] = (c[r.a] or 0) + 1 end end end print('linux-exits', c[10] ~= nil, c[21] ~= nil or c[23] ~= nil)\r"
	sleep 1
	demo_console_linux
}

test_rv_demo() {
	local NET_PORT NET_TRACE_PORT
	read -r NET_PORT NET_TRACE_PORT <<<"$(free_ports)"
	NET_PORT=$NET_PORT NET_TRACE_PORT=$NET_TRACE_PORT FEED=rv_demo_feed boot demo 400
	check_demo riscv64
}

run_all() {
	test_rv_basic
	test_rv_probe
	test_rv_smp_fault
	test_rv_sbi
	test_rv_plic
	test_rv_uart
	test_rv_shm
	test_rv_timer
	test_rv_pingpong
	test_rv_config_irq
	test_rv_config_uart
	test_rv_not_built
	test_rv_trace
	test_rv_colors
	test_rv_monitor
	test_rv_monitor_views
	test_rv_monitor_net
	test_rv_linux
	test_rv_demo
}

# ONLY="test_a test_b" runs just those.
if [ -n "${ONLY:-}" ]; then run_all() { for t in $ONLY; do "$t"; done; }; fi
run_all
