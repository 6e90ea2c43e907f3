#!/usr/bin/env bash
# bench/trace.sh: what tracing costs the hypervisor, in instructions.
#
# Runs bench/exits.sh three times: tracing compiled out (-DVT_TRACE_CLASSES=0),
# tracing on (all classes), and tracing compiled in but masked at run time
# (TRACE_CLASSES=mark: exits, calls and interrupts are not recorded). The
# differences per exit, divided by the records an exit of that class writes,
# give the cost of one event, recorded and masked. Writes out/bench/trace.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
B=$O/bench
mkdir -p "$B"

bench/exits.sh >/dev/null
so=$O/host/libel2count.so # built by the first run, used by the others
O=$O/notrace EXTRA_HYP_FLAGS=-DVT_TRACE_CLASSES=0 PLUGIN_SO=$so \
	bench/exits.sh >/dev/null
cp "$B/exits.csv" "$B/exits-traced.csv"
O=$O QEMU_EXTRA="-device loader,addr=0x41fff000,data=0x5654425000008000,data-len=8" \
	bench/exits.sh >/dev/null
cp "$B/exits.csv" "$B/exits-masked.csv"
cp "$B/exits-traced.csv" "$B/exits.csv"

# Records per exit: EXIT (the ENTER is folded into it: include/vitrine/trace_fold.h), plus HVC or PSCI for
# calls, plus INJECT for the timer (its trace_mark call adds MARK to the HVC). Masked, the same
# events cost only their class tests (and the ENTER's time kept on the way back): the masked
# column minus the untraced, over those events. The trace_mark call's MARK stays recorded in
# the masked run, so its masked cost per event is not told apart ("-").
awk -F, '
	FNR == 1 { file++; next }
	{ key = $1 "," $2; v[file, key] = $4; keys[key] = 1 }
	END {
		print "scenario,class,untraced,masked,traced,records_per_exit,insns_per_record,masked_insns_per_event"
		for (k in keys) {
			n = 0
			if (k ~ /sysreg|MMIO/) n = 1
			else if (k ~ /vm_info|PSCI/) n = 2
			else if (k ~ /trace_mark/) n = 3 # and the MARK itself
			else if (k ~ /timer/) n = 2
			masked = k ~ /trace_mark/ ? "-" : sprintf("%.1f", (v[2, k] - v[1, k]) / n)
			if (n)
				printf "%s,%s,%s,%s,%d,%.1f,%s\n", k, v[1, k], v[2, k], v[3, k], n,
				    (v[3, k] - v[1, k]) / n, masked
		}
	}' "$O/notrace/bench/exits.csv" "$B/exits-masked.csv" "$B/exits-traced.csv" >"$B/trace.csv"
column -t -s, "$B/trace.csv"
