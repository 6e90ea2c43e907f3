#!/usr/bin/env bash
# fetch-linux.sh [--refresh] [--rt] [--arch riscv64]: Debian's own packages
# for the Linux guest, downloaded into third_party/debian-arm64/ (git ignores
# it) and extracted there, one tree each:
#   linux/     the arm64 kernel, the -unsigned variant of the ABI that
#              linux-image-arm64 depends on now (boot/vmlinuz-*, lib/modules/)
#   busybox/   busybox-static:arm64 (bin/busybox)
# and with --rt, or when they are already there (so --refresh follows them):
#   linux-rt/  the PREEMPT_RT kernel, the -unsigned variant of the ABI that
#              linux-image-rt-arm64 depends on now
#   rt-tests/  rt-tests:arm64 (usr/bin/cyclictest) and the arm64 libraries
#              it is linked with: libc6 (its loader too) and libnuma1
# About 61 MB, and 62 MB more with --rt. Not fetched: the kernel's real
# System.map (the package's own is a placeholder; the real one is in its
# -dbg package, 800 MB) and the sources of the modules Debian leaves out
# (docs/linux.md). Adds the arm64 architecture to dpkg first if it is
# missing. What is already extracted at its current version is not
# downloaded again. --refresh runs `apt-get update` first, to follow the
# kernels to a new ABI. Prints the directory.
#
# --arch riscv64: the riscv64 kernel (its only flavour, linux-image-riscv64's
# ABI) and busybox-static, into third_party/debian-riscv64/. Debian 12 has no
# riscv64 port; Debian 13 (trixie) has, so these come from trixie through an
# apt state of their own (third_party/debian-riscv64/apt: its sources, lists
# and cache), which leaves the machine's apt, its sources and dpkg untouched.
# About 115 MB.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
# Other users of apt may hold its locks for a while: wait, do not fail.
apt_opts=(-q -o DPkg::Lock::Timeout=300)

die() {
	echo "fetch-linux: $*" >&2
	exit 1
}

update() {
	$sudo apt-get "${apt_opts[@]}" --error-on=any update -qq ||
		die "apt-get update failed: cannot reach Debian's archive (see the messages above)"
}

# show SPEC...: the candidate stanzas of the packages (SPEC: PKG or PKG:ARCH).
# One apt-cache run for many: each run reads all of apt's lists, seconds.
show() { apt-cache "${apt_opts[@]}" show --no-all-versions "$@" 2>/dev/null || :; }

# pick STANZAS SPEC NAME: NAME's value in SPEC's stanza.
pick() {
	awk -v p="${2%:*}" -v f="$3: " '/^Package: / { on = $2 == p }
		on && index($0, f) == 1 { print substr($0, length(f) + 1); exit }' <<<"$1"
}

# versions SPEC...: "SPEC VERSION" lines from $info, the stamp of a tree.
versions() {
	local spec version
	for spec; do
		version=$(pick "$info" "$spec" Version)
		[ -n "$version" ] || die "$spec is not in apt's lists (try: $0 --refresh)"
		echo "$spec $version"
	done
}

# download SPEC: into $dir, as PKG_VERSION_ARCH.deb; prints its path.
download() {
	local pkg=${1%:*}
	echo "fetch-linux: downloading $(versions "$1")" >&2
	rm -f "$dir/${pkg}"_*.deb
	# As root, apt downloads as _apt, which may not write here: download as root.
	(cd "$dir" && apt-get "${apt_opts[@]}" -o APT::Sandbox::User=root download "$1" >/dev/null) ||
		die "cannot download $1 from Debian's archive"
	echo "$dir/${pkg}"_*.deb
}

# fresh NAME STAMP: true if $dir/NAME was extracted from what STAMP names.
fresh() { [ "$(cat "$dir/$1/.version" 2>/dev/null)" = "$2" ]; }

# forget NAME: $dir/NAME and the packages it was extracted from (an older ABI's too).
forget() {
	local spec _
	while read -r spec _; do
		rm -f "$dir/${spec%:*}"_*.deb
	done < <(cat "$dir/$1/.version" 2>/dev/null)
	rm -rf "${dir:?}/$1"
}

# tree NAME SPEC...: the packages, all extracted into $dir/NAME.
tree() {
	local name=$1 stamp spec deb
	shift
	stamp=$(versions "$@")
	fresh "$name" "$stamp" && return
	forget "$name"
	for spec; do
		deb=$(download "$spec")
		dpkg-deb -x "$deb" "$dir/$name"
	done
	echo "$stamp" >"$dir/$name/.version"
}

# riscv64_apt: apt's options for the riscv64 state, made on first use (its lists fetched below).
riscv64_apt() {
	local st=$dir/apt
	mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
	echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian trixie main" >"$st/sources.list"
	touch "$st/status"
	apt_opts+=(-o Dir::Etc::SourceList="$st/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State::Lists="$st/lists" -o Dir::State::status="$st/status"
		-o Dir::Cache="$st/cache" -o APT::Architecture=riscv64
		-o APT::Architectures=riscv64 -o Acquire::Languages=none)
	[ -n "$(ls "$st/lists" | grep -v -e partial -e lock)" ] || refresh=1
}

refresh=0 rt=0 arch=aarch64
while (($#)); do
	case $1 in
	--refresh) refresh=1 ;;
	--rt) rt=1 ;;
	--arch) arch=${2:-} && shift ;;
	*) die "unknown option $1 (usage: $0 [--refresh] [--rt] [--arch riscv64])" ;;
	esac
	shift
done
if [ "$arch" = riscv64 ]; then
	[ $rt = 0 ] || die "no PREEMPT_RT kernel for riscv64"
	dir=$top/third_party/debian-riscv64
	riscv64_apt
	info=$(show linux-image-riscv64)
	[ -n "$info" ] && [ $refresh = 0 ] || { update && info=$(show linux-image-riscv64); }
	kernel=$(pick "$info" linux-image-riscv64 Depends | grep -o 'linux-image-[^ ,]*-riscv64' |
		head -n 1) || die "linux-image-riscv64 is not in trixie's lists"
	info=$(show "$kernel" busybox-static)
	mkdir -p "$dir"
	tree linux "$kernel"
	tree busybox busybox-static
	echo "$dir"
	exit 0
fi
[ "$arch" = aarch64 ] || die "no Linux guest for --arch '$arch' (aarch64 or riscv64)"
dir=$top/third_party/debian-arm64
[ -d "$dir/linux-rt" ] && rt=1
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "fetch-linux: adding the arm64 architecture to dpkg" >&2
	$sudo dpkg --add-architecture arm64
	refresh=1
fi
metas=(linux-image-arm64:arm64)
[ $rt = 0 ] || metas+=(linux-image-rt-arm64:arm64)
info=$(show "${metas[@]}")
# No arm64 package lists yet (never updated since arm64 was added): update too.
[ -n "$info" ] || refresh=1
if [ $refresh = 1 ]; then
	update
	info=$(show "${metas[@]}")
fi

# abi META: the kernel package META names (linux-image-6.1.0-NN[-rt]-arm64).
# It follows security updates, so it is resolved each run, never written down.
abi() {
	pick "$info" "$1" Depends | grep -o 'linux-image-[^ ,]*-arm64' | head -n 1 ||
		die "$1 is not in apt's lists (try: $0 --refresh)"
}
kernel=$(abi linux-image-arm64:arm64)-unsigned:arm64
specs=("$kernel" busybox-static:arm64)
# cyclictest's libraries: what `readelf -d` names as NEEDED (libc.so.6,
# libnuma.so.1) and the loader, ld-linux-aarch64.so.1, which is libc6's.
rt_specs=(rt-tests:arm64 libc6:arm64 libnuma1:arm64)
if [ $rt = 1 ]; then
	kernel_rt=$(abi linux-image-rt-arm64:arm64)-unsigned:arm64
	specs+=("$kernel_rt" "${rt_specs[@]}")
fi
info=$(show "${specs[@]}")

mkdir -p "$dir"
tree linux "$kernel"
tree busybox busybox-static:arm64
if [ $rt = 1 ]; then
	tree linux-rt "$kernel_rt"
	tree rt-tests "${rt_specs[@]}"
fi
echo "$dir"
