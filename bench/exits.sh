#!/usr/bin/env bash
# bench/exits.sh: hypervisor instructions per guest exit, by exit class.
#
# Boots configs/bench-exits.cfg (a guest making 1000 exits of each class)
# under QEMU -icount (deterministic) with the el2count TCG plugin from
# ../shared/tools, which counts the instructions executed inside the
# hypervisor's text per entry into it. Writes out/bench/exits.csv and
# prints a table. Needs Debian's qemu source package for the plugin header
# (scripts/fetch-src.sh) and libglib2.0-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
B=$O/bench
PLUGIN_SRC=${PLUGIN_SRC:-../shared/tools/el2count/el2count.c}
mkdir -p "$B"

if [ ! -f "$B/libel2count.so" ]; then
	[ -f "$PLUGIN_SRC" ] || { echo "exits.sh: $PLUGIN_SRC not found" >&2; exit 1; }
	dpkg -s libglib2.0-dev >/dev/null 2>&1 ||
		apt-get install -y -qq --no-install-recommends libglib2.0-dev >/dev/null
	src=$(scripts/fetch-src.sh qemu)
	tar -xJf "$src"/qemu_*.orig.tar.xz -C "$B" --wildcards '*/include/qemu/qemu-plugin.h'
	inc=$(dirname "$(find "$B" -name qemu-plugin.h | head -1)")
	# shellcheck disable=SC2046 # pkg-config prints several flags
	gcc -O2 -shared -fPIC -Wall -I"$inc" $(pkg-config --cflags glib-2.0) "$PLUGIN_SRC" \
		-o "$B/libel2count.so" $(pkg-config --libs glib-2.0)
fi

make -s CONFIG=bench-exits >/dev/null
E=$O/bench-exits/vitrine.elf
G=$O/guests/exitbench.elf
sym() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }
marks=""
for f in exit_sync exit_irq hypercall vuart_access vpsci_call; do
	marks="$marks,mark=$f@$(sym "$E" $f)"
done
args="lo=$(sym "$E" __hyp_start),hi=$(sym "$E" __text_end),vbar=$(sym "$E" hyp_vectors)"
args="$args,glo=0x40000000,ghi=0x40100000$marks"
# The window: from the guest's main() to its closing message.
args="$args,start_pc=$(sym "$G" main),start_count=1,stop_pc=$(sym "$G" rt_printf),stop_count=1"

timeout 120 scripts/run.sh "$E" -icount shift=0,sleep=off \
	-plugin "$B/libel2count.so,$args,out=$B/exits-el2count.txt" </dev/null >"$B/exits-console.txt"

# "  0x...(lower64_sync) exit_sync+hypercall: 1000 123456 123.5 120 130"
awk '
	/^episode classes/ { on = 1; next }
	on && /\(lower64_/ {
		cls = $2; sub(":", "", cls)
		name = cls
		if (cls ~ /hypercall/) name = "hypercall (vm_info)"
		else if (cls ~ /vuart/) name = "emulated MMIO read (PL011 FR)"
		else if (cls ~ /vpsci/) name = "PSCI call (PSCI_VERSION)"
		else if (cls == "exit_sync") name = "trapped sysreg (PMCR_EL0)"
		printf "%s,%d,%.1f,%d,%d\n", name, $3, $5, $6, $7
	}' "$B/exits-el2count.txt" >"$B/exits.csv.tmp"
{ echo "class,exits,hyp_insns_per_exit,min,max"; cat "$B/exits.csv.tmp"; } >"$B/exits.csv"
rm -f "$B/exits.csv.tmp"
column -t -s, "$B/exits.csv"
