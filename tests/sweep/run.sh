#!/usr/bin/env bash
# The sweep runner (bench/sweep.sh) on bench/sweeps/boot.sweep (4 cells, each a
# bare-metal boot of under a second): run locally twice, the CSVs byte for byte
# the same; a cell without results leaves no CSV; then on a one-node Slurm
# cluster started here (bench/slurm-local.sh, Slurm and munge installed from
# Debian by scripts/deps.sh slurm when missing) as a job array, the CSV the
# local one, and the cluster's daemons gone afterwards. One PASS/FAIL line per
# test; always exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite sweep
sweep=bench/sweeps/boot.sweep
cells=4 rows=10 # basic: 2 VMs, colors3: 3 VMs; each coloured and not

# cells_kept DIR: every cell has its config, its log, its rows and a trace.
cells_kept() {
	local c n=0
	for c in "$1"/cells/*/; do
		[ -s "$c/config.cfg" ] && [ -s "$c/log.txt" ] && [ -s "$c/rows.csv" ] && [ -s "$c/trace.vtr" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "$cells" ] && [ "$(wc -l <"$1/cells.txt")" = "$cells" ]
}
# rows_counted CSV: the header and one row a VM of every cell.
rows_counted() { [ "$(head -1 "$1")" = config,workload,colored,vm,entry_ticks ] && [ "$(($(wc -l <"$1") - 1))" = "$rows" ]; }
sweep_run() { bench/sweep.sh "$@" >>"$B/sweep.log" 2>&1; }

: >"$B/sweep.log"
rm -rf "$B/local" "$B/local1" "$B/slurm" "$B/broken"
check sweep/local-runs sweep_run --local -j 2 -o "$B/local" "$sweep"
check sweep/local-rows rows_counted "$B/local/results.csv"
check sweep/local-cells-kept cells_kept "$B/local"
sweep_run --local -j 1 -o "$B/local1" "$sweep"
check sweep/local-rerun-identical cmp "$B/local/results.csv" "$B/local1/results.csv"

# A cell whose rows are missing (here: every uncoloured one) fails the sweep, names
# the cell, and no CSV is written.
{
	echo ". $sweep"
	# shellcheck disable=SC2016 # the experiment's code
	echo 'sweep_rows() { [ "$colored" = 0 ] || echo vm,1; }'
} >"$B/broken.sweep"
no_csv_from_broken() {
	! sweep_run --local -j 2 -o "$B/broken" "$B/broken.sweep" && [ ! -e "$B/broken/results.csv" ] &&
		grep -q "no result from basic-boot-0 colors3-boot-0" "$B/sweep.log" &&
		[ -s "$B/broken/cells/basic-boot-0/failed" ]
}
check sweep/missing-rows-no-csv no_csv_from_broken

# ---- Slurm: installed if missing, a cluster of this machine alone ----
t0=$(date +%s)
if ! scripts/deps.sh slurm >"$B/deps.log" 2>&1; then
	fail sweep/slurm-installed "scripts/deps.sh slurm failed: $(tail -3 "$B/deps.log" | tr '\n' ' ')"
	exit 0
fi
pass sweep/slurm-installed
echo "sweep: Slurm ready in $(($(date +%s) - t0)) s"
cluster=$(mktemp -d /tmp/vitrine-slurm.XXXXXX)
# shellcheck disable=SC2317 # the trap's
stop_cluster() { bench/slurm-local.sh stop "$cluster" >>"$B/sweep.log" 2>&1; }
trap 'stop_cluster; rm -rf "$cluster"' EXIT
if ! bench/slurm-local.sh start "$cluster" >"$B/cluster.log" 2>&1; then
	fail sweep/slurm-cluster-up "$(tail -3 "$B/cluster.log" | tr '\n' ' ')"
	exit 0
fi
pass sweep/slurm-cluster-up
export SLURM_CONF=$cluster/slurm.conf
check sweep/slurm-runs sweep_run --slurm -o "$B/slurm" "$sweep"
check sweep/slurm-equals-local cmp "$B/local/results.csv" "$B/slurm/results.csv"
check sweep/slurm-cells-kept cells_kept "$B/slurm"
# Each cell ran as its own task of one job array.
one_array() {
	[ "$(cat "$B"/slurm/cells/*/slurm-task | awk '{ print $1 }' | sort -u | wc -l)" = 1 ] &&
		[ "$(cat "$B"/slurm/cells/*/slurm-task | awk '{ print $2 }' | sort -u | wc -l)" = "$cells" ]
}
check sweep/slurm-array-tasks one_array
# Stopped: no daemon of its pid files, and no process at all whose command line names the
# cluster's directory (slurmstepd's included).
stopped() {
	stop_cluster && ! bench/slurm-local.sh status "$cluster" >/dev/null &&
		! grep -qsF "$cluster" /proc/[0-9]*/cmdline
}
check sweep/slurm-daemons-stopped stopped
