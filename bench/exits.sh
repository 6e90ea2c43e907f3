#!/usr/bin/env bash
# bench/exits.sh: hypervisor instructions per guest exit, by exit class.
#
# Boots a few configs under QEMU -icount (deterministic: the same numbers on
# every run) with the el2count TCG plugin (tools/el2count), which counts
# the instructions executed inside the hypervisor's text per entry into it,
# inside a window the guest's own code delimits. Writes out/bench/exits.csv
# and prints it as a table. The plugin's one QEMU header comes from Debian's
# qemu source package (scripts/fetch-src.sh).
#
#   scenario     config        window
#   calls        bench-exits   1000 exits of each simple class (guest main)
#   timer        timer         100 virtual-timer periods
#   sgi          storm         1000 SGIs bounced between two vCPUs
#   doorbell     pingpong      100 ping-pong round trips between two VMs
#
# ARCH=riscv64 bench/exits.sh counts the riscv64 port's exits instead, into
# out/riscv64/bench/exits.csv, free-running (-icount is not built there:
# docs/riscv.md), so each exit's count is exact but a window's edges, and
# so which exits fall in it, may vary a little from run to run:
#
#   calls        bench-exits   1000 exits of each simple class (rvexits main)
#   doorbell     (generated)   100 ping-pong round trips between two VMs (guests/plic)
#   passthrough  (generated)   100 alarms of the goldfish RTC, passed through (guests/plic)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_el2count_plugin

# window SCENARIO ELF GUEST START_SYMBOL START_COUNT STOP_SYMBOL STOP_COUNT PLUGIN_ARGS [QEMU_ARG...]:
# one run under el2count, its window between the guest's symbols; prints the window's classes
# (bench_el2count_classes), then its "all" row.
window() {
	local name=$1 E=$2 guest=$O/guests/$3.elf args=$8
	args="$args,start_pc=$(bench_sym "$guest" "$4"),start_count=$5,stop_pc=$(bench_sym "$guest" "$6"),stop_count=$7"
	shift 8
	timeout 300 scripts/run.sh "$E" "$@" -plugin "$EL2COUNT,$args,out=$B/exits-$name.txt" \
		</dev/null >"$B/exits-$name.log" 2>&1
	bench_el2count_classes "$B/exits-$name.txt"
	grep '^all ' "$B/exits-$name.txt" | tail -n 1
}

# measure_rv SCENARIO ELF GUEST START_SYMBOL START_COUNT STOP_SYMBOL STOP_COUNT (riscv64)
measure_rv() {
	local args
	args=$(bench_el2count_args "$2" vsbi_call hypercall mmio_emulate vplic_access ipc_bell_access vsbi_timer_fired vplic_physical_irq)
	window "$@" "$args,glo=0x80000000,ghi=0x80100000" | awk -v scen="$1" '
		$1 == "all" { hyp = $5; next }
		{
			c = $2
			n = c
			if (c ~ /vplic_physical_irq/) n = "physical PLIC interrupt (claimed and raised in the VM)"
			else if (c ~ /ipc_bell_access/) n = "doorbell page access (ring or events)"
			else if (c ~ /vplic_access/) n = "emulated MMIO (its PLIC: claim/complete/threshold)"
			else if (c ~ /vsbi_timer_fired/) n = "timer interrupt (virtual one raised)"
			else if (c ~ /hypercall/ && scen == "doorbell") n = "doorbell hypercall (ipc_notify/ipc_events)"
			else if (c ~ /hypercall/) n = "hypercall (vm_info)"
			else if (c ~ /vsbi_call/ && scen == "calls") n = "SBI call (get_spec_version or set_timer)"
			else if (c ~ /vsbi_call/) n = "SBI call (set_timer)"
			else if (c == "(none)") n = "IPI received (a line raised from another pCPU)"
			printf "%s,%s,%d,%.1f,%d,%d\n", scen, n, $3, $5, $6, $7
		}
		END { if (scen == "doorbell") printf "%s,round trip (all exits of both VMs),100,%.1f,,\n", scen, hyp / 100 }
	'
}

if [ "$BENCH_ARCH" = riscv64 ]; then
	cat >"$B/cfg/rv-doorbell.cfg" <<-EOF
		channel pp 4K
		vm ping
		  image plic
		  cpus  0
		  mem   0x80000000 16M
		  shm   pp 0x90000000 rw irq 40 bell 0x90001000
		  arg   0x1028
		vm pong
		  image plic
		  cpus  1
		  mem   0x80000000 16M
		  shm   pp 0x90000000 rw irq 41
		  arg   0x129
	EOF
	cat >"$B/cfg/rv-rtc.cfg" <<-EOF
		vm rtc
		  image plic
		  cpus  0
		  mem   0x80000000 16M
		  device 0x101000 0x1000 irq 11
		  arg   0xc80000020b
	EOF
	make -s ARCH=riscv64 O="$O" CONFIG=bench-exits >/dev/null
	{
		echo "scenario,class,exits,hyp_insns_per_exit,min,max"
		measure_rv calls "$O/bench-exits/vitrine.elf" rvexits main 1 rt_printf 1
		measure_rv doorbell "$(bench_build "$B/cfg/rv-doorbell.cfg")" plic plic_take 20 plic_take 220
		measure_rv passthrough "$(bench_build "$B/cfg/rv-rtc.cfg")" plic plic_take 20 plic_take 120
	} >"$B/exits.csv"
	column -t -s, "$B/exits.csv"
	exit 0
fi

# measure SCENARIO CONFIG GUEST START_SYMBOL START_COUNT STOP_SYMBOL STOP_COUNT
measure() {
	local name=$1 E=$O/$2/vitrine.elf args
	make -s O="$O" CONFIG="$2" >/dev/null
	args=$(bench_el2count_args "$E" "${BENCH_EXIT_SYNC[@]}" exit_irq "${BENCH_HYPERCALL[@]}" vuart_access \
		"${BENCH_PSCI[@]}" vgic_sgi_write vgic_flush)
	# shellcheck disable=SC2086 # QEMU_EXTRA holds several arguments
	window "$name" "$E" "${@:3:5}" "$args,glo=0x40000000,ghi=0x40100000" "${ICOUNT[@]}" ${QEMU_EXTRA:-} |
		awk -v scen="$name" '
		$1 == "all" { hyp = $5; next } # the window
		{
			c = $2
			n = c
			if (c ~ /vuart/) n = "emulated MMIO read (PL011 FR)"
			else if (c ~ /vpsci/) n = "PSCI call (PSCI_VERSION)"
			else if (c ~ /sgi_write/) n = "SGI sent (trapped ICC_SGI1R_EL1)"
			else if (c ~ /hypercall/ && scen == "timer") n = "trace_mark hypercall (handler entry marker)"
			else if (c ~ /hypercall/ && scen == "doorbell") n = "doorbell hypercall (ipc_notify/ipc_events)"
			else if (c ~ /hypercall/) n = "hypercall (vm_info)"
			else if (c == "exit_sync") n = "trapped sysreg (PMCR_EL0 read as zero)"
			else if (c ~ /exit_irq/ && scen == "timer") n = "virtual timer interrupt (hardware-linked)"
			else if (c ~ /exit_irq/) n = "IPI received and interrupt injected"
			printf "%s,%s,%d,%.1f,%d,%d\n", scen, n, $3, $5, $6, $7
		}
		END { if (scen == "doorbell") printf "%s,round trip (all exits of both VMs),100,%.1f,,\n", scen, hyp / 100 }
	'
}

{
	echo "scenario,class,exits,hyp_insns_per_exit,min,max"
	measure calls bench-exits exitbench main 1 rt_printf 1
	measure timer timer timer timer_irq 20 timer_irq 120
	measure sgi storm storm storm_irq 20 storm_irq 1020
	measure doorbell pingpong pingpong pp_doorbell 20 pp_doorbell 220
} >"$B/exits.csv"
column -t -s, "$B/exits.csv"
