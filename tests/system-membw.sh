#!/usr/bin/env bash
# QEMU system tests of memory-bandwidth regulation; sourced by
# tests/system.sh (which has boot, check and run_all).

# Memory-bandwidth regulation (configs/membw.cfg, under -icount with the
# emulated LLC): once the victim is done and the hogs are down, the
# regulated hog moved its budget a period, within 5%, over 100 periods or
# more, and was throttled (MEMBW records in its pCPU's ring); the
# unregulated hog has no budget and no MEMBW record.
feed_membw() {
	wait_log 'VM hog powered off' 900 && wait_log 'VM free powered off' 60
	printf '%s\r' "m = vm.info('hog').membw print('membw', m.bytes, m.period_ns, m.periods >= 100, m.throttles > 0)" \
		"r = m.used / m.periods / m.bytes print('rate', r > 0.95 and r < 1.05, r)" \
		"print('free', vm.info('free').membw)" \
		"function n(cpu) local k = 0 for _, e in ipairs(trace.read{cpu=cpu, events='membw'}.records) do k = k + 1 end return k end" \
		"print('events', n(1) > 0, n(2))" 'vitrine.poweroff()'
}

test_membw() {
	local f=$O/test/membw.vtr
	rm -f "$f"
	TRACE=$f QEMU_ARGS="-icount shift=0,sleep=off" LLC=1 FEED=feed_membw boot membw 1000
	check system/membw-regulated has $'^membw\t262144\t1000000\ttrue\ttrue$'
	check system/membw-rate-within-5pc has $'^rate\ttrue\t'
	check system/membw-unregulated-no-budget has $'^free\tnil$'
	check system/membw-throttles-traced has $'^events\ttrue\t0$'
	check system/membw-qemu-exit-0 exited 0
	# The throttles in the dump, and in the Perfetto export as instants on the hog's vCPU.
	LOG=$f.txt
	"$O/host/vtrace" dump "$f" >"$LOG" 2>&1
	check system/membw-in-dump has ' MEMBW '
	if [ -x "$TRACE_PROCESSOR" ]; then
		"$O/host/vtrace" perfetto "$f" -o "$f.pftrace" 2>"$f.err"
		echo "select 'membw', count(*) from slice where name glob 'membw throttled*';" >"$f.sql"
		"$TRACE_PROCESSOR" -q "$f.sql" "$f.pftrace" >"$f.tp" 2>&1
		membw_in_perfetto() { [ "$(tp_value "$f.tp" membw)" -gt 0 ] 2>/dev/null; }
		check system/membw-in-perfetto membw_in_perfetto
	else
		echo "skipped system/membw-in-perfetto: no trace processor at $TRACE_PROCESSOR"
	fi
}

# A Linux VM under a budget (configs/membw-linux.cfg): it boots, and memhog on
# its shell streams 64 MiB, 256 periods' budget, so it takes at least 240 ms of
# Linux's own clock (unregulated, about 20); `sleep 1` needs its timer's
# interrupts while it is throttled, the console answers and poweroff ends it.
# The monitor then sees it regulated: over 100 periods, throttled, never more
# than its budget a period on average, the throttles in its pCPU's ring, and
# its virtual timer injected.
feed_membw_linux() {
	wait_log 'vitrine-linux: userspace up' 900 || return
	sleep 2
	printf 'console linux\r'
	wait_log 'console: attached to linux' || return
	sleep 1
	local ms="awk '{print int(\$1*1000)}' /proc/uptime"
	printf '%s\r' "s=\$($ms); memhog 4096 16 && e=\$($ms) && echo memhog-ms-\$((e-s)) && sleep 1 && echo slept-\$((6*7))"
	wait_log 'slept-42' 900 || return
	printf 'grep arch_timer /proc/interrupts; poweroff -f\r'
	wait_log 'VM linux powered off' 300 || return
	sleep 1
	printf '\x1d'
	wait_log 'console: left linux' || return
	printf '%s\r' "m = vm.info('linux').membw print('membw', m.bytes, m.period_ns, m.periods >= 100, m.throttles > 0)" \
		"r = m.used / m.periods / m.bytes print('rate', r <= 1.05, r)" \
		"k = 0 for _, e in ipairs(trace.read{cpu=1, events='membw'}.records) do k = k + 1 end print('events', k > 0)" \
		"l = irq.latency{vm=vm.info('linux').id, intid=27} print('vtimer', l.count > 0)" 'vitrine.poweroff()'
}

# memhog's 64 MiB took 240 ms of Linux's clock or more: 256 periods' budget, less a tick's overrun.
membw_linux_held() {
	local n
	n=$(sed -n 's/^memhog-ms-\([0-9]*\)$/\1/p' "$LOG")
	[ -n "$n" ] && [ "$n" -ge 240 ]
}

test_membw_linux() {
	QEMU_ARGS="-icount shift=0,sleep=off" LLC=1 FEED=feed_membw_linux boot membw-linux 1500
	check system/membw-linux-userspace has '^\[linux\] vitrine-linux: userspace up, 1 CPUs$'
	check system/membw-linux-memhog-done has '^memhog: 4096 KiB, 16 passes and 0 lines, sum 34359214080$'
	check system/membw-linux-memhog-held-to-budget membw_linux_held
	check system/membw-linux-sleeps has '^slept-42$'
	check system/membw-linux-timer-interrupts has '^ *[0-9]+: +[1-9][0-9]* +GICv3 +27 Level +arch_timer$'
	check system/membw-linux-no-stall lacks 'rcu.*stall|soft lockup|Kernel panic|BUG:'
	check system/membw-linux-poweroff has '^vitrine: VM linux powered off$'
	check system/membw-linux-regulated has $'^membw\t262144\t1000000\ttrue\ttrue$'
	check system/membw-linux-within-budget has $'^rate\ttrue\t'
	check system/membw-linux-throttles-traced has $'^events\ttrue$'
	check system/membw-linux-vtimer-injected has $'^vtimer\ttrue$'
	check system/membw-linux-qemu-exit-0 exited 0
}
