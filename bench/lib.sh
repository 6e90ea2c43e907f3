# bench/lib.sh: what the experiment scripts share (sourced, not run).
# Generated configs go to $B/cfg/NAME.cfg and are built as
# `make CONFIG=$B/cfg/NAME.cfg` into $O/cfg/NAME/vitrine.elf.
# ARCH=riscv64 (bench/exits.sh only) builds and counts in out/riscv64.
BENCH_ARCH=${ARCH:-aarch64}
if [ "$BENCH_ARCH" = riscv64 ]; then O=${O:-out/riscv64}; else O=${O:-out}; fi
B=$O/bench
ICOUNT=(-icount shift=0,sleep=off)
mkdir -p "$B/cfg"

bench_say() { echo "bench: $*" >&2; }

# Two free loopback TCP ports: the monitor's console's and its trace stream's.
bench_free_ports() {
	python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}

# bench_console_wait PORT TRIES: until the monitor's Lua console answers on PORT, at
# most TRIES half-seconds; false if it never does.
bench_console_wait() {
	local i
	for ((i = 0; i < $2; i++)); do
		"$O/host/vitrine" eval --port "$1" 'print(1)' >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# gnuplot comes from Debian's archive, installed on first use (not a build dependency).
bench_need_gnuplot() {
	command -v gnuplot >/dev/null && return
	bench_say "installing gnuplot-nox"
	apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null
}

# bench_build CFG [make args...]: builds a config file, prints its vitrine.elf.
bench_build() {
	local cfg=$1
	shift
	make -s ARCH="$BENCH_ARCH" O="$O" CONFIG="$cfg" "$@" >"$B/build.log" 2>&1 ||
		{ cat "$B/build.log" >&2; return 1; }
	echo "$O/cfg/$(basename "$cfg" .cfg)/vitrine.elf"
}

# bench_llc SUMMARY CPU FIELD [time]: one figure of a pCPU's row of the LLC plugin's summary
# (with `time`, of its timing model's row: insns cycles ns bus_bytes bus_mbps prefetched).
bench_llc() {
	awk -v cpu="${4:+$4: }vcpu $2:" -v f="$3" '
		index($0, "llc: " cpu) == 1 { for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' "$1"
}

# bench_ticks LOG KERNEL: the victim's ticks for one kernel ("work" for the whole).
bench_ticks() {
	if [ "$2" = work ]; then
		sed -n 's/.*victim: work \([0-9]*\) ticks.*/\1/p' "$1"
	else
		sed -n "s/.*victim: $2: result [0-9a-fx]* ticks \\([0-9]*\\) .*/\\1/p" "$1"
	fi
}

# The el2count TCG plugin (tools/el2count): the hypervisor's instructions per
# guest exit, by exit class. Built by make; PLUGIN_SO names another build.
EL2COUNT=${PLUGIN_SO:-$O/host/libel2count.so}
bench_el2count_plugin() {
	[ "$EL2COUNT" != "$O/host/libel2count.so" ] || make -s ARCH="$BENCH_ARCH" O="$O" "$EL2COUNT"
}

# bench_sym ELF SYMBOL: its address, 0x...
bench_sym() { "$BENCH_ARCH-linux-gnu-nm" "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }

# Markers of two functions each on aarch64: the synchronous exit, compiled twice (EXIT recorded
# or masked, exit.c), and the calls, with their record or without (hypercall_quiet).
BENCH_EXIT_SYNC=(exit_sync=exit_sync_traced exit_sync=exit_sync_masked)
BENCH_HYPERCALL=(hypercall hypercall=hypercall_quiet)
BENCH_PSCI=(vpsci_call vpsci_call=vpsci_call_quiet)

# bench_el2count_args ELF MARKER...: the plugin's range, vector table (riscv64: trap entry) and
# markers for a vitrine.elf. A marker is a function, or NAME=FUNCTION to give it another name
# (two functions may share one: the two copies of aarch64's synchronous exit are exit_sync).
bench_el2count_args() {
	local elf=$1 f a args
	shift
	args="lo=$(bench_sym "$elf" __hyp_start),hi=$(bench_sym "$elf" __text_end)"
	if [ "$BENCH_ARCH" = riscv64 ]; then
		args="$args,stvec=$(bench_sym "$elf" hyp_trap)"
	else
		args="$args,vbar=$(bench_sym "$elf" hyp_vectors)"
	fi
	for f in "$@"; do
		a=$(bench_sym "$elf" "${f#*=}")
		[ -n "$a" ] || { bench_say "el2count: no function ${f#*=} in $elf (inlined or renamed?)"; return 1; }
		args="$args,mark=${f%%=*}@$a"
	done
	echo "$args"
}

# bench_el2count_classes REPORT: its episode classes (those of the window if
# it has one), one a line: "ENTRY MARKERS EXITS INSNS MEAN MIN MAX", e.g.
# "lower64_sync exit_sync+hypercall 1000 123456 123.5 120 130" (riscv64: "trap ...").
bench_el2count_classes() {
	awk '/^episode classes/ { on = 1; next }
		on && /\((lower64_|trap\))/ {
			e = $1; sub(/.*\(/, "", e); sub(/\).*/, "", e)
			m = $2; sub(":", "", m)
			print e, m, $3, $4, $5, $6, $7
		}' "$1"
}
