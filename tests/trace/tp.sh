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
	sed -n "s/^\"$2\",\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$1" | head -1
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
select 'cpus', count(*) from cpu;
select 'sched_cpus', count(distinct cpu) from sched;
select 'hyp_exits', count(*) from pkvm_hypervisor_events;
select 'states', count(*) from slice where category = 'state';
select 'unnamed_states', count(*) from slice where category = 'state' and
  (name glob '* [0-9]*' or substr(name, -1) = '?' or extract_arg(arg_set_id, 'debug.state') is null);
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

	# A cpu row per ring; sched rows on each pCPU that has exits (it switched to the hypervisor).
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
}
