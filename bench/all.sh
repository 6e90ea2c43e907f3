#!/usr/bin/env bash
# bench/all.sh (`make bench`): the experiment suite, one script after the
# other, each printing its progress ("bench: ...") and its table; CSVs and
# PNGs go to out/bench/. About five minutes on 2 cores.
#   BENCH="interference irqlat overhead boot linux"  the experiments to run
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
for e in ${BENCH:-interference irqlat overhead boot linux}; do # (BENCH="" from make means all)
	echo "==== bench/$e.sh ($(($(date +%s) - start)) s so far)"
	"bench/$e.sh"
	echo
done
echo "==== done in $(($(date +%s) - start)) s: ${O:-out}/bench/*.csv, ${O:-out}/bench/*.png"
