#!/usr/bin/env bash
# `make test`: host unit tests, config-checker tests, QEMU system tests.
# Prints one PASS/FAIL line per test and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
O=${O:-out}
export O
results=$O/test/results.txt
mkdir -p "$O/test"
: >"$results"

step() { echo "== $* (at ${SECONDS} s)" >&2; }
# run_suite NAME SCRIPT [ARGS]: a step that is one test script, its PASS/FAIL lines kept;
# a script that reports nothing, or that the shell cannot read to its end, is a FAIL itself.
run_suite() {
	local name=$1 out=$O/test/suite.out
	step "$name"
	shift
	"$@" 2>&1 | tee "$out" | tee -a "$results" | grep -E '^(PASS|FAIL)'
	if ! grep -Eq '^(PASS|FAIL)' "$out" || grep -q ': syntax error' "$out"; then
		echo "FAIL suite/$name: $(grep -m1 ': syntax error' "$out" || echo 'no results')" |
			tee -a "$results"
	fi
}

# The riscv64 port (docs/riscv.md): its guests and configs, built in $O/riscv64, and its system tests.
riscv64_suite() {
	local ok=1 c
	step "riscv64 build"
	make -s ARCH=riscv64 O="$O/riscv64" guests vtrace >"$O/test/build-riscv64.log" 2>&1 || ok=0
	for c in configs/riscv64/*.cfg; do
		make -s ARCH=riscv64 O="$O/riscv64" CONFIG="$(basename "$c" .cfg)" >>"$O/test/build-riscv64.log" 2>&1 || ok=0
	done
	if [ $ok = 1 ]; then echo "PASS build/riscv64-configs"; else echo "FAIL build/riscv64-configs: see $O/test/build-riscv64.log"; fi | tee -a "$results"
	run_suite "riscv64 system tests (QEMU)" env O="$O/riscv64" tests/system-riscv64.sh
}

summary() {
	passed=$(grep -c '^PASS' "$results")
	failed=$(grep -c '^FAIL' "$results")
	echo
	grep '^FAIL' "$results"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# TEST_ARCH (`make test ARCH=...`): one architecture's tests; empty: both.
if [ "${TEST_ARCH:-}" = riscv64 ]; then
	riscv64_suite
	summary
	exit
fi

step "build"
build_ok=1
make -s guests llc "$O/host/vmconfig" "$O/host/vitrine" "$O/host/vtrace" >"$O/test/build.log" 2>&1 || build_ok=0
for cfg in configs/*.cfg; do
	c=$(basename "$cfg" .cfg)
	make -s CONFIG=$c >>"$O/test/build.log" 2>&1 || build_ok=0
done
if [ $build_ok = 1 ]; then echo "PASS build/all-configs"; else echo "FAIL build/all-configs: see $O/test/build.log"; tail -20 "$O/test/build.log"; fi | tee -a "$results"
# A config is rebuilt when a guest it embeds changes, and not for another guest
# (vmconfig --deps): make -n with the guest's source taken as new.
remakes() { make -n -W "$1" CONFIG=timer 2>/dev/null | grep -q "$O/timer/config.c"; }
if remakes guests/timer/timer.c && ! remakes guests/hello/hello.c; then
	echo "PASS build/config-follows-its-guests"
else
	echo "FAIL build/config-follows-its-guests: timer's config does not follow guests/timer alone"
fi | tee -a "$results"

step "unit tests"
# tests/unit/test_*.c, built and run by pattern (tests/unit/unit.mk).
if make -s unit >"$O/test/unit.log" 2>&1; then
	grep -E '^(PASS|FAIL)' "$O/test/unit.log" | tee -a "$results"
else
	echo "FAIL unit/build: $(grep -m3 -E 'error|Error' "$O/test/unit.log" | tr '\n' ' ')" | tee -a "$results"
fi

run_suite "config checker" tests/config/run.sh "$O/host/vmconfig"

step "lint"
if make -s lint >"$O/test/lint.log" 2>&1; then
	echo "PASS lint/clang-format-and-cppcheck"
else
	echo "FAIL lint/clang-format-and-cppcheck: $(head -3 "$O/test/lint.log" | tr '\n' ' ')"
fi | tee -a "$results"

# ---- the emulated LLC: cache model unit tests, the plugin in QEMU (tests/llc/run.sh) ----
run_suite "emulated LLC" tests/llc/run.sh

# ---- exit counting: the el2count plugin on a hand-counted bare-metal run and the timer config ----
run_suite "exit counting" tests/el2count/run.sh

# ---- profiling: the hotpc plugin on el2count's hand-counted run ----
run_suite "profiling" tests/hotpc/run.sh

# ---- the Linux guest's images alone, on plain QEMU (tests/linux/run.sh) ----
run_suite "linux guest images" tests/linux/run.sh

run_suite "system tests (QEMU)" tests/system.sh

# ---- the experiments' guests: smoke tests, never speed (tests/bench.sh) ----
run_suite "bench guests" tests/bench.sh

# ---- sweeps: bench/sweep.sh locally and on a one-node Slurm cluster (tests/sweep/run.sh) ----
run_suite "sweeps" tests/sweep/run.sh

# ---- trace: ring tests, vtrace, corpus replay (tests/trace/run.sh) ----
run_suite "trace" tests/trace/run.sh

# ---- the vitrine client and the trace stream (tests/client/run.sh) ----
run_suite "client" tests/client/run.sh

# ---- the docs: links that resolve, figures that name their command ----
run_suite "docs" tests/docs/links.py
run_suite "doc figures" tests/docs/figures.py

[ "${TEST_ARCH:-}" = aarch64 ] || riscv64_suite
summary
