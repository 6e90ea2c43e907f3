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
	[[ " ${sw_axes[*]} " != *" $name "* ]] || sw_die "axis $name: named twice"
	(($#)) || sw_die "axis $name has no values"
	for v in "$@"; do
		[[ $v =~ ^[A-Za-z0-9_.]+$ ]] || sw_die "axis $name: value '$v' is not letters, digits, _ and ."
	done
	[ "$(printf '%s\n' "$@" | sort | uniq -d)" = "" ] || sw_die "axis $name: a value is repeated"
	sw_axes+=("$name")
	declare -ga "sw_values_$name"
	local -n values=sw_values_$name
	# shellcheck disable=SC2034 # a nameref: sw_values_NAME is what is set
	values=("$@")
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
	[[ $SWEEP_TIMEOUT =~ ^[1-9][0-9]*$ ]] || sw_die "$1: SWEEP_TIMEOUT is not a number of seconds"
	[[ $SWEEP_TRACE$SWEEP_LLC =~ ^[01][01]$ ]] || sw_die "$1: SWEEP_TRACE and SWEEP_LLC are 0 or 1"
	return 0
}

# sw_cells: the matrix, a cell a line, "v1 v2 ..." in the axes' order, the last axis fastest.
sw_cells() {
	local rows=("") a r v next
	for a in "${sw_axes[@]}"; do
		next=()
		local -n vals=sw_values_$a
		for r in "${rows[@]}"; do
			for v in "${vals[@]}"; do next+=("${r:+$r }$v"); done
		done
		rows=("${next[@]}")
	done
	printf '%s\n' "${rows[@]}"
}

# sw_set_axes VALUES: each axis's variable set to the cell's value. Here and in the
# functions that run the experiment's code, every variable is an sw_ one: the
# experiment's names (its axes, its own variables) never meet the runner's.
sw_set_axes() {
	local sw_i=0 sw_v
	for sw_v in $1; do
		printf -v "${sw_axes[sw_i]}" %s "$sw_v"
		sw_i=$((sw_i + 1))
	done
}

# sw_prepare FILE DIR: DIR laid out, every cell's config generated and built.
sw_prepare() {
	local sw_file=$1 sw_d=$2 sw_name sw_values sw_c sw_cfg sw_elf
	sw_name=$(basename "$sw_file" .sweep)
	[[ $sw_name =~ ^[A-Za-z0-9_.]+$ ]] || sw_die "$sw_file: its name is not letters, digits, _ and ."
	if [ -e "$sw_d" ] && [ ! -e "$sw_d/experiment.sweep" ]; then
		sw_die "$sw_d exists and is not a sweep's directory: give another with -o"
	fi
	sw_load "$sw_file"
	make -s O="$O" guests >/dev/null
	[ "$SWEEP_LLC" = 0 ] || make -s O="$O" llc >/dev/null
	rm -rf "$sw_d/cells" "$sw_d/results.csv"
	mkdir -p "$sw_d/cells"
	cp "$sw_file" "$sw_d/experiment.sweep"
	sw_cells | tr ' ' - >"$sw_d/cells.txt"
	echo "$sw_name" >"$sw_d/name"
	while read -r sw_values; do
		sw_c=$sw_d/cells/${sw_values// /-}
		mkdir -p "$sw_c"
		# shellcheck disable=SC2086 # a value a word
		paste -d= <(printf '%s\n' "${sw_axes[@]}") <(printf '%s\n' $sw_values) >"$sw_c/axes"
		sw_set_axes "$sw_values"
		sweep_config >"$sw_c/config.cfg" || sw_die "${sw_c##*/}: sweep_config failed"
		# Built by its path under a name of its own ($O/cfg/sweep-NAME-CELL), copied
		# only when it changed so that an unchanged cell is not relinked.
		sw_cfg=$B/cfg/sweep-$sw_name-${sw_c##*/}.cfg
		cmp -s "$sw_c/config.cfg" "$sw_cfg" 2>/dev/null || cp "$sw_c/config.cfg" "$sw_cfg"
		bench_say "sweep: building ${sw_c##*/}"
		sw_elf=$(bench_build "$sw_cfg") || sw_die "${sw_c##*/}: its config does not build (see $B/build.log)"
		echo "$sw_elf" >"$sw_c/elf"
	done < <(sw_cells)
}

# sw_cell DIR INDEX: boots the cell on line INDEX + 1 of DIR/cells.txt and writes its rows.csv.
sw_cell() {
	local sw_d=$1 sw_index=$2 sw_cell sw_c sw_status=0 sw_env=() sw_prefix sw_line sw_n=0 sw_want
	[[ $sw_index =~ ^[0-9]+$ ]] || sw_die "cell index '$sw_index' is not a number"
	sw_cell=$(sed -n "$((sw_index + 1))p" "$sw_d/cells.txt")
	[ -n "$sw_cell" ] || sw_die "$sw_d has no cell $sw_index"
	sw_c=$sw_d/cells/$sw_cell
	sw_load "$sw_d/experiment.sweep"
	sw_set_axes "$(cut -d= -f2- "$sw_c/axes" | tr '\n' ' ')"
	rm -f "$sw_c/rows.csv" "$sw_c/trace.vtr" "$sw_c/llc.txt" "$sw_c/failed"
	# The task that ran it (not in the CSV: the same rows wherever they ran).
	[ -z "${SLURM_ARRAY_JOB_ID:-}" ] || echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID" >"$sw_c/slurm-task"
	[ "$SWEEP_TRACE" = 0 ] || sw_env+=("TRACE=$sw_c/trace.vtr")
	[ "$SWEEP_LLC" = 0 ] || sw_env+=(LLC=1 "LLC_OUT=$sw_c/llc.txt")
	# shellcheck disable=SC2086 # SWEEP_QEMU is a list of QEMU arguments
	env "${sw_env[@]}" timeout -k 5 "$SWEEP_TIMEOUT" scripts/run.sh "$(cat "$sw_c/elf")" "${ICOUNT[@]}" \
		$SWEEP_QEMU </dev/null >"$sw_c/log.txt" 2>&1 || sw_status=$?
	sw_fail() { echo "$*" >"$sw_c/failed"; sw_die "$sw_cell: $* (see $sw_c/log.txt)"; }
	[ "$sw_status" = 0 ] || sw_fail "run.sh exited $sw_status"
	[ "$SWEEP_TRACE" = 0 ] || [ -s "$sw_c/trace.vtr" ] || sw_fail "no trace came out"
	sw_prefix=$(cut -d= -f2- "$sw_c/axes" | paste -sd,)
	sw_want=$(($(tr -cd , <<<"$sw_columns" | wc -c) + 1))
	while IFS= read -r sw_line; do
		[ "$(($(tr -cd , <<<"$sw_line" | wc -c) + 1))" = "$sw_want" ] ||
			sw_fail "sweep_rows printed '$sw_line', not $sw_want columns ($sw_columns)"
		echo "$sw_prefix,$sw_line"
		sw_n=$((sw_n + 1))
	done < <(sweep_rows "$sw_c/log.txt") >"$sw_c/rows.tmp"
	[ "$sw_n" -gt 0 ] || sw_fail "sweep_rows found no result"
	mv "$sw_c/rows.tmp" "$sw_c/rows.csv"
}

# sw_gather DIR: results.csv, the header then every cell's rows sorted (C locale),
# written only when every cell has its rows.
sw_gather() {
	local sw_d=$1 sw_cell sw_missing=()
	sw_load "$sw_d/experiment.sweep"
	while read -r sw_cell; do
		[ -s "$sw_d/cells/$sw_cell/rows.csv" ] || sw_missing+=("$sw_cell")
	done <"$sw_d/cells.txt"
	((${#sw_missing[@]} == 0)) ||
		sw_die "no result from ${sw_missing[*]} (their log.txt and failed in $sw_d/cells/): no results.csv"
	{
		(IFS=,; echo "${sw_axes[*]},$sw_columns")
		while read -r sw_cell; do cat "$sw_d/cells/$sw_cell/rows.csv"; done <"$sw_d/cells.txt" | LC_ALL=C sort
	} >"$sw_d/results.csv.tmp"
	mv "$sw_d/results.csv.tmp" "$sw_d/results.csv"
	bench_say "sweep: $(($(wc -l <"$sw_d/results.csv") - 1)) rows from $(wc -l <"$sw_d/cells.txt") cells: $sw_d/results.csv"
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
		# shellcheck disable=SC2016 # the task's index, expanded in the task
		printf 'cd %q && O=%q exec bench/sweep.sh --cell %q "$SLURM_ARRAY_TASK_ID"\n' \
			"$root" "$(cd "$O" && pwd)" "$(cd "$dir" && pwd)"
	} >"$dir/job.sh"
	bench_say "sweep: submitting $n cells as a job array"
	# shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
	sbatch --wait --array=0-$((n - 1)) -J "sweep-$(cat "$dir/name")" -n 1 \
		-o "$dir/slurm/%A_%a.out" ${SBATCH_ARGS:-} "$dir/job.sh" ||
		bench_say "sweep: the job array did not end well (see $dir/slurm/)"
}

sw_mode=
sw_jobs=1
sw_dir=
while (($#)); do
	case $1 in
	--local | --slurm) sw_mode=${1#--} ;;
	-j) sw_jobs=${2:?-j needs a number}; shift ;;
	-o) sw_dir=${2:?-o needs a directory}; shift ;;
	--cell) sw_cell "$(sw_path "${2:?--cell DIR INDEX}")" "${3:?--cell DIR INDEX}"; exit ;;
	--gather) sw_gather "$(sw_path "${2:?--gather DIR}")"; exit ;;
	-*) sw_die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
{ [ -n "$sw_mode" ] && (($# == 1)); } || sw_die "usage: bench/sweep.sh --local [-j N] [-o DIR] FILE.sweep | --slurm [-o DIR] FILE.sweep"
[[ $sw_jobs =~ ^[1-9][0-9]*$ ]] || sw_die "-j $sw_jobs: not a number of cells at once"
if [ -n "$sw_dir" ]; then sw_dir=$(sw_path "$sw_dir"); else sw_dir=$O/sweep/$(basename "$1" .sweep); fi
sw_prepare "$(sw_path "$1")" "$sw_dir"
if [ "$sw_mode" = local ]; then
	bench_say "sweep: running $(wc -l <"$sw_dir/cells.txt") cells, $sw_jobs at once"
	seq 0 $(($(wc -l <"$sw_dir/cells.txt") - 1)) |
		xargs -P "$sw_jobs" -I{} bench/sweep.sh --cell "$sw_dir" {} || true
else
	sw_slurm "$sw_dir"
fi
sw_gather "$sw_dir"
