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
