#!/usr/bin/env bash
# The Linux guest's images alone, on plain QEMU (no hypervisor): `make
# linux`, the initramfs rebuilt byte for byte, then Debian's kernel booted
# with it: the userspace line, a command's answer typed on the console, the
# uio modules loaded, Ctrl-C interrupting a command, memhog's sums, and
# `poweroff -f` ending QEMU with status 0; then a boot whose /init runs
# memhog from the command line (vitrine.run=); then the real-time pair
# (`make linux-rt`): the PREEMPT_RT kernel running cyclictest as a batch run.
# One PASS/FAIL line per test; always exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 0
O=${O:-out}
. tests/lib.sh
B=$O/test/linux
mkdir -p "$B"
UP='^vitrine-linux: userspace up, [0-9]+ CPUs'
MODULES="uio"

if ! make -s linux linux-rt >"$B/build.log" 2>&1; then
	fail linux/builds "see $B/build.log: $(tail -3 "$B/build.log" | tr '\n' ' ')"
	exit 0
fi
pass linux/builds

# A second build of an initramfs from the same inputs gives the same file.
rebuilt_same() {
	local f=$O/linux/$1.cpio.gz
	mv "$f" "$B/$1.first" || return 1
	make -s linux linux-rt >>"$B/build.log" 2>&1 || return 1
	cmp "$B/$1.first" "$f" >>"$B/build.log" 2>&1
}
for i in initrd initrd-rt; do
	if rebuilt_same $i; then
		pass linux/rebuild-byte-identical-$i
	else
		fail linux/rebuild-byte-identical-$i "a second build differs: $(grep -E 'differ|Error' "$B/build.log" | head -n 1)"
	fi
done

# wait_for N ERE: until $LOG has N lines matching ERE (prompts too: "/ # " ends no
# line), at most 60 s; the console as typed, so keys are sent only when asked for.
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -Eac -- "$2" "$LOG" 2>/dev/null)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# The console session: each command once the shell prompts for it.
session() {
	wait_for 1 "$UP" && wait_for 1 '/ # ' || return
	printf 'cat /proc/cpuinfo | grep -c processor\n'
	wait_for 2 '/ # ' || return
	# shellcheck disable=SC2016 # $m is the guest shell's
	printf 'for m in %s; do insmod /lib/modules/$m.ko; done; lsmod; ls -1d /sys/module/uio*\n' "$MODULES"
	wait_for 3 '/ # ' || return
	# Ctrl-C reaches the foreground command only if the console is the shell's
	# controlling tty: then the prompt comes back long before the sleep ends.
	printf 'sleep 1000\n'
	wait_for 1 'sleep 1000' || return
	sleep 1
	printf '\003'
	wait_for 4 '/ # ' || return
	# shellcheck disable=SC2016 # for the guest shell to expand
	printf 'echo interrupted-$((6 * 7))\n'
	wait_for 5 '/ # ' || return
	printf 'memhog 1024 2\n'
	wait_for 6 '/ # ' || return
	printf 'memhog 12x; echo status-$?\n'
	wait_for 7 '/ # ' || return
	printf 'poweroff -f\n'
}

# boot_linux SESSION IMAGE INITRD [BOOTARG...]: SESSION's keys typed into the
# kernel's console on QEMU; the console in $LOG, QEMU's exit status in $STATUS.
boot_linux() {
	: >"$LOG"
	"$1" | timeout -k 5 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a53 -smp 2 -m 512M \
		-nographic -nic none -kernel "$2" -initrd "$3" -append "console=ttyAMA0 panic=-1 ${*:4}" >"$LOG" 2>&1
	# shellcheck disable=SC2034 # read by lib.sh's `exited`
	STATUS=$?
	render <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
}

LOG=$B/boot.log
boot_linux session "$O/linux/Image" "$O/linux/initrd.cpio.gz"

# answer CMD: the first line after the one where CMD was typed at the prompt,
# the kernel's own messages (which may come in between) left out.
answer() {
	awk -v c="/ # $1" '$0 == c { on = 1; next } on && !/^\[ *[0-9]+\.[0-9]+\] / { print; exit }' "$LOG"
}
check linux/userspace-line has "$UP\$"
check linux/userspace-sees-2-cpus has '^vitrine-linux: userspace up, 2 CPUs$'
cpus=$(answer 'cat /proc/cpuinfo | grep -c processor')
if [ "$cpus" = 2 ]; then
	pass linux/cpuinfo-typed-answers-2
else
	fail linux/cpuinfo-typed-answers-2 "the answer is '$cpus', want 2 ($LOG)"
fi
for m in $MODULES; do
	check "linux/insmod-$m-lsmod" has "^$m +[0-9]+ "
	check "linux/insmod-$m-sysfs" has "^/sys/module/$m\$"
done
check linux/ctrl-c-interrupts-sleep has '^interrupted-42$'
# Line i of the buffer holds i: 2 passes over 16384 lines sum to 2 x 16384 x 16383 / 2.
hog=$(answer 'memhog 1024 2')
if [ "$hog" = 'memhog: 1024 KiB, 2 passes and 0 lines, sum 268419072' ]; then
	pass linux/memhog-reads-every-line
else
	fail linux/memhog-reads-every-line "the answer is '$hog' ($LOG)"
fi
check linux/memhog-refuses-a-bad-size has '^memhog: not a number$'
check linux/memhog-bad-size-status-2 has '^status-2$'
check linux/no-panic lacks 'Kernel panic|Oops|BUG:'
check linux/poweroff-powers-down has 'reboot: Power down'
check linux/qemu-exit-0 exited 0

nothing() { :; }

# vitrine.run= on the command line: /init runs the command instead of a shell,
# says how it ended and powers off, with nothing typed.
LOG=$B/run.log
boot_linux nothing "$O/linux/Image" "$O/linux/initrd.cpio.gz" vitrine.run=memhog,64,3
check linux/init-runs-the-command has '^memhog: 64 KiB, 3 passes and 0 lines, sum 1571328$'
check linux/init-says-how-it-ended has '^vitrine-linux: memhog 64 3: exit status 0$'
check linux/init-powers-off-after has 'reboot: Power down'
check linux/init-run-qemu-exit-0 exited 0

# The PREEMPT_RT kernel, a batch run: /init runs cyclictest's 1000 loops of
# 1 ms from the kernel's command line (vitrine.run=) and powers off.
LOG=$B/boot-rt.log
boot_linux nothing "$O/linux/Image-rt" "$O/linux/initrd-rt.cpio.gz" \
	vitrine.run=cyclictest,-m,-t1,-p90,-i1000,-l1000,-q
check linux/rt-userspace-sees-2-cpus has '^vitrine-linux: userspace up, 2 CPUs$'
check linux/rt-preempt-rt has '^\[ *0\.0+\] Linux version [^ ]+-rt-arm64 .* SMP PREEMPT_RT '
check linux/rt-cyclictest-summary has \
	'^T: 0 \( *[0-9]+\) P:90 I:1000 C: +1000 Min: +[0-9]+ Act: +[0-9]+ Avg: +[0-9]+ Max: +[0-9]+$'
check linux/rt-vitrine-run-exit-0 has '^vitrine-linux: cyclictest -m -t1 -p90 -i1000 -l1000 -q: exit status 0$'
check linux/rt-cyclictest-no-error lacks '^(ERROR|cyclictest: )|error while loading shared libraries'
check linux/rt-no-panic lacks 'Kernel panic|Oops|BUG:'
check linux/rt-qemu-exit-0 exited 0
