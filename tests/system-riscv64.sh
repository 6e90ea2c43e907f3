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

# The emulated UART (the core's PL011) at the board UART's address: the `input` VM reads a
# typed line (longer than the FIFO) by its receive interrupts through its PLIC; the other
# VM's emulated UART gets nothing. The line is typed once the VM waits for it (OpenSBI
# reads a byte of what waits at its start).
rv_uart_feed() {
	wait_log '[uart] plic: uart: waiting for a line' 30 &&
		printf 'the quick brown fox jumps over the lazy dog\r'
}
test_rv_uart() {
	FEED=rv_uart_feed boot uart 40
	check riscv64/uart-rx-interrupt-to-input-vm has '^\[uart\] plic: uart: got "the quick brown fox jumps over the lazy dog" in [0-9]+ interrupts$'
	check riscv64/uart-rx-interrupt-not-elsewhere has '^\[other\] plic: uart: no line after 1 s, 0 interrupts, ""$'
	check riscv64/uart-no-failed-check lacks 'FAIL'
	check riscv64/uart-qemu-exit-0 exited 0
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
	rm -f "$TRACED"
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

run_all() {
	test_rv_basic
	test_rv_probe
	test_rv_smp_fault
	test_rv_sbi
	test_rv_plic
	test_rv_uart
	test_rv_config_irq
	test_rv_not_built
	test_rv_trace
}

# ONLY="test_a test_b" runs just those.
if [ -n "${ONLY:-}" ]; then run_all() { for t in $ONLY; do "$t"; done; }; fi
run_all
