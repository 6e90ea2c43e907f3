#!/usr/bin/env bash
# bench/sweep.sh: runs an experiment described in a .sweep file (bench/sweeps/,
# docs/measurements.md "Sweeps"): every cell of its matrix of axes, each a
# config generated, built and booted under -icount, its result rows gathered
# into one CSV.
#
#   bench/sweep.sh --local [-j N] [-o DIR] FILE.sweep   N cells at once on this machine
#   bench/sweep.sh --slurm [-o DIR] FILE.sweep          a Slurm job array, one task a cell
#   bench/sweep.sh --cell DIR INDEX                     one prepared cell (what a task runs)
#   bench/sweep.sh --gather DIR                         DIR/results.csv from its cells
#
# DIR (default $O/sweep/NAME for NAME.sweep) gets experiment.sweep (the copy that ran),
# cells.txt (the cells, a line each: a Slurm task's index is its line number from 0),
# results.csv, and cells/CELL/: config.cfg, axes, log.txt, trace.vtr (SWEEP_TRACE=1),
# llc.txt (SWEEP_LLC=1), rows.csv. CELL is the cell's axis values joined by "-".
# Configs are generated and built here, one after the other (the builds share
# $O); only the boots run in parallel, locally or as the array's tasks, which
# therefore need this tree and $O on a file system they share. SBATCH_ARGS:
# more sbatch options (e.g. "-p PARTITION").
set -euo pipefail
sw_here=$(pwd)
cd "$(dirname "$0")/.."
. bench/lib.sh

sw_die() { echo "sweep: $*" >&2; exit 1; }
# sw_path P: P as given on the command line, from where it was given.
sw_path() { case $1 in /*) echo "$1" ;; *) echo "$sw_here/$1" ;; esac; }

# ---- the experiment file's vocabulary (it is sourced, with $O and $B set) ----
sw_axes=()
sw_columns=
SWEEP_TRACE=0
SWEEP_LLC=0
SWEEP_TIMEOUT=600
SWEEP_QEMU=
# axis NAME VALUE...: one dimension of the matrix; $NAME holds the cell's value.
axis() {
	local name=$1 v
	shift
	[[ $name =~ ^[a-z][a-z0-9_]*$ && $name != sw_* ]] ||
		sw_die "axis '$name': a name is lower case letters, digits and _, not beginning with sw_"
	(($#)) || sw_die "axis $name has no values"
	for v in "$@"; do
		[[ $v =~ ^[A-Za-z0-9_.]+$ ]] || sw_die "axis $name: value '$v' is not letters, digits, _ and ."
	done
	[ "$(printf '%s\n' "$@" | sort | uniq -d)" = "" ] || sw_die "axis $name: a value is repeated"
	sw_axes+=("$name")
	eval "sw_values_$name=(\"\$@\")"
}
# columns NAME...: the result columns sweep_rows prints, after the axes'.
columns() { sw_columns=$(IFS=,; echo "$*"); }

# sw_load FILE: sources an experiment and checks it says all it must.
sw_load() {
	[ -r "$1" ] || sw_die "cannot read $1"
	sw_axes=()
	sw_columns=
	# shellcheck disable=SC1090 # the experiment, chosen by the caller
	. "$1"
	((${#sw_axes[@]})) || sw_die "$1: no axis"
	[ -n "$sw_columns" ] || sw_die "$1: no columns"
	declare -F sweep_config >/dev/null || sw_die "$1: no sweep_config function"
	declare -F sweep_rows >/dev/null || sw_die "$1: no sweep_rows function"
	[[ $SWEEP_TIMEOUT =~ ^[0-9]+$ ]] || sw_die "$1: SWEEP_TIMEOUT is not a number of seconds"
	return 0
}

# sw_cells: the matrix, a cell a line, "v1 v2 ..." in the axes' order, the last axis fastest.
sw_cells() {
	local rows=("") a r v next
	for a in "${sw_axes[@]}"; do
		next=()
		eval "local vals=(\"\${sw_values_$a[@]}\")"
		for r in "${rows[@]}"; do
			for v in "${vals[@]}"; do next+=("${r:+$r }$v"); done
		done
		rows=("${next[@]}")
	done
	printf '%s\n' "${rows[@]}"
}

# sw_set_axes VALUES: each axis's variable set to the cell's value.
sw_set_axes() {
	local i=0 v
	for v in $1; do
		eval "${sw_axes[i]}=\$v"
		i=$((i + 1))
	done
}

# sw_prepare FILE DIR: DIR laid out, every cell's config generated and built.
sw_prepare() {
	local file=$1 dir=$2 name cell values cfg elf
	name=$(basename "$file" .sweep)
	[[ $name =~ ^[A-Za-z0-9_.]+$ ]] || sw_die "$file: its name is not letters, digits, _ and ."
	if [ -e "$dir" ] && [ ! -e "$dir/experiment.sweep" ]; then
		sw_die "$dir exists and is not a sweep's directory: give another with -o"
	fi
	sw_load "$file"
	make -s O="$O" guests >/dev/null
	[ "$SWEEP_LLC" = 0 ] || make -s O="$O" llc >/dev/null
	rm -rf "$dir/cells" "$dir/results.csv"
	mkdir -p "$dir/cells"
	cp "$file" "$dir/experiment.sweep"
	sw_cells | tr ' ' - >"$dir/cells.txt"
	echo "$name" >"$dir/name"
	while read -r values; do
		cell=${values// /-}
		mkdir -p "$dir/cells/$cell"
		paste -d= <(printf '%s\n' "${sw_axes[@]}") <(printf '%s\n' $values) >"$dir/cells/$cell/axes"
		sw_set_axes "$values"
		sweep_config >"$dir/cells/$cell/config.cfg" || sw_die "$cell: sweep_config failed"
		# Built by its path under a name of its own ($O/cfg/sweep-NAME-CELL), copied
		# only when it changed so that an unchanged cell is not relinked.
		cfg=$B/cfg/sweep-$name-$cell.cfg
		cmp -s "$dir/cells/$cell/config.cfg" "$cfg" 2>/dev/null || cp "$dir/cells/$cell/config.cfg" "$cfg"
		bench_say "sweep: building $cell"
		elf=$(bench_build "$cfg") || sw_die "$cell: its config does not build (see $B/build.log)"
		echo "$elf" >"$dir/cells/$cell/elf"
	done < <(sw_cells)
}

# sw_cell DIR INDEX: boots the cell on line INDEX + 1 of DIR/cells.txt and writes its rows.csv.
sw_cell() {
	local dir=$1 index=$2 cell c status=0 prefix line n want
	[[ $index =~ ^[0-9]+$ ]] || sw_die "cell index '$index' is not a number"
	cell=$(sed -n "$((index + 1))p" "$dir/cells.txt")
	[ -n "$cell" ] || sw_die "$dir has no cell $index"
	c=$dir/cells/$cell
	sw_load "$dir/experiment.sweep"
	sw_set_axes "$(cut -d= -f2- "$c/axes" | tr '\n' ' ')"
	rm -f "$c/rows.csv" "$c/trace.vtr" "$c/llc.txt" "$c/failed"
	# The task that ran it (not in the CSV: the same rows wherever they ran).
	[ -z "${SLURM_ARRAY_JOB_ID:-}" ] || echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID" >"$c/slurm-task"
	local run_env=()
	[ "$SWEEP_TRACE" = 0 ] || run_env+=("TRACE=$c/trace.vtr")
	[ "$SWEEP_LLC" = 0 ] || run_env+=(LLC=1 "LLC_OUT=$c/llc.txt")
	# shellcheck disable=SC2086 # SWEEP_QEMU is a list of QEMU arguments
	env "${run_env[@]}" timeout -k 5 "$SWEEP_TIMEOUT" scripts/run.sh "$(cat "$c/elf")" "${ICOUNT[@]}" $SWEEP_QEMU \
		</dev/null >"$c/log.txt" 2>&1 || status=$?
	sw_fail() { echo "$*" >"$c/failed"; sw_die "$cell: $* (see $c/log.txt)"; }
	[ "$status" = 0 ] || sw_fail "run.sh exited $status"
	[ "$SWEEP_TRACE" = 0 ] || [ -s "$c/trace.vtr" ] || sw_fail "no trace came out"
	prefix=$(cut -d= -f2- "$c/axes" | paste -sd,)
	want=$(($(tr -cd , <<<"$sw_columns" | wc -c) + 1))
	n=0
	while IFS= read -r line; do
		[ "$(($(tr -cd , <<<"$line" | wc -c) + 1))" = "$want" ] ||
			sw_fail "sweep_rows printed '$line', not $want columns ($sw_columns)"
		echo "$prefix,$line"
		n=$((n + 1))
	done < <(sweep_rows "$c/log.txt") >"$c/rows.tmp"
	[ "$n" -gt 0 ] || sw_fail "sweep_rows found no result"
	mv "$c/rows.tmp" "$c/rows.csv"
}

# sw_gather DIR: results.csv, the header then every cell's rows sorted (C locale),
# written only when every cell has its rows.
sw_gather() {
	local dir=$1 cell missing=()
	sw_load "$dir/experiment.sweep"
	while read -r cell; do
		[ -s "$dir/cells/$cell/rows.csv" ] || missing+=("$cell")
	done <"$dir/cells.txt"
	((${#missing[@]} == 0)) ||
		sw_die "no result from ${missing[*]} (their log.txt and failed in $dir/cells/): no results.csv"
	{
		(IFS=,; echo "${sw_axes[*]},$sw_columns")
		while read -r cell; do cat "$dir/cells/$cell/rows.csv"; done <"$dir/cells.txt" | LC_ALL=C sort
	} >"$dir/results.csv.tmp"
	mv "$dir/results.csv.tmp" "$dir/results.csv"
	bench_say "sweep: $(($(wc -l <"$dir/results.csv") - 1)) rows from $(wc -l <"$dir/cells.txt") cells: $dir/results.csv"
}

# sw_slurm DIR: the cells as a job array, waited for.
sw_slurm() {
	local dir=$1 n root
	command -v sbatch >/dev/null || sw_die "no sbatch: scripts/deps.sh slurm installs Slurm's client"
	n=$(wc -l <"$dir/cells.txt")
	root=$(pwd)
	mkdir -p "$dir/slurm"
	{
		echo "#!/usr/bin/env bash"
		echo "# generated by bench/sweep.sh: task i runs cell i of cells.txt"
		printf 'cd %q && O=%q exec bench/sweep.sh --cell %q "$SLURM_ARRAY_TASK_ID"\n' \
			"$root" "$(cd "$O" && pwd)" "$(cd "$dir" && pwd)"
	} >"$dir/job.sh"
	bench_say "sweep: submitting $n cells as a job array"
	# shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
	sbatch --wait --array=0-$((n - 1)) -J "sweep-$(cat "$dir/name")" -n 1 \
		-o "$dir/slurm/%A_%a.out" ${SBATCH_ARGS:-} "$dir/job.sh" ||
		bench_say "sweep: the job array did not end well (see $dir/slurm/)"
}

mode=
jobs=1
dir=
while (($#)); do
	case $1 in
	--local | --slurm) mode=${1#--} ;;
	-j) jobs=${2:?-j needs a number}; shift ;;
	-o) dir=${2:?-o needs a directory}; shift ;;
	--cell) sw_cell "$(sw_path "${2:?--cell DIR INDEX}")" "${3:?--cell DIR INDEX}"; exit ;;
	--gather) sw_gather "$(sw_path "${2:?--gather DIR}")"; exit ;;
	-*) sw_die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
[ -n "$mode" ] && (($# == 1)) || sw_die "usage: bench/sweep.sh --local [-j N] [-o DIR] FILE.sweep | --slurm [-o DIR] FILE.sweep"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || sw_die "-j $jobs: not a number of cells at once"
if [ -n "$dir" ]; then dir=$(sw_path "$dir"); else dir=$O/sweep/$(basename "$1" .sweep); fi
sw_prepare "$(sw_path "$1")" "$dir"
if [ "$mode" = local ]; then
	bench_say "sweep: running $(wc -l <"$dir/cells.txt") cells, $jobs at once"
	seq 0 $(($(wc -l <"$dir/cells.txt") - 1)) |
		xargs -P "$jobs" -I{} bench/sweep.sh --cell "$dir" {} || true
else
	sw_slurm "$dir"
fi
sw_gather "$dir"
