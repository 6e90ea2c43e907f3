#!/usr/bin/env bash
# Boots a Vitrine image on QEMU's aarch64 `virt` board: 4 cores, GICv3,
# EL2 available, 1 GiB; or a riscv64 one (its ELF says which) on the riscv64
# `virt` board: 4 harts with the H extension, 1 GiB, under OpenSBI (docs/riscv.md).
# Extra arguments go to QEMU. Quit with Ctrl-A x.
#
# SCRIPT=FILE      type FILE into the console (the `input` VM: the monitor's
#                  Lua REPL), then vitrine.poweroff(): a batch run
# TRACE=FILE       save the hypervisor's trace rings to FILE at power-off
#                  (read it with out/host/vtrace)
# TRACE_MODE=stream  drop new events when a ring is full (default: flight
#                  recorder, the oldest are overwritten)
# TRACE_CLASSES=exit,irq,...  record only these classes (exit irq call ipc
#                  fault state mark; default: all)
# NET_PORT=P       with a config that gives the monitor a network device (a `pci
#                  00:03.0` line: virtio-net-pci; or a `device 0x0a003000` line, on
#                  riscv64 `device 0x10001000`:
#                  virtio-mmio), the host's 127.0.0.1:P reaches the monitor's Lua
#                  console (TCP 5555 inside; default P = 5555)
# NET_TRACE_PORT=P  the same for the trace stream (TCP 5556 inside; default 5556)
# NET_GDB_PORT=P   the same for the GDB server (TCP 5557 inside; default 5557, and
#                  forwarded by default only when NET_PORT is not set either)
# LLC=1            load the emulated LLC (`make llc`: $O/host/libllc.so; or
#                  LLC=path/to/libllc.so), a model of the shared L2 that
#                  prints per-vCPU accesses, hits and misses at exit. QEMU's
#                  RAM becomes a shared file (in /dev/shm, removed afterwards)
#                  whose page at 0x7ffff000 (include/vitrine/llc.h) the
#                  plugin keeps its counts in, live. Adds -accel
#                  tcg,thread=single unless -icount is given (the model wants
#                  one vCPU thread).
# LLC_ARGS=size=N,ways=N,line=N,publish=N  more plugin options (tools/llc/llc.c)
# LLC_OUT=FILE     also write the plugin's summary to FILE
# LLC_PAGE=FILE    save the counters page (4 KiB) to FILE after the run
#                  (out/host/llc-page FILE 0 prints it)
# LLC_RAM_DIR=DIR  where the RAM file goes (default /dev/shm)
# BOOT_SEED=HEX    the boot seed, 32 hex digits, instead of 128 random bits: a
#                  run that must repeat exactly (a Linux guest's generator, so
#                  its layout, grows from it)
#
# Exit status: 0 the machine powered off (every VM down, vitrine.poweroff(),
# or Ctrl-A x); 3 the hypervisor panicked (it powers off too: run.sh knows
# by its panic line, below); 2 a bad setting of run.sh's; otherwise QEMU's
# own failure (1) or 128+N when it was killed by signal N (124: `timeout`).
set -euo pipefail
elf=${1:?usage: run.sh vitrine.elf [qemu args...]}
shift
ram_size=1G
# The ELF's e_machine: 243 is RISC-V. The boot parameter page is PLAT_BOOTPARAM_PA.
if [ "$(od -An -tu2 -j18 -N2 "$elf" | tr -d ' ')" = 243 ]; then
	qemu=(qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 4 -m "$ram_size" -bios default
		-nographic -nic none -kernel "$elf")
	bootparam=0x821ff000
	configs=configs/riscv64
	net_mmio='0x0*10001000' # the virtio-mmio slots a config gives the monitor (the NIC is the last)
else
	qemu=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a53 -smp 4 -m "$ram_size"
		-nographic -nic none -kernel "$elf")
	bootparam=0x41fff000
	configs=configs
	net_mmio='0x0*a003000'
fi
# The config is out/CONFIG/vitrine.elf's configs/CONFIG.cfg. Only a networked
# config gets the NIC and the forwarded ports, so other runs never compete for them.
cfg=$(dirname "$0")/../$configs/$(basename "$(dirname "$elf")").cfg
# A config's `pci 00:DD.F` addresses (docs/dma.md). QEMU's virtio-net-pci goes at NET_PCI
# (modern only, no MSI-X: its registers all in BAR 4, its interrupt INTA; iommu_platform=on,
# without which QEMU's virtio DMA goes around the SMMU), edu at the others.
NET_PCI=03.0
pci=
[ -r "$cfg" ] && pci=$(sed -En 's/^[[:space:]]*pci[[:space:]]+00:([0-9a-fA-F]{2}\.[0-7])[[:space:]].*/\1/p' "$cfg")
net=
if [ -r "$cfg" ] && grep -Eiq "^[[:space:]]*device[[:space:]]+$net_mmio[[:space:]]" "$cfg"; then
	net=mmio
elif grep -qx "$NET_PCI" <<<"$pci"; then
	net=pci
fi
if [ -n "$net" ]; then
	fwd=hostfwd=tcp:127.0.0.1:${NET_PORT:-5555}-:5555,hostfwd=tcp:127.0.0.1:${NET_TRACE_PORT:-5556}-:5556
	# The GDB server's port only when asked for, or with every default (`make run`): a
	# test that picks its ports never collides with another run on 5557.
	if [ -n "${NET_GDB_PORT:-}" ] || [ -z "${NET_PORT:-}" ]; then
		fwd+=,hostfwd=tcp:127.0.0.1:${NET_GDB_PORT:-5557}-:5557
	fi
	qemu+=(-netdev "user,id=n0,$fwd")
	if [ "$net" = mmio ]; then
		qemu+=(-device virtio-net-device,netdev=n0 -global virtio-mmio.force-legacy=false)
	else
		qemu+=(-device "virtio-net-pci,netdev=n0,addr=$NET_PCI,disable-legacy=on,vectors=0,iommu_platform=on,romfile=")
	fi
	# Said before the console is QEMU's: how else to reach the monitor.
	[ -t 1 ] && echo "run.sh: the monitor's Lua console is here and at 127.0.0.1:${NET_PORT:-5555}" \
		"(${O:-out}/host/vitrine repl --port ${NET_PORT:-5555}); \`console VM\` attaches to a VM, Ctrl-] leaves" >&2
fi
# A config with `pci` lines gets the SMMU in front of the PCIe bus (SMMU=0: not, a machine
# without one) and, at each such address but the network's, QEMU's edu DMA engine, its
# DMA mask opened to 40 bits.
if [ -n "$pci" ]; then
	[ "${SMMU:-1}" = 0 ] || qemu[2]+=,iommu=smmuv3
	for f in $pci; do
		[ "$f" = "$NET_PCI" ] || qemu+=(-device "edu,addr=$f,dma_mask=0xffffffffff")
	done
fi
has_monitor() { [ -r "$1" ] && grep -Eq '^[[:space:]]*monitor[[:space:]]' "$1"; }
# The boot seed (hyp/core/bootparam.h: words 1-3 of the boot-parameter page), always:
# 128 random bits that keep the monitor's network challenges from repeating across boots.
if [ -n "${BOOT_SEED:-}" ]; then
	[[ $BOOT_SEED =~ ^[0-9a-fA-F]{32}$ ]] || {
		echo "run.sh: BOOT_SEED=$BOOT_SEED: want 32 hex digits" >&2
		exit 2
	}
	seed="${BOOT_SEED:0:16} ${BOOT_SEED:16:16}"
else
	seed=$(od -An -tx8 -N16 -v /dev/urandom)
fi
i=0
for w in 0x4445455350425456 $seed; do
	qemu+=(-device "loader,addr=$((bootparam + 8 + 8 * i)),data=0x${w#0x},data-len=8")
	i=$((i + 1))
done
llc_ram=
if [ -n "${LLC:-}" ] && [ "$LLC" != 0 ]; then
	so=$LLC
	if [ "$LLC" = 1 ]; then
		so=${O:-out}/host/libllc.so
		case $so in /*) ;; *) so=$(cd "$(dirname "$0")/.." && pwd)/$so ;; esac
	fi
	[ -r "$so" ] || { echo "run.sh: no LLC plugin $so (make llc)" >&2; exit 2; }
	tmp=${LLC_RAM_DIR:-/dev/shm}
	[ -d "$tmp" ] && [ -w "$tmp" ] || tmp=${TMPDIR:-/tmp}
	llc_ram=$(mktemp "$tmp/vitrine-ram.XXXXXX")
	# The page to save: VT_LLC_PAGE_PA - the RAM's base, in pages.
	llc_save() {
		if [ -n "${LLC_PAGE:-}" ]; then
			dd if="$llc_ram" of="$LLC_PAGE" bs=4096 skip=$(((0x7ffff000 - 0x40000000) / 4096)) \
				count=1 status=none || true
		fi
		rm -f "$llc_ram"
	}
	trap llc_save EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	truncate -s $ram_size "$llc_ram"
	qemu+=(-object "memory-backend-file,id=vitrine-ram,size=$ram_size,mem-path=$llc_ram,share=on"
		-machine memory-backend=vitrine-ram
		-plugin "$so,counters=$llc_ram${LLC_ARGS:+,$LLC_ARGS}${LLC_OUT:+,out=$LLC_OUT}")
	case " $* " in *" -icount "*) ;; *) qemu+=(-accel tcg,thread=single) ;; esac
fi
# The console passes through tee (byte by byte: the prompt and the raw
# terminal work as before) to a check for the hypervisor's panic line,
# "vitrine: PANIC: ..." (hyp/core/log.c). It must be the last line that
# begins "vitrine: ": no VM's line begins so (each is "[name] ..." with its
# control bytes shown) and nothing is printed after a panic. QEMU's status,
# or PANIC_STATUS after a panic.
PANIC_STATUS=3
console() {
	local last check pid status
	last=$(mktemp)
	exec {check}> >(LC_ALL=C grep -a '^vitrine: ' | tail -n 1 >"$last")
	pid=$!
	set +e
	"$@" {check}>&- | tee /dev/fd/"$check" # a pipe: tee opens it again
	status=${PIPESTATUS[0]}
	set -e
	exec {check}>&-
	wait "$pid" || true # the check has read it all
	if LC_ALL=C grep -q '^vitrine: PANIC: ' "$last"; then
		echo "run.sh: the hypervisor panicked" >&2
		status=$PANIC_STATUS
	fi
	rm -f "$last"
	return "$status"
}
if [ -n "${SCRIPT:-}" ]; then
	[ -r "$SCRIPT" ] || { echo "run.sh: cannot read $SCRIPT" >&2; exit 2; }
	if [ -r "$cfg" ] && ! has_monitor "$cfg"; then
		with=$(for c in "$(dirname "$cfg")"/*.cfg; do if has_monitor "$c"; then basename "$c" .cfg; fi; done | tr '\n' ' ')
		echo "run.sh: SCRIPT= is typed into the monitor's Lua console, and $(basename "$cfg") has no monitor;" \
			"configs with one: ${with% }" >&2
		exit 2
	fi
	# The console reads what is typed as the guest asks for it: nothing is lost.
	exec < <(cat "$SCRIPT"; printf '\nvitrine.poweroff()\n')
fi
if [ -z "${TRACE:-}" ]; then
	status=0
	console "${qemu[@]}" "$@" || status=$?
	exit "$status"
fi

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
# The dump's lines go to $b64, the others on, each as it comes: sed -u, as an awk
# (mawk) may read its input a block at a time, which holds the console back from
# whoever waits for a line of it.
console "${qemu[@]}" -device "loader,addr=$bootparam,data=$word,data-len=8" "$@" |
	sed -u -n "/^vitrine-trace-begin/,/^vitrine-trace-end/ {
		/^vitrine-trace-/! { s/\r\$//; w $b64
		}
		d
	}
	p"
status=${PIPESTATUS[0]}
set -e
if [ -s "$b64" ]; then
	base64 -d "$b64" >"$TRACE" && rm -f "$b64"
	echo "run.sh: trace saved to $TRACE ($(stat -c %s "$TRACE") bytes)" >&2
else
	echo "run.sh: no trace came out of the run" >&2
fi
exit "$status"
