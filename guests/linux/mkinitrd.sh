#!/usr/bin/env bash
# mkinitrd.sh OUT PKGDIR FILE...: the Linux guest's initramfs, a gzipped
# newc cpio, written to OUT. PKGDIR is scripts/fetch-linux.sh's directory
# (busybox/ and linux/ in it). It holds busybox-static with a link per
# applet in /bin, guests/linux/init as /init, /dev/console, and each FILE:
# a name (e.g. uio) is the kernel package's module, as /lib/modules/NAME.ko;
# a path (with a /) is a .ko built elsewhere, into /lib/modules, or any
# other file, a program, into /bin.
# Reproducible: sorted entries, owner 0, mtime 0, no name or time in the
# gzip header, so two builds are byte-identical.
set -euo pipefail
out=${1:?usage: mkinitrd.sh OUT PKGDIR FILE...}
pkg=${2:?usage: mkinitrd.sh OUT PKGDIR FILE...}
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
install -m 755 "$pkg/busybox/bin/busybox" "$root/bin/busybox"
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
kdir=$(echo "$pkg"/linux/lib/modules/*/kernel)
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

find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
