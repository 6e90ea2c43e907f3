#!/usr/bin/env bash
# trace-linux.sh [NAME]: boots configs/NAME.cfg (default linux-ftrace: Linux
# runs guests/linux/vtftrace and powers off) with the hypervisor's rings
# dumped, takes Linux's own ftrace from the console, and merges both into
# one Perfetto trace: $O/NAME.perfetto-trace (and NAME.vtr, the dump;
# NAME.log, the console; NAME.guest.txt, Linux's trace as text).
# `make trace-linux` runs it. `trace-linux.sh --extract LOG VM` only prints
# VM's trace from a console log: the lines between its vitrine-ftrace-begin
# and vitrine-ftrace-end, base64 of gzip (tests/system.sh uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}

extract() {
	awk -v p="[$2] " '
		index($0, p) != 1 { next }
		{ sub(/\r$/, ""); l = substr($0, length(p) + 1) }
		l == "vitrine-ftrace-begin" { inside = 1; next }
		l == "vitrine-ftrace-end" { inside = 0; found = 1; next }
		inside { print l }
		END { exit !found }' "$1" | base64 -d | gunzip
}

if [ "${1:-}" = --extract ]; then
	extract "$2" "$3"
	exit
fi
name=${1:-linux-ftrace}
out=$O/$name
make -s O="$O" linux vtrace
make -s O="$O" CONFIG="$name" >/dev/null
rm -f "$out.vtr"
make -s O="$O" run CONFIG="$name" TRACE="$out.vtr" </dev/null | tee "$out.log"
[ -s "$out.vtr" ] || { echo "trace-linux: no dump in $out.vtr" >&2; exit 1; }
vm=$(sed -n 's/^\[\([^]]*\)\] vitrine-ftrace-begin.*/\1/p' "$out.log" | head -n 1)
[ -n "$vm" ] || { echo "trace-linux: no guest trace in $out.log" >&2; exit 1; }
extract "$out.log" "$vm" >"$out.guest.txt"
"$O/host/vtrace" perfetto "$out.vtr" -o "$out.perfetto-trace" --guest "$vm=$out.guest.txt"
echo "trace-linux: $out.perfetto-trace: the hypervisor's trace and $vm's ftrace ($(grep -vc '^#' "$out.guest.txt") events)"
