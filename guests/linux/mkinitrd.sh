#!/usr/bin/env bash
# mkinitrd.sh [-k KTREE] [-p TREE/PATH]... OUT PKGDIR FILE...: a Linux
# guest's initramfs, a gzipped newc cpio, written to OUT. PKGDIR is
# scripts/fetch-linux.sh's directory (busybox/, linux/, ... in it). It holds
# busybox-static with a link per applet in /bin, guests/linux/init as /init,
# /dev/console, and each FILE: a name (e.g. uio) is a module of the kernel
# in PKGDIR/KTREE (default linux), as /lib/modules/NAME.ko; a path (with a
# /) is a .ko built elsewhere, into /lib/modules, or any other file, a
# static program, into /bin. Each -p adds a dynamically linked program of
# PKGDIR/TREE as /bin/NAME, with its loader and the libraries it needs
# (readelf's NEEDED, transitively), found in TREE's multiarch directories
# and put at the same paths, symbolic links as they are.
# Reproducible: sorted entries, owner 0, mtime 0, no name or time in the
# gzip header, so two builds are byte-identical.
set -euo pipefail
usage='usage: mkinitrd.sh [-k KTREE] [-p TREE/PATH]... OUT PKGDIR FILE...'
ktree=linux
progs=()
while getopts k:p: o; do
	case $o in
	k) ktree=$OPTARG ;;
	p) progs+=("$OPTARG") ;;
	*) echo "$usage" >&2 && exit 1 ;;
	esac
done
shift $((OPTIND - 1))
out=${1:?$usage}
pkg=${2:?$usage}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=${out%.cpio.gz}.root
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

die() {
	echo "mkinitrd: $*" >&2
	exit 1
}

# The applets of this busybox build, from its manual's list: the binary is
# arm64 and cannot be asked (`busybox --list`) on the build machine.
applets() {
	zcat "$pkg/busybox/usr/share/man/man1/busybox.1.gz" |
		sed -n '/^Currently available applets include:/,/^\.Ve/s/^\\&//p' |
		sed 's/\\-/-/g' | tr ',' '\n' | tr -d ' ' | grep -v -e '^$' -e '^busybox$' -e /
}

rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
# bin/busybox, or usr/bin/busybox in a merged-/usr package (Debian 13's, riscv64's).
bb=$pkg/busybox/bin/busybox
[ -f "$bb" ] || bb=$pkg/busybox/usr/bin/busybox
[ -f "$bb" ] || die "no busybox in $pkg/busybox"
install -m 755 "$bb" "$root/bin/busybox"
n=0
for a in $(applets); do
	ln -s busybox "$root/bin/$a"
	n=$((n + 1))
done
if [ ! -e "$root/bin/sh" ] || [ "$n" -lt 100 ]; then
	die "no applet list in busybox's manual (only $n applets, or no sh)"
fi
install -m 755 "$here/init" "$root/init"
# The kernel opens /dev/console for init before /init mounts devtmpfs.
$sudo mknod -m 600 "$root/dev/console" c 5 1

# Debian's kernel modules are not compressed (CONFIG_MODULE_COMPRESS_NONE);
# a compressed one is decompressed here, so that busybox's insmod loads it.
kdir=$(echo "$pkg/$ktree"/lib/modules/*/kernel)
for m in "$@"; do
	case $m in
	*/*.ko)
		[ -f "$m" ] || die "no module $m"
		install -m 644 "$m" "$root/lib/modules/$(basename "$m")"
		continue
		;;
	*/*)
		[ -f "$m" ] || die "no program $m"
		install -m 755 "$m" "$root/bin/$(basename "$m")"
		continue
		;;
	esac
	ko=$(find "$kdir" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
	case $ko in
	*.ko) install -m 644 "$ko" "$root/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$ko" >"$root/lib/modules/$m.ko" ;;
	*) die "no module $m in $kdir" ;;
	esac
done

# put TREE REL: TREE/REL into the initramfs as /REL; a symbolic link is
# kept as a link, and what it points to is put too.
put() {
	local t=$1 rel=$2 to
	[ -e "$t/$rel" ] || die "no $rel in $t"
	mkdir -p "$root/$(dirname "$rel")"
	if [ -L "$t/$rel" ]; then
		to=$(readlink "$t/$rel")
		ln -sfn "$to" "$root/$rel"
		case $to in
		/*) put "$t" "${to#/}" ;;
		*) put "$t" "$(dirname "$rel")/$to" ;;
		esac
	else
		install -m 755 "$t/$rel" "$root/$rel"
	fi
}

# needs TREE REL: the loader and the libraries ELF file TREE/REL names, as
# paths in TREE, then theirs. The loader's default search path on Debian
# is the multiarch directories, so that is where they are looked for.
needs() {
	local t=$1 rel=$2 lib d found interp
	interp=$(readelf -lW "$t/$rel" | sed -n 's/.*Requesting program interpreter: \/\(.*\)]/\1/p')
	[ -z "$interp" ] || echo "$interp"
	for lib in $(readelf -dW "$t/$rel" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=
		for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
			[ -e "$t/$d/$lib" ] && found=$d/$lib && break
		done
		[ -n "$found" ] || die "$rel needs $lib: not in $t's multiarch directories"
		echo "$found"
		needs "$t" "$(realpath --relative-to="$t" "$t/$found")"
	done
}

for p in ${progs[@]+"${progs[@]}"}; do
	t=$pkg/${p%%/*}
	rel=${p#*/}
	[ -f "$t/$rel" ] || die "no program $rel in $t"
	install -m 755 "$t/$rel" "$root/bin/$(basename "$rel")"
	files=$(needs "$t" "$rel" | LC_ALL=C sort -u) # set -e: a die in needs stops here
	for f in $files; do
		put "$t" "$f"
	done
done

find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
