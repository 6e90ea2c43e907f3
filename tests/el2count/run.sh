#!/usr/bin/env bash
# The exit-counting plugin (tools/el2count/): a bare-metal "hypervisor" whose
# every instruction is counted by hand (hvc.S), then the timer config under
# -icount with bench/exits.sh's window of 100 timer periods, run twice. Where
# ../shared/tools/el2count exists, its plugin must count that run the same.
# One PASS/FAIL line per test; always exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 0
. tests/lib.sh
suite el2count
SO=$O/host/libel2count.so

if ! make -s "$SO" guests CONFIG=timer >"$B/build.log" 2>&1 ||
	! make -s CONFIG=timer >>"$B/build.log" 2>&1; then
	fail el2count/plugin-builds "see $B/build.log: $(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
pass el2count/plugin-builds

sym() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }

# ---- hvc.S: 1000 hypercalls of a known length, every 4th resumed through a stage-2 fault ----
# plugin_run ELF PLUGIN ARGS REPORT: QEMU's console and status in $LOG, $STATUS.
plugin_run() {
	LOG=$B/$(basename "$4" .txt).log
	timeout -k 5 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu cortex-a53 -smp 1 -m 256M -nographic -nic none -icount shift=0,sleep=off \
		-kernel "$1" -plugin "$2,$3,out=$4" </dev/null >"$LOG" 2>&1
	# shellcheck disable=SC2034 # read by check (tests/lib.sh)
	STATUS=$?
}

bare=$B/hvc.elf
if aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none \
	tests/el2count/hvc.S -o "$bare" 2>"$B/hvc.build.log"; then
	E=$bare
	args="lo=$(sym "$E" hyp_start),hi=$(sym "$E" hyp_end),vbar=$(sym "$E" hyp_vectors)"
	args="$args,glo=$(sym "$E" guest_start),ghi=$(sym "$E" guest_end),mark=fault@$(sym "$E" hyp_fault)"
	plugin_run "$bare" "$SO" "$args" "$B/hvc.txt"
	check el2count/bare-metal-qemu-exit-0 exited 0
	LOG=$B/hvc.txt
	# hvc.S's comments count these: init 15; the guest 3004; a hypercall 11 (1000 of them),
	# a fault taken right at the ERET (back to back) 6 (250 of them).
	check el2count/bare-metal-totals has '^all +[0-9]+ +[0-9]+ +15 +12500 +3004 +0 +1250 '
	check el2count/bare-metal-hypercalls has '^  0x40080c00\(lower64_sync\) \(none\): 1000 11000 11\.0 11 11$'
	check el2count/bare-metal-back-to-back has '^  0x40080c00\(lower64_sync\) fault: 250 1500 6\.0 6 6$'
	check el2count/bare-metal-back-to-back-counted has '^checks: stray 0; back-to-back 250; current-EL slots in episodes 0; lower-EL slots in episodes, not entries 0;'
else
	fail el2count/bare-metal-builds "$(head -3 "$B/hvc.build.log" | tr '\n' ' ')"
fi

# ---- the timer config: bench/exits.sh's timer window ----
E=$O/timer/vitrine.elf G=$O/guests/timer.elf
marks=""
# NAME=FUNCTION: the synchronous exit's two copies (EXIT recorded or masked) are one marker
for f in exit_sync=exit_sync_traced exit_sync=exit_sync_masked exit_irq=exit_irq hypercall=hypercall hypercall=hypercall_quiet \
	vgic_flush=vgic_flush; do
	marks="$marks,mark=${f%%=*}@$(sym "$E" "${f#*=}")"
done
args="lo=$(sym "$E" __hyp_start),hi=$(sym "$E" __text_end),vbar=$(sym "$E" hyp_vectors)"
args="$args,glo=0x40000000,ghi=0x40100000$marks"
args="$args,start_pc=$(sym "$G" timer_irq),start_count=20,stop_pc=$(sym "$G" timer_irq),stop_count=120"

MODE=/el2count QEMU_ARGS="-icount shift=0,sleep=off -plugin $SO,$args,out=$B/timer-1.txt" boot timer 300
check el2count/timer-stops-at-window-end exited 0
LOG=$B/timer-1.txt
# the window: 100 timer interrupts, 100 handler markers (trace_mark hypercalls), nothing else
window() { sed -n '/^== window/,$p' "$B/timer-1.txt"; }
window >"$B/timer-1.window"
LOG=$B/timer-1.window
check el2count/timer-window-200-entries has '^all +[0-9]+ +0 +0 +[0-9]+ +[0-9]+ +0 +200 '
check el2count/timer-window-100-interrupts has '^  0x[0-9a-f]+\(lower64_irq\) exit_irq: 100 '
check el2count/timer-window-100-markers has '^  0x[0-9a-f]+\(lower64_sync\) exit_sync\+hypercall: 100 '
check el2count/timer-window-two-classes count 2 '^  0x'
LOG=$B/timer-1.txt
check el2count/timer-no-stray count 2 '^checks: stray 0; back-to-back 0; current-EL slots in episodes 0; lower-EL slots in episodes, not entries 0;'
check el2count/timer-every-entry-at-lower-el-slot lacks '^  (0x[0-9a-f]+\((cur_|not-a-slot)|(cur_|not-a-slot))'
# every row: the phases add up to the total; the all row: the vCPUs' sums
adds_up() {
	awk '$1 ~ /^[0-9]+$/ { for (i = 2; i <= 8; i++) s[i] += $i }
		$1 ~ /^[0-9]+$|^all$/ && $2 != $3 + $4 + $5 + $6 { bad = 1 }
		$1 == "all" { for (i = 2; i <= 8; i++) if ($i != s[i]) bad = 1; n++; delete s }
		END { exit bad || n != 2 }' "$LOG"
}
check el2count/timer-tables-add-up adds_up

MODE=/el2count-again QEMU_ARGS="-icount shift=0,sleep=off -plugin $SO,$args,out=$B/timer-2.txt" boot timer 300
same_report() { cmp -s "$B/timer-1.txt" "$B/timer-2.txt"; }
check el2count/timer-two-runs-identical same_report

# Bad options: a clear error, and QEMU does not start.
MODE=/el2count-bad QEMU_ARGS="-plugin $SO,lo=0x2000,hi=0x1000" boot timer 60
check el2count/rejects-empty-range has "^el2count: give the hypervisor's text as lo=A,hi=A, lo < hi"
MODE=/el2count-bad2 QEMU_ARGS="-plugin $SO,$args,colour=1" boot timer 60
check el2count/rejects-unknown-option has '^el2count: unknown option colour=1'

# ---- against the el2count plugin outside the repository, where there is one ----
ref=../shared/tools/el2count/el2count.c
if [ -f "$ref" ] && pkg-config --exists glib-2.0 2>/dev/null; then
	# shellcheck disable=SC2046 # pkg-config prints several flags
	if gcc -O2 -shared -fPIC -I"$O/host/qemu-plugin" \
		$(pkg-config --cflags glib-2.0) "$ref" -o "$B/libel2count-shared.so" \
		$(pkg-config --libs glib-2.0) 2>"$B/shared.build.log"; then
		MODE=/el2count-shared QEMU_ARGS="-icount shift=0,sleep=off -plugin $B/libel2count-shared.so,$args,out=$B/timer-shared.txt" \
			boot timer 300
		classes() { sed -n '/^episode classes/,$p' "$1" | grep '^  0x'; }
		rows() { grep -E '^(all|[0-9]+) ' "$1" | awk '{ print $1, $2, $3, $4, $5, $6, $7, $8 }'; }
		same_counts() {
			diff <(classes "$B/timer-1.txt") <(classes "$B/timer-shared.txt") >"$B/shared.diff" &&
				diff <(rows "$B/timer-1.txt") <(rows "$B/timer-shared.txt") >>"$B/shared.diff"
		}
		check el2count/timer-same-counts-as-shared-plugin same_counts
	else
		fail el2count/shared-plugin-builds "$(head -3 "$B/shared.build.log" | tr '\n' ' ')"
	fi
fi
