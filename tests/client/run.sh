#!/usr/bin/env bash
# The vitrine client and the trace stream, on the host: the monitor's
# encoder over synthetic rings through the client's decoder (test_stream,
# with ASan/UBSan); `vitrine record` fed those streams by a stand-in server
# (whole, with a gap, truncated, garbage, an error frame), its Perfetto
# output through check-perfetto and protoc; `vitrine eval`, `repl` and `top`
# against a scripted stand-in console (prompt handling only: the real end to
# end test needs the networked monitor). Every connection first goes
# through the handshake with the key in $VITRINE_KEY (a test key here);
# a wrong or missing key is refused with exit status 4. One PASS/FAIL line
# per test; always exits 0.
#
# usage: tests/client/run.sh     (env: O, default out)

cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite client
VC=$O/host/vitrine
VT=$O/host/vtrace

pass() { echo "PASS client/$1"; }
fail() { echo "FAIL client/$1: $2"; }

if ! make -s "$VC" "$VT" >"$B/build.log" 2>&1; then
	fail build "$(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
if ! gcc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iinclude -Itrace -Itools/vitrine $HERE/test_stream.c monitor/stream.c \
	tools/vitrine/frame.c trace/dump.c -o "$B/test_stream" 2>"$B/cc.log" ||
	! gcc -std=c11 -Wall -Wextra -Werror -Iinclude -Imonitor/mbedtls -I"$O"/mbedtls-2.28.3/include \
		'-DMBEDTLS_CONFIG_FILE="vitrine_mbedtls.h"' $HERE/fake_server.c "$O"/host/mbedtls/*.o \
		-o "$B/fake_server" 2>>"$B/cc.log"; then
	fail build-tests "$(head -3 "$B/cc.log" | tr '\n' ' ')"
	exit 0
fi
"$B/test_stream" "$B" >"$B/test_stream.out" 2>"$B/test_stream.err"
rc=$?
cat "$B/test_stream.out"
# A crash or a sanitizer report fails too, FAIL line or not.
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$B/test_stream.out" || grep -q . "$B/test_stream.err"; then
	fail test_stream "exit $rc: $(grep -m1 -E 'ERROR|runtime error|.' "$B/test_stream.err")"
fi

# The secret both sides read (vitrine and fake_server: $VITRINE_KEY), and a wrong one.
od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n' >"$B/test.key"
od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n' >"$B/wrong.key"
export VITRINE_KEY=$B/test.key

# serve MODE [ARG]: a stand-in server in the background; its port in $PORT.
serve() {
	rm -f "$B/port"
	"$B/fake_server" "$B/port" "$@" &
	i=0
	while [ ! -s "$B/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$B/port" 2>/dev/null)
}

# record NAME STREAM: `vitrine record` of a served stream; exit status in $RC.
record() {
	serve stream "$B/$2"
	timeout 20 "$VC" record -o "$B/$1.perfetto-trace" --port "$PORT" >"$B/$1.out" 2>"$B/$1.err"
	RC=$?
	wait
}

# The whole stream: the counts test_stream wrote into it, a valid trace.
record whole stream.bin
if [ $RC -eq 0 ] && grep -qx 'recorded 501 events, 2686 lost, in [0-9.]* s' "$B/whole.out"; then
	pass record-summary
else
	fail record-summary "exit $RC: $(cat "$B/whole.out" "$B/whole.err" | head -2 | tr '\n' ' ')"
fi
if out=$(timeout 10 "$VT" check-perfetto "$B/whole.perfetto-trace" 2>&1); then
	pass record-check-perfetto
else
	fail record-check-perfetto "$out"
fi
if protoc --decode=perfetto.protos.Trace -Itrace trace/perfetto_subset.proto \
	<"$B/whole.perfetto-trace" >"$B/whole.txt" 2>"$B/protoc.err"; then
	missing=
	for want in 'process_name: "guest"' 'thread_name: "guest vCPU 1"' 'thread_name: "pCPU 3"' \
		'name: "VM monitor"' 'name: "HVC"' 'name: "LOST 169"' 'name: "LOST 5"' \
		'name: "inject vINTID 27"' 'terminating_flow_ids: 1' 'counter_value: 2666' \
		'name: "running"' 'next_comm: "guest vCPU 1"' 'hyp_enter {'; do
		grep -qF -- "$want" "$B/whole.txt" || missing=$want
	done
	if [ -n "$missing" ]; then fail record-protoc "no '$missing' in $B/whole.txt"; else pass record-protoc; fi
else
	fail record-protoc "exit $?: $(head -1 "$B/protoc.err")"
fi

# Broken streams: exit 1, the reason, and still a complete trace.
for c in 'gap:frames are missing' 'cut:ends inside a frame' 'garbage:not a frame' \
	'error:the system says: test: no system page'; do
	k=${c%%:*} want=${c#*:}
	record "$k" "$k.bin"
	if [ $RC -ne 1 ] || ! grep -qF -- "$want" "$B/$k.err"; then
		fail "record-refuses-$k" "exit $RC: $(head -1 "$B/$k.err") (want '$want')"
	elif ! out=$("$VT" check-perfetto "$B/$k.perfetto-trace" 2>&1); then
		fail "record-refuses-$k" "the trace left is not valid: $out"
	else
		pass "record-refuses-$k"
	fi
done

# Nobody listening: exit 3 and what to do. (Port 1 is never ours to listen on.)
"$VC" eval --port 1 'print(1)' >/dev/null 2>"$B/noconn.err"
rc=$?
if [ $rc -eq 3 ] && grep -q 'cannot connect to 127.0.0.1:1 .*Connection refused.*make run CONFIG=monitor-net' \
	"$B/noconn.err"; then
	pass not-reachable
else
	fail not-reachable "exit $rc: $(head -1 "$B/noconn.err")"
fi

# The wrong secret: exit 4, the refusal said, no answer; the stream is refused the same.
serve console
out=$(timeout 10 "$VC" eval --key "$B/wrong.key" --port "$PORT" 'print(1+2)' 2>"$B/wrong.err")
rc=$?
wait
if [ $rc -eq 4 ] && [ -z "$out" ] && grep -q 'refused the key .*wrong.key.*wrong answer to the challenge' "$B/wrong.err"; then
	pass wrong-key-refused
else
	fail wrong-key-refused "exit $rc, output '$out', $(head -1 "$B/wrong.err")"
fi
serve stream "$B/stream.bin"
VITRINE_KEY=$B/wrong.key timeout 10 "$VC" record -o "$B/wrong.perfetto-trace" --port "$PORT" >/dev/null 2>"$B/wrong-rec.err"
rc=$?
wait
if [ $rc -eq 4 ] && grep -q 'refused the key' "$B/wrong-rec.err"; then
	pass record-wrong-key-refused
else
	fail record-wrong-key-refused "exit $rc, $(head -1 "$B/wrong-rec.err")"
fi
# No key file at all: exit 4 before anything is sent, and where to get one.
serve console
VITRINE_KEY=$B/no.key timeout 10 "$VC" eval --port "$PORT" 'print(1+2)' >/dev/null 2>"$B/nokey.err"
rc=$?
wait
if [ $rc -eq 4 ] && grep -q "cannot read the system's key .*no.key" "$B/nokey.err"; then
	pass no-key
else
	fail no-key "exit $rc, $(head -1 "$B/nokey.err")"
fi

# eval NAME ECHO WANT-EXIT WANT-OUTPUT LUA: against the stand-in console.
eval_case() {
	serve console $2
	out=$(timeout 10 "$VC" eval --port "$PORT" "$5" 2>"$B/eval.err")
	rc=$?
	wait
	if [ $rc -eq "$3" ] && [ "$out" = "$4" ]; then
		pass "eval-$1"
	else
		fail "eval-$1" "exit $rc (want $3), output '$out' (want '$4') $(head -1 "$B/eval.err")"
	fi
}
eval_case value "" 0 3 'print(1+2)'
eval_case value-echoing-server echo 0 3 'print(1+2)'
eval_case lines "" 0 "a
b" "print('a') print('b')"
eval_case lua-error "" 1 'console:1: boom' "error('boom')"
eval_case lua-error-echoing-server echo 1 'console:1: boom' "error('boom')"
eval_case continuation "" 0 '' 'function f()
end'
eval_case unfinished "" 1 '' 'function f()'

# repl without a terminal: lines from stdin, answers on stdout, end of input leaves.
serve console
out=$(printf 'print(1+2)\nerror(%s)\n' "'boom'" | timeout 10 "$VC" repl --port "$PORT" 2>&1)
rc=$?
wait
if [ $rc -eq 0 ] && [ "$out" = "3
console:1: boom" ]; then pass repl-piped; else fail repl-piped "exit $rc, output '$out'"; fi

# repl on a terminal (script(1) gives it one): typing "prin(1+2)", Home, four Rights, "t",
# Enter; then Up and Enter (history); Ctrl-D leaves. The pauses only pace the keys.
serve console
keys() {
	sleep 0.5
	printf 'prin(1+2)'
	sleep 0.2
	printf '\001\033[C\033[C\033[C\033[Ct'
	sleep 0.2
	printf '\r'
	sleep 0.5
	printf '\033[A\r'
	sleep 0.5
	printf '\004'
}
keys | timeout 20 script -qec "$VC repl --port $PORT" /dev/null >"$B/tty.out" 2>&1
rc=$?
wait
n=$(tr '\r' '\n' <"$B/tty.out" | grep -c '^3$')
if [ $rc -eq 0 ] && [ "$n" = 2 ] && grep -q 'lua> print(1+2)' "$B/tty.out"; then
	pass repl-tty-editing-history
else
	fail repl-tty-editing-history "exit $rc, '3' shown $n times (want 2), see $B/tty.out"
fi

# top: defines its function (continuation prompts), two rounds parsed into a table.
serve console
out=$(timeout 20 "$VC" top --port "$PORT" --rounds 1 --interval 0.1 2>&1)
rc=$?
wait
if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^1 +hello +off +0 +0 +1$' &&
	echo "$out" | grep -q '^id  *VM  *state  *exits/s  *irqs/s  *resets$'; then
	pass top-table
else
	fail top-table "exit $rc, output '$(echo "$out" | tr '\n' '|')'"
fi
exit 0
