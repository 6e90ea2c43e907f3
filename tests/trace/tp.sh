# shellcheck shell=bash
# Perfetto's own trace processor on a `vtrace perfetto` trace: what its tables say against
# what the dump says. Sourced by tests/trace/run.sh and tests/system.sh (from the repository's
# root); the processor is ../shared/tools/trace_processor/trace_processor_shell beside the
# checkout (or $TRACE_PROCESSOR), and without it the checks print one "skipped" line.
#
# tp_checks NAME DUMP TRACE: one PASS/FAIL line per check, named NAME-tp-...

TRACE_PROCESSOR=${TRACE_PROCESSOR:-../shared/tools/trace_processor/trace_processor_shell}

# tp_value FILE KEY: the value of the row "KEY",value in the processor's CSV output.
tp_value() {
	awk -v k="\"$2\"," 'index($0, k) == 1 { v = substr($0, length(k) + 1); gsub(/"/, "", v); print v; exit }' "$1"
}

# tp_ran DUMP: the threads of the vCPUs that ran (an ENTER in the listing), one per line.
tp_ran() {
	"$O/host/vtrace" dump "$1" | awk '$5 == "ENTER" { print $3 " vCPU " $4 }' | sort -u
}

tp_checks() {
	local name=$1 dump=$2 trace=$3 out=$3.tp want got why
	if [ ! -x "$TRACE_PROCESSOR" ]; then
		echo "skipped $name-tp: no trace processor at $TRACE_PROCESSOR"
		return 0
	fi
	cat >"$out.sql" <<'SQL'
INCLUDE PERFETTO MODULE pkvm.hypervisor;
select 'bad_stats', count(*) from stats where value > 0 and severity in ('error', 'data_loss');
select 'bad_stat', name from stats where value > 0 and severity in ('error', 'data_loss');
select 'cpus', count(*) from cpu where machine_id = 0 and processor = 'Vitrine pCPU ' || cpu;
select 'sched_cpus', count(distinct ucpu) from sched join cpu using (ucpu) where machine_id = 0;
select 'hyp_exits', count(*) from pkvm_hypervisor_events;
select 'states', count(*) from slice where category = 'state';
select 'unnamed_states', count(*) from slice where category = 'state' and
  (name glob '* [0-9]*' or substr(name, -1) = '?' or extract_arg(arg_set_id, 'debug.state') is null);
select 'counter ' || t.name, cast(sum(c.value) as int) || ' ' || count(*) from counter_track t
  join counter c on c.track_id = t.id group by t.name;
select 'clock_pairs', count(*) from clock_snapshot a join clock_snapshot b using (snapshot_id)
  where a.clock_id = 6 and b.clock_id = 64 and a.clock_value = b.clock_value;
select 'thread ' || t.name, (select count(*) from sched s where s.utid = t.utid) || ' ' ||
  (select count(*) from thread_state s where s.utid = t.utid) from thread t where t.name is not null;
SQL
	if ! "$TRACE_PROCESSOR" -q "$out.sql" "$trace" >"$out" 2>"$out.err"; then
		echo "FAIL $name-tp-loads: $(grep -m1 -i error "$out.err")"
		return 0
	fi
	"$O/host/vtrace" stats "$dump" >"$out.stats"

	got=$(tp_value "$out" bad_stats)
	if [ "$got" = 0 ]; then
		echo "PASS $name-tp-no-error-stats"
	else
		echo "FAIL $name-tp-no-error-stats: $got, first $(tp_value "$out" bad_stat)"
	fi

	# A cpu row per ring, named by the CpuInfo packet; sched rows on each pCPU that has exits (it
	# switched to the hypervisor).
	want="$(grep -c '^cpu [0-9]*: ring ' "$out.stats") $(grep -c '^cpu [0-9]*: exits [1-9]' "$out.stats")"
	got="$(tp_value "$out" cpus) $(tp_value "$out" sched_cpus)"
	if [ "$got" = "$want" ]; then
		echo "PASS $name-tp-a-cpu-per-ring"
	else
		echo "FAIL $name-tp-a-cpu-per-ring: cpu rows, cpus in sched: $got; rings, rings with exits: $want"
	fi

	why=
	while read -r t; do
		got=$(tp_value "$out" "thread $t")
		case $got in
		0\ * | *\ 0 | '') why="$why '$t': sched, thread_state: ${got:-none}" ;;
		esac
	done < <(tp_ran "$dump")
	if [ -z "$why" ] && [ -n "$(tp_ran "$dump")" ]; then
		echo "PASS $name-tp-sched-per-vcpu"
	else
		echo "FAIL $name-tp-sched-per-vcpu:${why:- no vCPU ran}"
	fi

	want=$(sed -n 's/^cpu [0-9]*: exits \([0-9]*\).*/\1/p' "$out.stats" | awk '{ n += $1 } END { print n + 0 }')
	got=$(tp_value "$out" hyp_exits)
	if [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then
		echo "PASS $name-tp-pkvm-exits-$want"
	else
		echo "FAIL $name-tp-pkvm-exits: pkvm_hypervisor_events has $got, vtrace stats $want"
	fi

	want=$("$O/host/vtrace" dump "$dump" | awk '$5 ~ /^V(M|CPU)_STATE$/' | wc -l)
	got=$(tp_value "$out" states)
	if [ "$got" = "$want" ] && [ "$(tp_value "$out" unnamed_states)" = 0 ]; then
		echo "PASS $name-tp-states-named"
	else
		echo "FAIL $name-tp-states-named: $got state events ($want in the dump), $(tp_value "$out" unnamed_states) without a name"
	fi

	tp_counters "$name" "$dump" "$out"
}

# tp_guest_checks NAME TRACE GUEST-TEXT: a trace with a guest's ftrace merged in (vtrace
# perfetto --guest): a sched row per sched_switch of the guest's, on the guest's machine, beside
# the hypervisor's exits; each guest marker "vitrine-sync ADDR" (an instant on the thread that
# wrote it) paired with the hypervisor's exit "MMIO ADDR", none after it, one exactly at it.
tp_guest_checks() {
	local name=$1 trace=$2 text=$3 out=$2.tpg got want
	if [ ! -x "$TRACE_PROCESSOR" ]; then
		echo "skipped $name-tp-guest: no trace processor at $TRACE_PROCESSOR"
		return 0
	fi
	cat >"$out.sql" <<SQL
INCLUDE PERFETTO MODULE pkvm.hypervisor;
select 'bad_stats', count(*) from stats where value > 0 and severity in ('error', 'data_loss');
select 'guest_sched', count(*) from sched join cpu using (ucpu) where machine_id != 0;
select 'host_exits', count(*) from pkvm_hypervisor_events;
select 'marks', count(*) || ' ' || sum(g.ts = x.ts) || ' ' || sum(g.ts > x.ts) from slice g
  join slice x on x.category = 'exit' and x.name = 'MMIO ' || substr(g.name, 14)
  where g.name glob 'vitrine-sync 0x*';
SQL
	if ! "$TRACE_PROCESSOR" -q "$out.sql" "$trace" >"$out" 2>"$out.err"; then
		echo "FAIL $name-tp-guest-loads: $(grep -m1 -i error "$out.err")"
		return 0
	fi
	want=$(grep -c ': sched_switch: ' "$text")
	got="$(tp_value "$out" guest_sched) $(tp_value "$out" host_exits) $(tp_value "$out" bad_stats)"
	if [ "${got%% *}" = "$want" ] && [ "$want" -gt 0 ] && [ "$(echo "$got" | cut -d' ' -f2)" -gt 0 ] &&
		[ "${got##* }" = 0 ]; then
		echo "PASS $name-tp-guest-sched-and-hypervisor-exits"
	else
		echo "FAIL $name-tp-guest-sched-and-hypervisor-exits: guest sched rows, pkvm exits, error stats: $got; guest sched_switch lines: $want"
	fi
	want=$(grep -c ': tracing_mark_write: vitrine-sync 0x' "$text")
	got=$(tp_value "$out" marks)
	if [ "$want" -gt 0 ] && [ "$got" = "$want 1 0" ]; then
		echo "PASS $name-tp-guest-markers-at-their-exits"
	else
		echo "FAIL $name-tp-guest-markers-at-their-exits: markers paired with an exit, exactly at it, after it: $got; $want markers"
	fi
}

# tp_counters NAME DUMP OUT: each VM's exits/s and injected IRQs/s tracks add up to its counts in
# `vtrace stats` (a value per 10 ms window, trace/perfetto.h's PFC_WINDOW_NS: 100 per record);
# its LLC misses track holds the monitor's marks for it (VT_MARK_LLC_MISSES 0x10100 + VM id);
# both clock snapshots put the counter (62.5 MHz: 16 ns a tick) at the trace's own time.
tp_counters() {
	local name=$1 dump=$2 out=$3 vm n got want why="" llc
	while read -r vm; do
		for k in exits injections; do
			n=$(sed -n "s/^VM $vm: $k \([0-9]*\).*/\1/p" "$out.stats")
			if [ $k = exits ]; then got=$(tp_value "$out" "counter $vm exits/s"); else
				got=$(tp_value "$out" "counter $vm injected IRQs/s"); fi
			[ "$n" = 0 ] && [ -z "$got" ] && continue
			[ "${got% *}" = "$((n * 100))" ] || why="$why $vm $k: ${got% *}/100 in the counter, $n in stats;"
		done
	done < <(sed -n 's/^VM \(.*\): exits .*/\1/p' "$out.stats")
	# The marks, as "VM-index value" lines, then per VM: how many and their sum.
	llc=$("$O/host/vtrace" dump "$dump" | awk -v vms="$(sed -n 's/^trace: \([0-9]*\) VMs.*/\1/p' "$out.stats")" \
		'$5 == "MARK" && $7 >= 65792 && $7 < 65792 + vms { n[$7 - 65792]++; s[$7 - 65792] += $9 }
		END { for (v in n) print v, s[v] " " n[v] }')
	while read -r vm want; do
		[ -n "$vm" ] || continue
		vm=$(sed -n "$((vm + 1))p" < <(sed -n 's/^VM \(.*\): exits .*/\1/p' "$out.stats"))
		got=$(tp_value "$out" "counter $vm LLC misses")
		[ "$got" = "$want" ] || why="$why $vm LLC misses: sum and values $got in the counter, $want marked;"
	done <<<"$llc"
	[ "$(tp_value "$out" clock_pairs)" = 2 ] || why="$why clock snapshots agreeing: $(tp_value "$out" clock_pairs), want 2;"
	if [ -z "$why" ]; then
		echo "PASS $name-tp-counters-per-vm$([ -n "$llc" ] && echo -llc)"
	else
		echo "FAIL $name-tp-counters-per-vm:$why"
	fi
}
