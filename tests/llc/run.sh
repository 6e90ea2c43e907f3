#!/usr/bin/env bash
# The emulated LLC (tools/llc/) in QEMU (the cache model's own tests are
# tests/unit/test_llc.c): the basic config booted with LLC=1
# under -icount, its summary and the counters page it left in the RAM file,
# a second geometry, and the refusal of multi-threaded TCG. One PASS/FAIL
# line per test; always exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite llc

if ! make -s llc CONFIG=basic >"$B/build.log" 2>&1 || ! make -s CONFIG=basic >>"$B/build.log" 2>&1; then
	fail llc/plugin-builds "see $B/build.log: $(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
pass llc/plugin-builds

# field NAME FIELD: a number from the summary line "llc: NAME: ... FIELD N ..." in $LOG.
field() { awk -v n="llc: $1:" -v f="$2" 'index($0, n) == 1 { for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' "$LOG"; }

# Every vCPU made accesses and misses (its VMs use all four pCPUs).
every_vcpu_counted() {
	local c
	for c in 0 1 2 3; do
		[ "$(field "vcpu $c" accesses)" -gt 0 ] && [ "$(field "vcpu $c" misses)" -gt 0 ] || return 1
	done
}

# The total line is the sum of the vCPU lines, field by field.
totals_add_up() {
	awk '/^llc: vcpu [0-9]+:/ { for (i = 4; i < NF; i += 2) s[$i] += $(i + 1) }
		/^llc: total:/ { for (i = 3; i < NF; i += 2) if ($i != "miss_rate") t[$i] = $(i + 1) }
		END { n = 0; for (k in t) { n++; if (t[k] != s[k]) exit 1 } exit n != 7 }' "$LOG"
}

# Every RAM address the plugin saw is in the board's RAM, [0x40000000, 0x80000000):
# QEMU's hwaddr translation gives physical addresses.
pas_in_ram() {
	grep -Eq '^llc: io accesses \(not modelled\) [0-9]+; RAM PAs seen 0x[4-7][0-9a-f]{7}-0x[4-7][0-9a-f]{7};' "$LOG"
}

# The page holds what the summary says (written at exit), counts and modelled time alike, and
# was written during the run too.
page_matches() {
	"$O/host/llc-page" "$B/page.bin" 0 >"$B/page.txt" 2>&1 && grep -q '^llc: total:' "$B/page.txt" &&
		diff <(grep -E '^llc: (vcpu [0-9]+|total|time: vcpu [0-9]+):' "$LOG") <(grep -v '^llc: page:' "$B/page.txt") >"$B/page.diff"
}
published_live() {
	local n
	n=$(sed -n 's/^llc: page: .* published \([0-9]*\) times.*/\1/p' "$B/page.txt")
	[ -n "$n" ] && [ "$n" -ge 2 ]
}

MODE=/llc QEMU_ARGS="-icount shift=0,sleep=off"
rm -rf "$B/page.bin" "$B/ram"
mkdir -p "$B/ram"
LLC=1 LLC_PAGE=$B/page.bin LLC_RAM_DIR=$B/ram boot basic 120
check llc/basic-runs-with-plugin has '^\[hello\] bye$'
check llc/basic-qemu-exit-0 exited 0
check llc/summary-geometry has '^llc: shared cache model: 1024 KiB, 16 ways, 64-byte lines, 1024 sets, LRU, physically indexed'
check llc/summary-every-vcpu-accesses-and-misses every_vcpu_counted
check llc/summary-totals-add-up totals_add_up
check llc/physical-addresses-in-ram pas_in_ram
check llc/counters-page-matches-summary page_matches
check llc/counters-page-published-during-run published_live
ram_dir_empty() { [ -z "$(ls -A "$B/ram")" ]; }
check llc/ram-file-removed-after-run ram_dir_empty
accesses=$(field total accesses)
misses=$(field total misses)

# Another geometry: the same instructions run (-icount), so the same accesses; the
# summary reports the geometry asked for.
MODE=/llc-small
LLC=1 LLC_ARGS=size=65536,ways=4,line=32 boot basic 120
check llc/options-set-geometry has '^llc: shared cache model: 64 KiB, 4 ways, 32-byte lines, 512 sets'
same_accesses() { [ -n "$accesses" ] && [ "$(field total accesses)" = "$accesses" ]; }
check llc/same-accesses-any-geometry same_accesses
more_misses() { [ -n "$misses" ] && [ "$(field total misses)" -gt "$misses" ]; }
check llc/smaller-cache-misses-more more_misses

# Free-running QEMU runs a thread per vCPU: the plugin refuses to race.
# shellcheck disable=SC2034 # MODE and QEMU_ARGS are read by boot (tests/lib.sh)
MODE=/llc-mttcg QEMU_ARGS="-plugin $O/host/libllc.so"
boot basic 60
check llc/refuses-multithreaded-tcg has '^llc: QEMU runs vCPUs in several threads \(MTTCG\)'
check llc/refuses-multithreaded-tcg-exit-2 exited 2
