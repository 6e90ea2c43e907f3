# bench/lib.sh: what the experiment scripts share (sourced, not run).
# Generated configs go to $B/cfg/NAME.cfg and are built as
# `make CONFIG=$B/cfg/NAME.cfg` into $O/cfg/NAME/vitrine.elf.
O=${O:-out}
B=$O/bench
ICOUNT=(-icount shift=0,sleep=off)
mkdir -p "$B/cfg"

bench_say() { echo "bench: $*" >&2; }

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
	make -s O="$O" CONFIG="$cfg" "$@" >"$B/build.log" 2>&1 ||
		{ cat "$B/build.log" >&2; return 1; }
	echo "$O/cfg/$(basename "$cfg" .cfg)/vitrine.elf"
}

# bench_llc SUMMARY CPU FIELD: one figure of a pCPU's row of the LLC plugin's summary.
bench_llc() {
	awk -v cpu="vcpu $2:" -v f="$3" '
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
