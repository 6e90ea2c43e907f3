#!/usr/bin/env bash
# Trace tests: the ring (include/vitrine/trace_ring.h) under two threads, plain and under
# ThreadSanitizer; the ENTER folded into an EXIT (include/vitrine/trace_fold.h); vtrace on
# generated dumps (stats numbers, dump listing, Perfetto output through
# protoc and check-perfetto, format 1 read as format 2); corrupted and truncated
# dumps (exit 1 and an offset, never a signal); the checker's own rules; Perfetto's
# trace processor on the output, when ../shared has it (tests/trace/tp.sh); the
# fuzzing corpus replayed with ASan/UBSan. One PASS/FAIL line per test;
# always exits 0.
#
# usage: tests/trace/run.sh     (env: O, default out; RING_RECORDS)

cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite trace
VT=$O/host/vtrace
RING_RECORDS=${RING_RECORDS:-3000000}
CFLAGS="-std=c11 -Wall -Wextra -Werror -g -Iinclude"
LIB="trace/dump.c trace/decode.c trace/stats.c trace/pb.c trace/perfetto.c trace/perfetto_ftrace.c trace/perfetto_counters.c trace/perfetto_guest.c trace/pbcheck.c"

pass() { echo "PASS trace/$1"; }
fail() { echo "FAIL trace/$1: $2"; }

# build NAME OUTPUT GCC-ARGS...: compiles, or prints a FAIL line and returns 1.
build() {
	name=$1 out=$2
	shift 2
	# shellcheck disable=SC2086 # CFLAGS is a list
	if gcc $CFLAGS "$@" -o "$out" 2>"$out.log"; then return 0; fi
	fail "$name" "does not compile: $(head -3 "$out.log" | tr '\n' ' ')"
	return 1
}

# ring TAG BINARY RECORDS: runs the ring tests; a non-zero exit without a FAIL line fails too.
ring() {
	"$2" "$3" "$1" >"$B/ring$1.out" 2>"$B/ring$1.err"
	rc=$?
	cat "$B/ring$1.out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$B/ring$1.out"; then
		fail "ring$1" "exit $rc: $(grep -m1 -E 'WARNING|ERROR|SUMMARY' "$B/ring$1.err")"
	fi
}

build ring "$B/test_ring" -O2 -pthread $HERE/test_ring.c && ring "" "$B/test_ring" "$RING_RECORDS"
# gcc cannot instrument the flight mode's stand-alone fences (-Wtsan): TSan checks
# the rest, the records' hash checks intactness.
build ring-tsan "$B/test_ring_tsan" -O1 -pthread -fsanitize=thread -Wno-tsan \
	$HERE/test_ring.c &&
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" ring " (tsan)" "$B/test_ring_tsan" 500000

if ! make -s "$VT" >"$B/build.log" 2>&1; then
	fail vtrace/build "$(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
build gen_dump "$B/gen_dump" -O1 $HERE/gen_dump.c trace/pb.c || exit 0
G=$B/gen_dump

# The manual's event table is the one the vocabulary's X-macro makes (vitrine/trace.h).
"$VT" events >"$B/events.md"
sed -n '/^| event | class | payload |$/,/^[^|]/p' docs/tracing.md | grep '^|' >"$B/events.doc"
if ! grep -q '^| `lost` |' "$B/events.md"; then
	fail vtrace/events "vtrace events printed no table"
elif ! cmp -s "$B/events.md" "$B/events.doc"; then
	fail vtrace/events-table-in-docs "docs/tracing.md's table differs from 'vtrace events': $(diff "$B/events.md" "$B/events.doc" | grep -m1 '^[<>]')"
else
	pass vtrace/events-table-in-docs
fi

# stats: every line the generator predicts, verbatim.
$G valid "$B/valid.vtr" >"$B/valid.expect"
if ! timeout 10 "$VT" stats "$B/valid.vtr" >"$B/valid.stats" 2>"$B/valid.err"; then
	fail vtrace/stats "exit $?: $(head -1 "$B/valid.err")"
elif m=$(grep -vxF -f "$B/valid.stats" "$B/valid.expect" | head -1) && [ -n "$m" ]; then
	fail vtrace/stats "missing or different: '$m'"
else
	pass vtrace/stats
fi

$G mismatch "$B/mismatch.vtr" >/dev/null
timeout 10 "$VT" stats "$B/mismatch.vtr" >"$B/mismatch.stats" 2>"$B/mismatch.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'hello/0 on cpu 0: exits: trace 43, hypervisor 44, DIFFERENT' \
	"$B/mismatch.stats"; then
	pass vtrace/stats-exit-mismatch
else
	fail vtrace/stats-exit-mismatch "exit $rc, $(grep hello/0 "$B/mismatch.stats")"
fi

# Format 1 (each ENTER a record) and format 2 (folded, and one run too long to fold: an
# ENTER record) of the same events: the same listing and Perfetto trace; stats differ
# only in ring record counts, which count what the rings held.
$G valid1 "$B/valid1.vtr" >"$B/valid1.expect"
why=
for f in valid valid1; do
	timeout 10 "$VT" dump "$B/$f.vtr" >"$B/$f.list" 2>&1 || why="$why dump $f: exit $?"
	timeout 10 "$VT" perfetto "$B/$f.vtr" -o "$B/$f.pf" 2>&1 || why="$why perfetto $f: exit $?"
done
timeout 10 "$VT" stats "$B/valid1.vtr" >"$B/valid1.stats" 2>&1 || why="$why stats: exit $?"
cmp -s "$B/valid.list" "$B/valid1.list" || why="$why dump listings differ"
cmp -s "$B/valid.pf" "$B/valid1.pf" || why="$why Perfetto traces differ"
m=$(grep -vxF -f "$B/valid1.stats" "$B/valid1.expect" | head -1)
[ -z "$m" ] || why="$why stats: missing or different '$m'"
[ "$(cmp -s "$B/valid.vtr" "$B/valid1.vtr"; echo $?)" = 1 ] || why="$why the dumps are the same"
if [ -n "$why" ]; then
	fail vtrace/format-1-same-events "$why"
else
	pass vtrace/format-1-same-events
fi

# dump: one line per record plus the heading, payloads decoded.
timeout 10 "$VT" dump "$B/valid.vtr" >"$B/valid.dump" 2>"$B/valid.err"
rc=$? lines=$(wc -l <"$B/valid.dump")
missing=
for want in 'EXIT       data abort IPA 0x9000000 ESR 0x93c08045' 'EXIT       IRQ INTID 27' \
	'INJECT     vINTID 33 (hw INTID 33)' 'LOST       10 records lost' 'MARK       marker 1' \
	'HVC        fn 0xc6000000' 'EXIT       EC 0x7 ESR' 'FAULT      ESR 0x93c28006 IPA 0x48000000' \
	'EXIT       SMC ESR 0x5e000000' 'EXIT       sysreg ESR'; do
	grep -qF -- "$want" "$B/valid.dump" || missing=$want
done
if [ $rc -ne 0 ] || [ "$lines" -ne 455 ] || [ -n "$missing" ]; then
	fail vtrace/dump "exit $rc, $lines lines (want 455), missing '$missing'"
else
	pass vtrace/dump
fi

# The same records in a dump whose header says riscv64 (arch word, offset 20): named as
# riscv64's scause codes and interrupt causes, not as Arm's classes.
cp "$B/valid.vtr" "$B/riscv64.vtr"
printf '\001' | dd of="$B/riscv64.vtr" bs=1 seek=20 conv=notrunc status=none
timeout 10 "$VT" dump "$B/riscv64.vtr" >"$B/riscv64.dump" 2>&1
missing=
for want in 'EXIT       store guest-page fault IPA ' 'EXIT       virtual instruction scause ' \
	'EXIT       IRQ cause 27' 'EXIT       scause 0x7 scause ' 'FAULT      scause 0x93c28006 IPA'; do
	grep -qF -- "$want" "$B/riscv64.dump" || missing=$want
done
if [ -n "$missing" ] || grep -q ' SMC \| HVC ESR\|data abort' "$B/riscv64.dump"; then
	fail vtrace/dump-riscv64 "missing '$missing', or Arm's names: $(grep -m1 ' SMC \|data abort' "$B/riscv64.dump")"
else
	pass vtrace/dump-riscv64
fi

# perfetto: protoc decodes it, check-perfetto accepts it, a few decoded values.
if ! command -v protoc >/dev/null; then
	fail vtrace/perfetto-protoc "no protoc (scripts/deps.sh installs protobuf-compiler)"
fi
for d in valid small; do
	[ -f "$B/$d.vtr" ] || $G $d "$B/$d.vtr" >/dev/null
	pf=$B/$d.perfetto-trace
	if ! timeout 10 "$VT" perfetto "$B/$d.vtr" -o "$pf" 2>"$B/$d.pferr"; then
		fail vtrace/perfetto-$d "exit $?: $(head -1 "$B/$d.pferr")"
		continue
	fi
	if out=$(timeout 10 "$VT" check-perfetto "$pf" 2>&1); then
		pass "vtrace/check-perfetto-$d"
	else
		fail "vtrace/check-perfetto-$d" "$out"
	fi
	command -v protoc >/dev/null || continue
	if ! protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto \
		<"$pf" >"$B/$d.txt" 2>"$B/$d.protoc.err"; then
		fail "vtrace/perfetto-protoc-$d" "exit $?: $(head -1 "$B/$d.protoc.err")"
		continue
	fi
	missing=
	[ $d = valid ] && for want in 'process_name: "smp"' 'thread_name: "smp vCPU 1"' \
		'thread_name: "pCPU 3"' 'name: "VM hello"' 'name: "MMIO 0x9000000"' 'name: "IRQ 27"' \
		'name: "running"' 'name: "inject vINTID 33"' 'terminating_flow_ids: 1' \
		'counter_value: 1000' 'counter_value: 12' 'unit: UNIT_COUNT' 'type: TYPE_SLICE_END' \
		'name: "EC 0x7"' 'name: "mark 1"' 'name: "FAULT"' 'pointer_value: 1207959552' \
		'categories: "exit"' 'categories: "irq"' 'string_value: "data abort"' \
		'string_value: "off"' 'next_comm: "smp vCPU 1"' 'next_pid: 4195330' 'hyp_enter {' \
		'hyp_exit {' 'host_mem_abort {' 'host_hcall {' 'host_smc {' 'processor: "Vitrine pCPU 3"'; do
		grep -qF -- "$want" "$B/$d.txt" || missing=$want
	done
	if [ -n "$missing" ]; then
		fail "vtrace/perfetto-protoc-$d" "no '$missing' in $B/$d.txt"
	else
		pass "vtrace/perfetto-protoc-$d"
	fi
done

# Perfetto's trace processor (when ../shared has it): its cpu, sched, thread_state and
# pkvm.hypervisor tables agree with the dump.
. "$HERE/tp.sh"
tp_checks trace/vtrace/perfetto-valid "$B/valid.vtr" "$B/valid.perfetto-trace"

# A guest's ftrace text merged in (vtrace perfetto --guest): hello "read" 0x60100000 once in
# valid.vtr; guest.txt has the marker, typed events (a comm with blanks too), generic ones.
pf=$B/valid-guest.perfetto-trace
if ! timeout 10 "$VT" perfetto "$B/valid.vtr" -o "$pf" --guest "hello=$HERE/guest.txt" 2>"$B/guest.err"; then
	fail vtrace/perfetto-guest "exit $?: $(head -1 "$B/guest.err")"
elif ! out=$(timeout 10 "$VT" check-perfetto "$pf" 2>&1); then
	fail vtrace/perfetto-guest "$out"
elif command -v protoc >/dev/null && protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto \
	<"$pf" >"$B/guest.txt" 2>&1 && m=$(for want in 'machine_id: 1' 'next_comm: "sh pid 45"' \
		'prev_state: 1' 'sched_waking {' 'irq_handler_exit {' 'buf: "I|46|vitrine-sync 0x60100000\n"' \
		'event_name: "cpu_idle"' 'str_value: "state=1 cpu_id=1"' 'child_pid: 47' 'vec: 9'; do
		grep -qF -- "$want" "$B/guest.txt" || echo "$want"; done | head -1) && [ -n "$m" ]; then
	fail vtrace/perfetto-guest "no '$m' in $B/guest.txt"
else
	pass vtrace/perfetto-guest
fi
tp_guest_checks trace/vtrace/perfetto-guest "$pf" "$HERE/guest.txt"
# ... and refused: an unknown VM, no marker, a marker the dump has no exit for, a CPU past 255,
# an event that would fall before the dump's 0.
bad=
grep -v vitrine-sync "$HERE/guest.txt" >"$B/guest-nomark.txt"
sed 's/0x60100000/0x60200000/' "$HERE/guest.txt" >"$B/guest-elsewhere.txt"
sed 's/\[001\] d\.\.2\./[300] d..2./' "$HERE/guest.txt" >"$B/guest-cpu.txt"
sed 's/ 100\.000100: / 1.000100: /' "$HERE/guest.txt" >"$B/guest-early.txt"
for c in "nosuch=$HERE/guest.txt:no VM nosuch" "hello=$B/guest-nomark.txt:no \"vitrine-sync ADDR\" marker" \
	"hello=$B/guest-elsewhere.txt:0 exits of VM hello at IPA 0x60200000" \
	"hello=$B/guest-cpu.txt:guest CPU 300" "hello=$B/guest-early.txt:before the dump's 0"; do
	timeout 10 "$VT" perfetto "$B/valid.vtr" -o "$B/bad.pf" --guest "${c%%:*}" 2>"$B/guest.err"
	rc=$?
	[ $rc -eq 1 ] && grep -qF -- "${c#*:}" "$B/guest.err" || bad="$bad ${c%%=*}: exit $rc, $(head -1 "$B/guest.err");"
done
if [ -n "$bad" ]; then
	fail vtrace/perfetto-guest-refused "$bad"
else
	pass vtrace/perfetto-guest-refused
fi

# check-perfetto refuses each broken rule, and a truncated trace.
bad=
for k in $($G pfkinds); do
	want=$($G badpf "$k" "$B/bad.pf")
	timeout 10 "$VT" check-perfetto "$B/bad.pf" >/dev/null 2>"$B/bad.pf.err"
	rc=$?
	if [ "$k" = good ]; then
		[ $rc -eq 0 ] || bad="$bad good:$rc"
	elif [ $rc -ne 1 ] || ! grep -qF -- "$want" "$B/bad.pf.err"; then
		bad="$bad $k:$rc:$(head -1 "$B/bad.pf.err")"
	fi
done
size=$(wc -c <"$B/valid.perfetto-trace")
head -c $((size - 7)) "$B/valid.perfetto-trace" >"$B/cut.pf"
timeout 10 "$VT" check-perfetto "$B/cut.pf" >/dev/null 2>&1
[ $? -eq 1 ] || bad="$bad truncated"
if [ -n "$bad" ]; then
	fail vtrace/check-perfetto-rules "$bad"
else
	pass vtrace/check-perfetto-rules
fi

# expect_bad FILE WANT: every command exits 1 with WANT (or any offset) in its message.
expect_bad() {
	for cmd in dump stats perfetto; do
		if [ $cmd = perfetto ]; then
			timeout 10 "$VT" perfetto "$1" -o "$B/bad.out" >/dev/null 2>"$B/bad.err"
		else
			timeout 10 "$VT" $cmd "$1" >/dev/null 2>"$B/bad.err"
		fi
		rc=$?
		[ $rc -eq 1 ] || { echo "$cmd: exit $rc"; return; }
		grep -qF -- "$2" "$B/bad.err" || { echo "$cmd: $(head -1 "$B/bad.err")"; return; }
	done
}

for k in $($G kinds); do
	want=$($G corrupt "$k" "$B/corrupt.vtr")
	why=$(expect_bad "$B/corrupt.vtr" "$want")
	if [ -n "$why" ]; then
		fail "vtrace/corrupt-$k" "$why (want '$want')"
	else
		pass "vtrace/corrupt-$k"
	fi
done

# Truncated at every byte of the small dump (464 bytes).
$G small "$B/small.vtr" >/dev/null
size=$(wc -c <"$B/small.vtr") bad=
i=0
while [ $i -lt "$size" ]; do
	head -c $i "$B/small.vtr" >"$B/cut.vtr"
	timeout 10 "$VT" dump "$B/cut.vtr" >/dev/null 2>"$B/cut.err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "^vtrace: .*: offset [0-9]*: " "$B/cut.err"; then
		bad="at $i: exit $rc $(head -1 "$B/cut.err")"
		break
	fi
	i=$((i + 1))
done
if [ -n "$bad" ]; then
	fail vtrace/truncated "$bad"
else
	pass "vtrace/truncated-at-$size-offsets"
fi

# The fuzzing corpus through the decoder, writer and checker with ASan/UBSan.
# shellcheck disable=SC2086 # LIB is a list of files
if build fuzz-replay "$B/fuzz_replay" -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -DFUZZ_REPLAY $HERE/fuzz_dump.c $LIB; then
	if out=$("$B/fuzz_replay" $HERE/corpus/* "$B/valid.vtr" "$B/valid.perfetto-trace" 2>&1); then
		pass "fuzz-replay: $out"
	else
		fail fuzz-replay "$(echo "$out" | grep -m1 -E 'ERROR|runtime error|abort')"
	fi
fi
exit 0
