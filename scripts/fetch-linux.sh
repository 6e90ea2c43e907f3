#!/usr/bin/env bash
# fetch-linux.sh [--refresh]: Debian's own arm64 packages for the Linux
# guest, downloaded into third_party/debian-arm64/ (git ignores it) and
# extracted there, one tree per package:
#   linux/    the kernel, the -unsigned variant of the ABI that
#             linux-image-arm64 depends on now (boot/vmlinuz-*, lib/modules/)
#   busybox/  busybox-static (bin/busybox)
#   map/      the kernel's System.map, the one file taken from its -dbg
#             package (800 MB, deleted once that file is out; the kernel
#             package's own System.map is a placeholder)
# Adds the arm64 architecture to dpkg first if it is missing. A package
# whose version is already extracted is not downloaded again. --refresh runs
# `apt-get update` first, to follow the kernel to a new ABI. Prints the
# directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/third_party/debian-arm64
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
# Other users of apt may hold its locks for a while: wait, do not fail.
apt_opts=(-q -o DPkg::Lock::Timeout=300)

die() {
	echo "fetch-linux: $*" >&2
	exit 1
}

update() {
	$sudo apt-get "${apt_opts[@]}" update -qq ||
		die "apt-get update failed: cannot reach Debian's archive (see the messages above)"
}

# field PKG NAME: NAME's value in the candidate version of PKG:arm64.
field() { apt-cache show --no-all-versions "$1:arm64" 2>/dev/null | sed -n "s/^$2: //p"; }

refresh=0
[ "${1:-}" = --refresh ] && refresh=1
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "fetch-linux: adding the arm64 architecture to dpkg" >&2
	$sudo dpkg --add-architecture arm64
	refresh=1
fi
# No arm64 package lists yet (never updated since arm64 was added): update too.
[ -n "$(field linux-image-arm64 Version)" ] || refresh=1
[ $refresh = 0 ] || update

# The metapackage names the current ABI (linux-image-6.1.0-NN-arm64): it
# follows security updates, so it is resolved each run, never written down.
abi=$(field linux-image-arm64 Depends | grep -o 'linux-image-[^ ,]*-arm64' | head -n 1) ||
	die "linux-image-arm64:arm64 is not in apt's lists (try: $0 --refresh)"
kernel=$abi-unsigned

# get NAME PKG [MEMBER]: PKG:arm64's candidate version, downloaded and
# extracted into $dir/NAME unless that version is already there
# ($dir/NAME/.version). With MEMBER, only that file is extracted and the
# package is not kept.
get() {
	local name=$1 pkg=$2 member=${3:-} version deb
	version=$(field "$pkg" Version)
	[ -n "$version" ] || die "$pkg:arm64 is not in apt's lists (try: $0 --refresh)"
	if [ "$(cat "$dir/$name/.version" 2>/dev/null)" = "$pkg $version" ]; then
		return
	fi
	echo "fetch-linux: downloading $pkg $version" >&2
	rm -f "$dir/${pkg}"_*.deb
	# As root, apt downloads as _apt, which may not write here: download as root.
	(cd "$dir" && apt-get "${apt_opts[@]}" -o APT::Sandbox::User=root download "$pkg:arm64" >/dev/null) ||
		die "cannot download $pkg:arm64 $version from Debian's archive"
	deb=$(echo "$dir/${pkg}"_*.deb)
	rm -rf "$dir/$name"
	if [ -z "$member" ]; then
		dpkg-deb -x "$deb" "$dir/$name"
	else
		# tar stops at the member (near the start): dpkg-deb then dies of SIGPIPE.
		mkdir -p "$dir/$name"
		{ dpkg-deb --fsys-tarfile "$deb" 2>/dev/null || :; } |
			tar -x -C "$dir/$name" --occurrence=1 "$member"
		[ -f "$dir/$name/$member" ] || die "no $member in $deb"
		rm -f "$deb"
	fi
	echo "$pkg $version" >"$dir/$name/.version"
}

mkdir -p "$dir"
get linux "$kernel"
get busybox busybox-static
get map "$abi-dbg" "./usr/lib/debug/boot/System.map-${abi#linux-image-}"
echo "$dir"
