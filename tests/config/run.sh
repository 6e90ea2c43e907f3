#!/bin/sh
# Config tests for vmconfig: every tests/config/*.cfg, a few generated
# inputs, the emitted C through the cross compiler, and the repo's own
# configs/*.cfg. One PASS/FAIL line per test; always exits 0.
#
# usage: tests/config/run.sh [VMCONFIG]     (default: out/host/vmconfig)
# env:   IMAGES_DIR  guest images for configs/*.cfg (default: out/guests)
#        VALGRIND=1  run the bad cases under valgrind too
#
# A .cfg's `# expect: S` lines must all be substrings of its stderr (bad-*,
# exit 1); `# expect-summary: S` lines of its --summary output (good-*, exit 0).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/config
VMC=${1:-$ROOT/out/host/vmconfig}
case $VMC in /*) ;; *) VMC=$(pwd)/$VMC ;; esac
IMAGES_DIR=${IMAGES_DIR:-$ROOT/out/guests}
case $IMAGES_DIR in /*) ;; *) IMAGES_DIR=$ROOT/$IMAGES_DIR ;; esac
CROSS=${CROSS:-aarch64-linux-gnu-}

T=$(mktemp -d) || exit 0
trap 'rm -rf "$T"' EXIT INT TERM

pass() { echo "PASS config/$1"; }
fail() { printf 'FAIL config/%s: %s\n' "$1" "$2"; }

if [ ! -x "$VMC" ]; then
	fail vmconfig "no binary at $VMC"
	exit 0
fi

# Images the test configs name: `hello`, `big` (too big for 16M), `huge`, `empty`.
head -c 4096 /dev/zero | tr '\0' '\1' >"$T/hello.bin"
truncate -s 17M "$T/big.bin"
truncate -s 1000M "$T/huge.bin" # sparse: more than the RAM after the hypervisor
: >"$T/empty.bin"

# Fake arm64 Images: a 64-byte header (text_offset, image_size, flags, magic),
# then filler: mkimage NAME TEXT_OFFSET IMAGE_SIZE FLAGS MAGIC [FILE_SIZE].
le() {
	v=$1 i=0
	while [ $i -lt "$2" ]; do
		# shellcheck disable=SC2059 # the format is the byte
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8)) i=$((i + 1))
	done
}
mkimage() {
	{ head -c 8 /dev/zero; le "$2" 8; le "$3" 8; le "$4" 8; head -c 24 /dev/zero
	  le "$5" 4; head -c 4 /dev/zero; head -c $((${6:-4096} - 64)) /dev/zero | tr '\0' '\1'
	} >"$T/$1"
}
ARM64=0x644d5241
mkimage kimage.bin 0x80000 0x200000 0x2 $ARM64
mkimage kmagic.bin 0 0x200000 0x2 0x12345678
mkimage kbe.bin 0 0x200000 0x3 $ARM64
mkimage k64k.bin 0 0x200000 0x6 $ARM64
mkimage kbig.bin 0 0x2000000 0x2 $ARM64
mkimage k14m.bin 0 0xe00000 0x2 $ARM64
mkimage kfull.bin 0 0xfff800 0 $ARM64
mkimage kwrap.bin 0x80000 0 0x2 $ARM64 # image_size 0xffffffffffffff00: wraps if added
printf '\000\377\377\377\377\377\377\377' | dd of="$T/kwrap.bin" bs=1 seek=16 conv=notrunc status=none
head -c 8193 /dev/zero | tr '\0' '\2' >"$T/rd8k.bin"
truncate -s 3M "$T/rd3m.bin"

# vmc [ARGS...]: runs vmconfig in $T (so `image ./x` finds $T/x), sets rc.
vmc() {
	(cd "$T" && $WRAP "$VMC" "$@" >"$T/stdout" 2>"$T/stderr")
	rc=$?
}

first_err() { head -n 1 "$T/stderr"; }

# missing FILE PREFIX OUTPUT: prints the first PREFIX line of FILE not found in OUTPUT.
missing() {
	sed -n "s/^# $2: //p" "$1" | while IFS= read -r want; do
		grep -qF -- "$want" "$3" || { printf '%s\n' "$want"; break; }
	done
}

# check_bad NAME FILE.cfg: must fail with exit 1 and every `# expect:` in stderr.
check_bad() {
	WRAP=
	[ "$VALGRIND" = 1 ] && WRAP="valgrind --error-exitcode=9 -q"
	vmc -I "$T" "$2"
	WRAP=
	if [ $rc -ne 1 ]; then
		fail "$1" "exit $rc, expected 1: $(first_err)"
		return
	fi
	if [ -n "$3" ]; then
		grep -qF -- "$3" "$T/stderr" || fail "$1" "no '$3' in: $(first_err)"
		grep -qF -- "$3" "$T/stderr" && pass "$1"
		return
	fi
	if ! grep -q '^# expect: ' "$2"; then
		fail "$1" "has no '# expect:' line"
		return
	fi
	m=$(missing "$2" expect "$T/stderr")
	if [ -n "$m" ]; then
		fail "$1" "stderr lacks '$m'; got: $(first_err)"
	else
		pass "$1"
	fi
}

check_good() {
	vmc -I "$T" --summary "$2"
	if [ $rc -ne 0 ] || [ -s "$T/stderr" ]; then
		fail "$1" "exit $rc: $(first_err)"
		return
	fi
	m=$(missing "$2" expect-summary "$T/stdout")
	if [ -n "$m" ]; then
		fail "$1" "summary lacks '$m'"
	else
		pass "$1"
	fi
}

for cfg in "$HERE"/*.cfg; do
	[ -e "$cfg" ] || continue
	name=$(basename "$cfg")
	case $name in
	bad-*) check_bad "$name" "$cfg" ;;
	good-*) check_good "$name" "$cfg" ;;
	*) fail "$name" "neither bad-* nor good-*" ;;
	esac
done

# Inputs that are awkward to keep as files.
printf 'vm a\n  image hello\n\001\002\377garbage\000\n  cpus 0\n  mem 0x40000000 16M\n' \
	>"$T/binary.cfg"
check_bad gen-binary "$T/binary.cfg" "binary.cfg:3: not a text line"
{ printf 'vm a\n  image hello\n  cpus 0\n  mem 0x40000000 16M\n  arg '
  head -c 5000 /dev/zero | tr '\0' '7'; echo; } >"$T/long.cfg"
check_bad gen-long-line "$T/long.cfg" "long.cfg:5: line too long (at most 1023 characters)"
i=0
while [ $i -lt 65 ]; do
	printf 'vm v%d\n  image hello\n  cpus 0\n  mem 0x40000000 4K\n' $i
	i=$((i + 1))
done >"$T/many.cfg"
check_bad gen-too-many-vms "$T/many.cfg" "many.cfg:257: vm 'v64': too many vms (at most 64)"
head -c 3000 /dev/urandom >"$T/random.cfg"
vmc -I "$T" "$T/random.cfg"
if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then pass gen-random; else fail gen-random "exit $rc"; fi

# Usage and I/O errors exit 2; a failed run leaves no output file.
vmc
if [ $rc -eq 2 ] && grep -q '^usage: vmconfig' "$T/stderr"; then pass usage; else
	fail usage "exit $rc: $(first_err)"; fi
vmc "$T/nonexistent.cfg"
if [ $rc -eq 2 ]; then pass io-error; else fail io-error "exit $rc: $(first_err)"; fi
vmc -I "$T" -o "$T/bad.c" "$HERE/bad-overlap-vms.cfg"
if [ $rc -eq 1 ] && [ ! -e "$T/bad.c" ] && [ ! -e "$T/bad.c.tmp" ]; then pass no-output-on-error
else fail no-output-on-error "exit $rc, or bad.c left behind"; fi

# --deps: the files a config embeds, as make rules, and nothing else: the
# build makes exactly these before the config (not every guest).
vmc -I G --deps T.c "$HERE/good-kernel.cfg"
want='T.c: ./kimage.bin
./kimage.bin:
T.c: ./rd8k.bin
./rd8k.bin:
T.c: G/hello.bin
G/hello.bin:'
if [ $rc -eq 0 ] && [ "$(cat "$T/stdout")" = "$want" ]; then pass deps-kernel-and-image; else
	fail deps-kernel-and-image "exit $rc: $(tr '\n' ' ' <"$T/stdout")"; fi

# The emitted C compiles freestanding for the target and embeds the images;
# good-full.cfg has shm doorbells, so .intid is compiled too.
vmc -I "$T" -o "$T/full.c" "$HERE/good-full.cfg"
if [ $rc -ne 0 ]; then
	fail emit-compiles "vmconfig exit $rc: $(first_err)"
elif ! "${CROSS}gcc" -std=c11 -ffreestanding -Wall -Wextra -Werror -I"$ROOT/include" \
	-c "$T/full.c" -o "$T/full.o" 2>"$T/cc.err"; then
	fail emit-compiles "$(head -n 1 "$T/cc.err")"
elif ! "${CROSS}objdump" -h "$T/full.o" | grep -q '\.vm_loads *00002000 '; then
	fail emit-compiles ".vm_loads is not two 4 KiB images"
elif ! grep -q '\.input_vm = 0,' "$T/full.c" || ! grep -q '\.uart_ipa = 0x0,' "$T/full.c"; then
	fail emit-compiles "input_vm or uart none not emitted as expected"
elif ! grep -q '\.channel = 0, \.intid = 42 }' "$T/full.c"; then
	fail emit-compiles "shm doorbell .intid not emitted"
else
	pass emit-compiles
fi

# A vm's flags as emitted: an explicit `on-fault stop` on the monitor is kept,
# `dma unconfined` and `on-fault restart` set their bits, the rest is 0.
vmc -I "$T" -o "$T/flags.c" "$HERE/good-dma-on-fault.cfg"
flags=$(awk '/^\t\t\.name = /{n=$3} /^\t\t\.flags = /{printf "%s%s ", n, $3}' "$T/flags.c" 2>/dev/null)
want='"m",0x0, "n",0x3, "d",0x0, '
if [ $rc -eq 0 ] && [ "$flags" = "$want" ]; then pass emit-vm-flags; else
	fail emit-vm-flags "exit $rc, flags '$flags', want '$want'"; fi

# A kernel vm's generated DTB (written next to the C, embedded as a load):
# dtc decompiles it, and it holds the config's values: RAM, vCPU MPIDRs, PSCI,
# the GIC with one redistributor frame per vCPU, the timer's PPIs, the PL011
# with its clocks, the device's INTIDs 40 41 (SPIs 8 9), the read-only
# channel with its doorbell 50 (SPI 18) and doorbell page, and /chosen. `--dts` prints DTS
# that dtc reads back.
dtb_has() {
	for want in 'memory@40100000 {' 'reg = <0x00 0x40100000 0x00 0x2000000>;' \
		'reg = <0x00 0x80000000 0x00 0x200000>;' 'cpu@1 {' 'reg = <0x01>;' \
		'enable-method = "psci";' 'compatible = "arm,psci-1.0\0arm,psci-0.2";' \
		'method = "hvc";' 'compatible = "arm,gic-v3";' '#interrupt-cells = <0x03>;' \
		'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x40000>;' \
		'interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;' \
		'compatible = "arm,pl011\0arm,primecell";' 'reg = <0x00 0x9000000 0x00 0x1000>;' \
		'interrupts = <0x00 0x01 0x04>;' 'clock-names = "uartclk\0apb_pclk";' \
		'compatible = "fixed-clock";' 'passthrough@9010000 {' \
		'interrupts = <0x00 0x08 0x04 0x00 0x09 0x04>;' 'shm@50000000 {' \
		'reg = <0x00 0x50000000 0x00 0x10000 0x00 0x50100000 0x00 0x1000>;' \
		'reg-names = "shm\0bell";' 'read-only;' 'interrupts = <0x00 0x12 0x04>;' \
		'bootargs = "console=ttyAMA0 # not a comment";' 'stdout-path = "/pl011@9000000";' \
		'linux,initrd-start = <0x00 0x420fd000>;' 'linux,initrd-end = <0x00 0x420ff001>;' \
		'rng-seed = <0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00>;'; do
		grep -qF -- "$want" "$1" || { printf '%s\n' "$want"; return; }
	done
}
if ! command -v dtc >/dev/null 2>&1; then
	fail dtb-decompiles "no dtc (scripts/deps.sh installs device-tree-compiler)"
else
	vmc -I "$T" -o "$T/kernel.c" "$HERE/good-kernel.cfg"
	if [ $rc -ne 0 ] || ! dtc -I dtb -O dts -o "$T/vm-l.dts" "$T/vm-l.dtb" 2>"$T/dtc.err"; then
		fail dtb-decompiles "exit $rc: $(first_err)$(head -n 1 "$T/dtc.err")"
	elif m=$(dtb_has "$T/vm-l.dts") && [ -n "$m" ]; then
		fail dtb-decompiles "the DTB lacks '$m'"
	elif ! grep -q '^	{ .data = vm_load_0_1, .size = [0-9]*, .ipa = 0x420fc000 },$' "$T/kernel.c"; then
		fail dtb-decompiles "the DTB is not vm 'l''s second load at 0x420fc000"
	else
		pass dtb-decompiles
	fi
	vmc -I "$T" --dts l "$HERE/good-kernel.cfg"
	if [ $rc -eq 0 ] && dtc -I dts -O dtb -o "$T/printed.dtb" "$T/stdout" 2>/dev/null &&
		dtc -I dtb -O dts -o "$T/printed.dts" "$T/printed.dtb" 2>/dev/null &&
		[ -z "$(dtb_has "$T/printed.dts")" ]; then
		pass dts-prints
	else
		fail dts-prints "exit $rc, or dtc cannot read it back: $(first_err)"
	fi
fi

# `device ... dt FILE`: the fragment's root's subnodes are copied under the
# vm's root instead of the generic node; its phandles must not be ours (< 16).
if command -v dtc >/dev/null 2>&1; then
	printf '/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;\n%s\n };\n' \
		'virtio@a000000 { compatible = "virtio,mmio"; reg = <0 0xa000000 0 0x200>; interrupts = <0 16 1>; };' |
		dtc -q -O dtb -o "$T/frag.dtb" -
	printf '/dts-v1/; / { n { phandle = <1>; }; };\n' | dtc -q -O dtb -o "$T/badfrag.dtb" -
	printf 'vm l\n  kernel ./kimage.bin\n  cpus 0\n  mem 0x40000000 16M\n  dma unconfined\n  device 0x0a000000 0x1000 irq 48 dt ./%s\n' \
		frag.dtb >"$T/frag.cfg"
	sed 's/frag.dtb/badfrag.dtb/' "$T/frag.cfg" >"$T/badfrag.cfg"
	vmc -I "$T" -o "$T/frag.c" "$T/frag.cfg"
	if [ $rc -eq 0 ] && dtc -I dtb -O dts "$T/vm-l.dtb" 2>/dev/null >"$T/frag.dts" &&
		grep -qF 'compatible = "virtio,mmio";' "$T/frag.dts" && ! grep -q passthrough "$T/frag.dts"; then
		pass device-dt-fragment
	else
		fail device-dt-fragment "exit $rc: $(first_err), or the fragment is not in the DTB"
	fi
	# `dtb FILE`: used as given, its /chosen filled in from the config
	printf '/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; given { x = <1>; }; };\n' |
		dtc -q -O dtb -o "$T/given.dtb" -
	printf 'vm l\n  kernel ./kimage.bin\n  initrd ./rd8k.bin\n  bootargs "quiet"\n  dtb ./given.dtb\n  cpus 0\n  mem 0x40000000 16M\n' \
		>"$T/given.cfg"
	vmc -I "$T" -o "$T/given.c" "$T/given.cfg"
	if [ $rc -eq 0 ] && dtc -I dtb -O dts "$T/vm-l.dtb" 2>/dev/null >"$T/given.dts" &&
		grep -qF 'given {' "$T/given.dts" && grep -qF 'bootargs = "quiet";' "$T/given.dts" &&
		grep -qF 'linux,initrd-start = <0x00 0x40ffd000>;' "$T/given.dts" &&
		! grep -q 'intc@' "$T/given.dts"; then
		pass dtb-file-chosen
	else
		fail dtb-file-chosen "exit $rc: $(first_err), or its /chosen is not the config's"
	fi
	check_bad device-dt-phandle "$T/badfrag.cfg" \
		"badfrag.cfg:6: vm 'l': device: dt './badfrag.dtb': FDT_ERR_BADPHANDLE (a fragment's phandles start at 16)"
fi

# The fuzzing corpus and every test config through parser, checker, allocator,
# emitter and summary with ASan/UBSan (fuzz_config.c: no image is read from disk),
# accepted configs checked against what the checker promises.
if gcc -std=c11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=all -DFUZZ_REPLAY -I"$ROOT/tools/vmconfig" \
	-I"$ROOT/platforms/qemu-aarch64-virt" -I"$ROOT/include" "$HERE/fuzz_config.c" \
	$(ls "$ROOT"/tools/vmconfig/*.c | grep -v -e '/main\.c$' -e '/image\.c$' -e '/dtb_plic\.c$') \
	-lfdt -o "$T/fuzz_replay" 2>"$T/cc.err"; then
	if out=$("$T/fuzz_replay" "$HERE"/corpus/* "$HERE"/*.cfg "$ROOT"/configs/*.cfg 2>&1); then
		pass "fuzz-replay: $out"
	else
		fail fuzz-replay "$(echo "$out" | grep -m1 -E 'ERROR|runtime error|accepted|abort')"
	fi
else
	fail fuzz-replay "does not compile: $(head -n 1 "$T/cc.err")"
fi

# The repo's configs must pass, given their images (skipped without them).
for cfg in "$ROOT"/configs/*.cfg; do
	[ -e "$cfg" ] || continue
	ok=1
	imgs=$(sed -n 's/^[[:space:]]*\(image\|kernel\|initrd\)[[:space:]]\{1,\}\([^[:space:]#]*\).*/\2/p' "$cfg")
	for img in $imgs; do
		case $img in
		*/*) (cd "$ROOT" && [ -f "$img" ]) || ok=0 ;;
		*) [ -f "$IMAGES_DIR/$img.bin" ] || ok=0 ;;
		esac
	done
	[ $ok = 1 ] || continue
	name=configs/$(basename "$cfg")
	(cd "$ROOT" && "$VMC" -I "$IMAGES_DIR" "$cfg" >/dev/null 2>"$T/stderr")
	rc=$?
	if [ $rc -eq 0 ]; then pass "$name"; else fail "$name" "exit $rc: $(first_err)"; fi
done
exit 0
