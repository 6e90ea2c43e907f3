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
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_el2count_plugin

# measure SCENARIO CONFIG GUEST START_SYMBOL START_COUNT STOP_SYMBOL STOP_COUNT
measure() {
	local name=$1 config=$2 guest=$O/guests/$3.elf E=$O/$2/vitrine.elf args
	make -s O="$O" CONFIG="$config" >/dev/null
	args=$(bench_el2count_args "$E" exit_sync exit_irq hypercall vuart_access vpsci_call vgic_sgi_write vgic_flush)
	args="$args,glo=0x40000000,ghi=0x40100000"
	args="$args,start_pc=$(bench_sym "$guest" "$4"),start_count=$5,stop_pc=$(bench_sym "$guest" "$6"),stop_count=$7"
	# shellcheck disable=SC2086 # QEMU_EXTRA holds several arguments
	timeout 300 scripts/run.sh "$E" "${ICOUNT[@]}" ${QEMU_EXTRA:-} \
		-plugin "$EL2COUNT,$args,out=$B/exits-$name.txt" </dev/null >"$B/exits-$name.log" 2>&1
	{
		bench_el2count_classes "$B/exits-$name.txt"
		grep '^all ' "$B/exits-$name.txt" | tail -n 1
	} | awk -v scen="$name" '
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
