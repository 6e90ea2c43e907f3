#!/usr/bin/env bash
# Boots a Vitrine image on QEMU's aarch64 `virt` board: 4 cores, GICv3,
# EL2 available, 1 GiB. Extra arguments go to QEMU. Quit with Ctrl-A x.
#
# SCRIPT=FILE      type FILE into the console (the `input` VM: the monitor's
#                  Lua REPL), then vitrine.poweroff(): a batch run
# TRACE=FILE       save the hypervisor's trace rings to FILE at power-off
#                  (read it with out/host/vtrace)
# TRACE_MODE=stream  drop new events when a ring is full (default: flight
#                  recorder, the oldest are overwritten)
# TRACE_CLASSES=exit,irq,...  record only these classes (exit irq call ipc
#                  fault state mark; default: all)
# NET_PORT=P       with a config that gives the monitor the virtio-net device
#                  (a `device 0x0a003000` line), the host's 127.0.0.1:P reaches the
#                  monitor's Lua console (TCP 5555 inside; default P = 5555)
# NET_TRACE_PORT=P  the same for the trace stream (TCP 5556 inside; default 5556)
set -euo pipefail
elf=${1:?usage: run.sh vitrine.elf [qemu args...]}
shift
qemu=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a53 -smp 4 -m 1G
	-nographic -nic none -kernel "$elf")
# The config is out/CONFIG/vitrine.elf's configs/CONFIG.cfg. Only a networked
# config gets the NIC and the forwarded ports, so other runs never compete for them.
cfg=$(dirname "$0")/../configs/$(basename "$(dirname "$elf")").cfg
if [ -r "$cfg" ] && grep -Eiq '^[[:space:]]*device[[:space:]]+0x0*a003000[[:space:]]' "$cfg"; then
	fwd=hostfwd=tcp:127.0.0.1:${NET_PORT:-5555}-:5555,hostfwd=tcp:127.0.0.1:${NET_TRACE_PORT:-5556}-:5556
	qemu+=(-netdev "user,id=n0,$fwd" -device virtio-net-device,netdev=n0
		-global virtio-mmio.force-legacy=false)
fi
if [ -n "${SCRIPT:-}" ]; then
	[ -r "$SCRIPT" ] || { echo "run.sh: cannot read $SCRIPT" >&2; exit 2; }
	# The console reads what is typed as the guest asks for it: nothing is lost.
	exec < <(cat "$SCRIPT"; printf '\nvitrine.poweroff()\n')
fi
[ -n "${TRACE:-}" ] || exec "${qemu[@]}" "$@"

# The options word (hyp/core/bootparam.h) at the last page of the hypervisor's RAM.
flags=1
[ "${TRACE_MODE:-flight}" = stream ] && flags=3
classes=0
wanted=${TRACE_CLASSES:-}
for c in ${wanted//,/ }; do
	case $c in
	exit) classes=$((classes | 2)) ;;
	irq) classes=$((classes | 4)) ;;
	call) classes=$((classes | 8)) ;;
	ipc) classes=$((classes | 16)) ;;
	fault) classes=$((classes | 32)) ;;
	state) classes=$((classes | 64)) ;;
	mark) classes=$((classes | 128)) ;;
	*) echo "run.sh: unknown trace class '$c'" >&2; exit 2 ;;
	esac
done
flags=$((flags | classes << 8))
word=$(printf '0x56544250%08x' "$flags")
b64=$TRACE.b64
set +e
"${qemu[@]}" -device "loader,addr=0x41fff000,data=$word,data-len=8" "$@" |
	awk -v out="$b64" '
		/^vitrine-trace-begin/ { inside = 1; printf "" > out; next }
		/^vitrine-trace-end/ { inside = 0; close(out); next }
		inside { sub(/\r$/, ""); print >> out; next }
		{ print; fflush() }'
status=${PIPESTATUS[0]}
set -e
if [ -s "$b64" ]; then
	base64 -d "$b64" >"$TRACE" && rm -f "$b64"
	echo "run.sh: trace saved to $TRACE ($(stat -c %s "$TRACE") bytes)" >&2
else
	echo "run.sh: no trace came out of the run" >&2
fi
exit "$status"
