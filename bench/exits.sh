#!/usr/bin/env bash
# bench/exits.sh: hypervisor instructions per guest exit, by exit class.
#
# Boots a few configs under QEMU -icount (deterministic: the same numbers on
# every run) with the el2count TCG plugin (tools/el2count/, built by make;
# PLUGIN_SO=FILE takes another), which counts the instructions executed
# inside the hypervisor's text per entry into it, inside a window the guest's
# own code delimits. Writes out/bench/exits.csv and prints it as a table.
#
#   scenario     config        window
#   calls        bench-exits   1000 exits of each simple class (guest main)
#   timer        timer         100 virtual-timer periods
#   sgi          storm         1000 SGIs bounced between two vCPUs
#   doorbell     pingpong      100 ping-pong round trips between two VMs
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
B=$O/bench
mkdir -p "$B"
PLUGIN_SO=${PLUGIN_SO:-$O/host/libel2count.so}
[ "$PLUGIN_SO" != "$O/host/libel2count.so" ] || make -s O="$O" "$PLUGIN_SO"

sym() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }

# measure SCENARIO CONFIG GUEST START_SYMBOL START_COUNT STOP_SYMBOL STOP_COUNT
measure() {
	local name=$1 config=$2 guest=$O/guests/$3.elf E=$O/$2/vitrine.elf args marks=""
	make -s CONFIG="$config" >/dev/null
	for f in exit_sync exit_irq hypercall vuart_access vpsci_call vgic_sgi_write vgic_flush; do
		marks="$marks,mark=$f@$(sym "$E" $f)"
	done
	args="lo=$(sym "$E" __hyp_start),hi=$(sym "$E" __text_end),vbar=$(sym "$E" hyp_vectors)"
	args="$args,glo=0x40000000,ghi=0x40100000$marks"
	args="$args,start_pc=$(sym "$guest" "$4"),start_count=$5,stop_pc=$(sym "$guest" "$6"),stop_count=$7"
	# shellcheck disable=SC2086 # QEMU_EXTRA holds several arguments
	timeout 300 scripts/run.sh "$E" -icount shift=0,sleep=off ${QEMU_EXTRA:-} \
		-plugin "$PLUGIN_SO,$args,out=$B/exits-$name.txt" </dev/null >"$B/exits-$name.log" 2>&1
	# "  0x...(lower64_sync) exit_sync+hypercall: 1000 123456 123.5 120 130"
	awk -v scen="$name" '
		/^episode classes/ { on = 1; next }
		on && /\(lower64_/ {
			c = $2; sub(":", "", c)
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
		/^all / { hyp = $5 } # the last such line: the window
		END { if (scen == "doorbell") printf "%s,round trip (all exits of both VMs),100,%.1f,,\n", scen, hyp / 100 }
	' "$B/exits-$name.txt"
}

{
	echo "scenario,class,exits,hyp_insns_per_exit,min,max"
	measure calls bench-exits exitbench main 1 rt_printf 1
	measure timer timer timer timer_irq 20 timer_irq 120
	measure sgi storm storm storm_irq 20 storm_irq 1020
	measure doorbell pingpong pingpong pp_doorbell 20 pp_doorbell 220
} >"$B/exits.csv"
column -t -s, "$B/exits.csv"
