# Shared by the test scripts: results are lines "PASS name" / "FAIL name: why",
# counted by tests/run.sh.

# MODE names the run (e.g. "/icount") in test names and logs; QEMU_ARGS are added to QEMU's.
MODE=${MODE:-}
QEMU_ARGS=${QEMU_ARGS:-}

O=${O:-out}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# read_text VAR <<-'LUA' ... LUA: VAR is set to the here-document as it stands, every line
# ending in a newline (what to type at a console, without $'...' quoting).
read_text() { IFS= read -r -d '' "$1" || true; }

# suite NAME: a test script's logs and build products go to $B ($O/test/NAME, made),
# its own sources are in $HERE (tests/NAME).
suite() {
	B=$O/test/$1
	HERE=tests/$1
	mkdir -p "$B"
}

# boot CONFIG [SECONDS [INPUT]]: runs out/CONFIG/vitrine.elf in QEMU under a
# timeout, INPUT typed on its serial port (or what $FEED types); the console goes to $LOG and QEMU's
# exit status to $STATUS.
boot() {
	local config=$1 secs=${2:-60} input=${3:-}
	mkdir -p "$O/test"
	LOG=$O/test/$config${MODE//\//.}.log
	rm -f "$LOG" # a FEED that waits for a line (wait_log) must not find the last run's
	# shellcheck disable=SC2086 # QEMU_ARGS is a list of arguments
	# FEED, if set, is a command that types instead (e.g. with pauses between keys).
	${FEED:-printf %s "$input"} | timeout -k 5 "$secs" scripts/run.sh "$O/$config/vitrine.elf" \
		$QEMU_ARGS >"$LOG" 2>&1
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
}

# wait_log TEXT [SECONDS] [TIMES]: until $LOG holds TEXT (a fixed string)
# TIMES times (default once), at most SECONDS (default 120); false if not. For typing into a console
# only once it has asked.
wait_log() {
	local i
	for ((i = 0; i < ${2:-120} * 10; i++)); do
		[ "$(grep -Fac -- "$1" "$LOG" 2>/dev/null)" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}

# A Linux guest's shell (guests/linux/init), typed into once it is up: each
# of $LINUX_TYPE once the shell has echoed the one before (its prompt ends no
# line, so the console shows it only with the echo), or once the console
# shows the same entry of $LINUX_WAIT, if there is one (as many times as
# that entry of $LINUX_TIMES says: a second boot).
feed_linux() {
	local i
	wait_log 'vitrine-linux: userspace up' || return
	sleep 2
	for i in "${!LINUX_TYPE[@]}"; do
		printf '%s\n' "${LINUX_TYPE[i]}"
		wait_log "${LINUX_WAIT[i]:-${LINUX_TYPE[i]}}" 120 "${LINUX_TIMES[i]:-1}" || return
		sleep 1
	done
	sleep 5 # the last line's effect (a power-off) is QEMU's to finish
}

# What both demos show (test_demo, test_rv_demo; $1 names the checks): Linux up in its
# colours, the timer's verdict, the console attached to Linux and answering, Linux powered
# off, its exits counted by class from the rings, and QEMU's clean exit.
check_demo() {
	check "$1"/demo-linux-userspace has '^\[linux\] vitrine-linux: userspace up, 2 CPUs$'
	check "$1"/demo-linux-colours has '^vitrine: VM linux: colours 8-15: 65536 coloured frames mapped, 0 outside their colours$'
	check "$1"/demo-rt-reports has '^\[rt\] timer: ok$'
	check "$1"/demo-console-linux-attached has '^console: attached to linux; Ctrl-\] leaves$'
	check "$1"/demo-console-linux-answers has '^hi-42$'
	check "$1"/demo-linux-poweroff has '^vitrine: VM linux powered off$'
	check "$1"/demo-linux-info has $'^linux-info\toff\ttrue\t2$'
	check "$1"/demo-linux-exits-by-class has $'^linux-exits\ttrue\ttrue$'
	check "$1"/demo-qemu-exit-0 exited 0
}

# The demos' end (test_demo, test_rv_demo): `console linux` at the monitor's prompt, a
# line typed into Linux's shell and its answer, Linux's power-off, Ctrl-] back to the
# monitor, Linux's state as the monitor sees it, then the system's power-off.
demo_console_linux() {
	printf 'console linux\r'
	wait_log 'console: attached to linux' || return
	sleep 1
	printf 'echo hi-$((6*7))\r'
	wait_log 'hi-42' || return
	printf 'poweroff -f\r'
	wait_log 'VM linux powered off' || return
	sleep 1
	printf '\x1d'
	wait_log 'console: left linux' || return
	printf "v = vm.info('linux') print('linux-info', v.state, v.exits > 0, #v.vcpus)\\r"
	sleep 1
	printf 'vitrine.poweroff()\r'
	sleep 5
}

# console_type VM TEXT SECONDS: at the monitor's prompt, attach to VM's
# console, type TEXT into it, and give it SECONDS (Ctrl-] leaves: the caller's).
console_type() {
	printf 'console %s\r' "$1"
	sleep 1
	printf '%s' "$2"
	sleep "$3"
}

# The console as a terminal shows it: CR LF ends a line, a lone CR returns
# to the start of the line (the monitor redraws its prompt that way), and
# escape sequences (cursor moves, clear to end of line) are dropped.
render() { sed -e 's/\r$//' -e 's/.*\r//' -e 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# Free TCP ports on the host's loopback (two, or $1), for a networked system's forwards.
free_ports() {
	python3 -c 'import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))' "${1:-2}"
}

# check NAME CONDITION-COMMAND...: one test line from a command's success.
check() {
	local name=$1$MODE
	shift
	if "$@"; then pass "$name"; else fail "$name" "$(why "$@")"; fi
}

why() {
	case $1 in
	has) echo "no line matching '$2' in $LOG" ;;
	lacks) echo "unexpected line matching '$2' in $LOG: $(grep -E -m1 -- "$2" "$LOG")" ;;
	count) echo "$(grep -Ec -- "$3" "$LOG") lines match '$3', want $2 ($LOG)" ;;
	exited) echo "QEMU exit status $STATUS, want $2 ($LOG)" ;;
	*) echo "$*" ;;
	esac
}

has() { grep -Eq -- "$1" "$LOG"; }
lacks() { ! grep -Eq -- "$1" "$LOG"; }
count() { [ "$(grep -Ec -- "$2" "$LOG")" = "$1" ]; }
exited() { [ "$STATUS" = "$1" ]; }

# Every console line is a whole line from the hypervisor or from one VM (with FIRMWARE=1,
# after the firmware's banner: OpenSBI's, before the hypervisor's first line on riscv64).
lines_whole() { ! after_firmware <"$LOG" | grep -Ev '^(vitrine: |\[[A-Za-z0-9_-]+\] |qemu-system-(aarch64|riscv64): (terminating|warning: icount sleep disabled))' | grep -q .; }
after_firmware() { if [ "${FIRMWARE:-}" = 1 ]; then sed '1,/^vitrine: Vitrine on /{/^vitrine: Vitrine on /!d}'; else cat; fi; }

# No console line from VM $1 after the first line matching $2.
no_vm_line_after() { ! awk -v re="$2" -v vm="[$1]" '$0 ~ re {s = 1; next} s && index($0, vm) == 1 {f = 1} END {exit !f}' "$LOG"; }

# A 3-vCPU VM `smp` faulted on vCPU 0 (PC prefix $2, its RAM's) while its other vCPUs were busy:
# all three stopped, nothing printed after, the neighbour `hello` finished. $1: the suite's prefix.
check_smp_fault() {
	check "$1/smp-fault-reported" has \
		"^vitrine: VM smp vCPU 0: stage-2 fault: read outside the VM's memory at IPA 0x7ff00000, PC $2[0-9a-f]+ "
	check "$1/smp-fault-busy-vcpus-ran" has '^\[smp\] vCPU [12] tick [0-9]+ \.$'
	check "$1/smp-fault-vm-stopped" has '^vitrine: VM smp stopped$'
	check "$1/smp-fault-all-vcpus-stopped" no_vm_line_after smp '^vitrine: VM smp stopped$'
	check "$1/smp-fault-neighbour-finishes" has '^\[hello\] bye$'
	check "$1/smp-fault-qemu-exit-0" exited 0
}

# Every vCPU line of `vtrace stats` says the trace's exit count equals the hypervisor's.
exits_all_equal() {
	local n
	n=$(grep -c '^vCPU .*: exits: trace [0-9]*, hypervisor [0-9]*, equal$' "$1")
	[ "$n" = "$2" ] && ! grep -q 'DIFFERENT' "$1"
}

# The `basic` config ran: VM hello (1 vCPU, colours 0-7) and VM smp (3 vCPUs, colours 8-15)
# printed, their colour walks found no stray frame, the hypervisor's own map ($2: EL2 or HS)
# holds no VM memory, and all powered off. $1: the suite's prefix.
check_basic() {
	check "$1/basic-hello-prints" has '^\[hello\] Hello from VM 0, vCPU 0 of 1$'
	check "$1/basic-smp-prints" has '^\[smp\] all 3 vCPUs up, 2 back off$'
	check "$1/basic-fp-in-guest" has '^\[hello\] FP works: 1.5 \* 2.25 = 3375/1000$'
	check "$1/basic-console-write-hypercall" has '^\[hello\] and hello through the console_write hypercall$'
	check "$1/basic-whole-lines" lines_whole
	check "$1/basic-colour-walk-hello" has '^vitrine: VM hello: colours 0-7: 4096 coloured frames mapped, 0 outside their colours$'
	check "$1/basic-colour-walk-smp" has '^vitrine: VM smp: colours 8-15: 8192 coloured frames mapped, 0 outside their colours$'
	check "$1/basic-${2,,}-maps-no-vm-memory" has "^vitrine: $2 map: [0-9]+ KiB hypervisor image, [0-9]+ KiB devices, 0 KiB other\$"
	check "$1/basic-powers-off" has '^vitrine: all VMs are down: powering off$'
	check "$1/basic-qemu-exit-0" exited 0
}

# The `probe` config's three probes (VMs probe-vm, probe-hyp and probe-$2) were all
# stopped, none escaped, and the neighbour `hello` ran to its end. $1: the suite's prefix.
check_probes_stopped() {
	check "$1/probe-vms-stopped" count 3 "^vitrine: VM probe-(vm|hyp|$2) stopped\$"
	check "$1/probe-nothing-escaped" lacks 'PROBE ESCAPED'
	check "$1/probe-neighbour-finishes" has '^\[hello\] bye$'
	check "$1/probe-neighbour-powers-off" has '^vitrine: VM hello powered off$'
	check "$1/probe-qemu-exit-0" exited 0
}

# The monitor's Lua console through the UART, on either architecture: answers,
# errors that leave it working, line editing (DEL, Ctrl-U), a chunk over several
# lines, CR LF line ends, and vitrine.poweroff() with the monitor's sizes.
# MON_REPL_IN is what is typed; check_monitor_repl PREFIX checks what came.
MON_REPL_IN=$'print(1+2)\n2^10\nstring.rep(\'ab\',3)\nx = = 1\nerror(\'boom\')\nprint(\'still here\')\n'
MON_REPL_IN+=$'print(6*77\x7f)\ngarbage\x15print(\'after ctrl-u\')\nfunction sq(x)\nreturn x*x\nend\nsq(12)\n'
MON_REPL_IN+=$'print(\'crlf\')\r\nprint(\'next\')\r\nvitrine.poweroff()\n'
check_monitor_repl() {
	check "$1"/monitor-banner has '^monitor: Lua 5\.4\.[0-9]+ console; '
	check "$1"/monitor-echoes-input has '^lua> print\(1\+2\)$'
	check "$1"/monitor-print has '^3$'
	check "$1"/monitor-expression-value has '^1024\.0$'
	check "$1"/monitor-string-lib has '^ababab$'
	check "$1"/monitor-syntax-error has "^console:1: unexpected symbol near '='$"
	check "$1"/monitor-runtime-error has '^console:1: boom$'
	check "$1"/monitor-carries-on-after-errors has '^still here$'
	check "$1"/monitor-backspace has '^42$'
	check "$1"/monitor-ctrl-u has '^after ctrl-u$'
	check "$1"/monitor-continued-chunk has '^lua>> end$'
	check "$1"/monitor-continued-chunk-runs has '^144$'
	check "$1"/monitor-crlf-line-ends has '^crlf$'
	check "$1"/monitor-no-empty-line-from-crlf lacks '^lua> $'
	check "$1"/monitor-sizes has \
		'^monitor: image [0-9]+ KiB, Lua state uses [0-9]+ KiB after a full collection, heap top [0-9]+ KiB$'
	check "$1"/monitor-powered-off has '^vitrine: VM monitor powered off$'
	check "$1"/monitor-neighbour-runs has '^\[hello\] bye$'
	check "$1"/monitor-vm-lines-whole lacks '.\[hello\] '
	check "$1"/monitor-qemu-exit-0 exited 0
}

# net_system CONFIG NAME: boots CONFIG in the background ($pid), its log $O/test/NAME.log,
# the caller's $cport and $sport forwarded, until `vitrine eval` answers ($out: 42).
# The UART types nothing (stdin at EOF): the system stays up until a client powers it off.
net_system() {
	LOG=$O/test/$2${MODE//\//.}.log
	# shellcheck disable=SC2086 # QEMU_ARGS is a list of arguments
	NET_PORT=$cport NET_TRACE_PORT=$sport timeout -k 5 120 \
		scripts/run.sh "$O/$1/vitrine.elf" $QEMU_ARGS </dev/null >"$LOG" 2>&1 &
	pid=$!
	for _ in $(seq 120); do
		out=$("$O/host/vitrine" eval --port "$cport" 'print(6*7)' 2>/dev/null) && break
		sleep 0.5
	done
}

# The `shm` config: the writer's second RAM region and pass-through device (a virtio-mmio
# slot), its message read through the channel, the reader stopped writing its read-only
# mapping (at PC prefix $2, its RAM's). $1: the suite's prefix.
check_shm() {
	check "$1/shm-second-ram-region" has '^\[writer\] second RAM region: read back 0x1234$'
	check "$1/shm-passthrough-device" has '^\[writer\] pass-through device: magic 0x74726976$'
	check "$1/shm-channel-carries-data" has '^\[reader\] channel says: written by the other VM$'
	check "$1/shm-read-only-enforced" has \
		"^vitrine: VM reader vCPU 0: stage-2 fault: write to a read-only page at IPA 0x50000000, PC $2[0-9a-f]+ "
	check "$1/shm-nothing-escaped" lacks 'ESCAPED'
	check "$1/shm-qemu-exit-0" exited 0
}

# The timer guest's worst lateness, in ticks, is below $1.
timer_max_below() {
	local max
	max=$(sed -n 's/^\[timer\] timer: .* lateness .* max \([0-9]*\) ticks$/\1/p' "$LOG")
	[ -n "$max" ] && [ "$max" -lt "$1" ]
}

# The `timer` config: 1000 periodic interrupts of period $2 ticks (1 ms), none early, none
# missing, none after the timer stopped. $1: the suite's prefix.
check_timer() {
	check "$1/timer-1000-interrupts" has "^\[timer\] timer: 1000 interrupts, period $2 ticks, lateness "
	check "$1/timer-none-early-none-missing" has '^\[timer\] timer: ok$'
	# Lateness is a count of emulated time only under -icount; free-running, it is the host's noise.
	[ -n "$MODE" ] && check "$1/timer-never-a-period-late" timer_max_below "$2"
	check "$1/timer-qemu-exit-0" exited 0
}

# The `pingpong` config: 10,000 round trips between ping and pong over channel `pp` (of
# colour 15), each way a doorbell interrupt, and ping's ring on `side`, pong's alone, refused.
# $1: the suite's prefix.
check_pingpong() {
	check "$1/pingpong-coloured-channel" count 2 '^vitrine: VM (ping|pong): colours 15: 1 coloured frames mapped, 0 outside their colours$'
	check "$1/pingpong-10000-round-trips" has '^\[ping\] pingpong: 10000 round trips, 0 bad$'
	check "$1/pingpong-pong-answered-all" has '^\[pong\] pingpong: answered 10000, 0 bad$'
	check "$1/pingpong-non-member-refused" has '^\[ping\] pingpong: notify on a foreign channel -> -4$'
	check "$1/pingpong-refusal-counted" has '^vitrine: channel side: 0 notifies, 0 delivered, 1 denied$'
	check "$1/pingpong-doorbells-counted" has '^vitrine: channel pp: 20000 notifies, 20000 delivered, 0 denied$'
	check "$1/pingpong-powers-off-once" count 1 '^vitrine: all VMs are down: powering off$'
	check "$1/pingpong-qemu-exit-0" exited 0
}
