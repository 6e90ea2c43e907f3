#!/usr/bin/env bash
# fetch-src.sh PACKAGE: downloads Debian's source package PACKAGE (the
# pristine upstream tarball and Debian's changes) into third_party/PACKAGE/,
# which git ignores. Adds a deb-src entry for the system's own suites first
# if apt has none. Prints the directory.
set -euo pipefail
pkg=${1:?usage: fetch-src.sh PACKAGE}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/third_party/$pkg
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

if ! ls "$dir"/*.orig.tar.* >/dev/null 2>&1; then
	if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		src=/etc/apt/sources.list.d/debian.sources
		[ -f "$src" ] || { echo "fetch-src: no $src to derive a deb-src entry from" >&2; exit 1; }
		sed 's/^Types: deb$/Types: deb-src/' "$src" | $sudo tee /etc/apt/sources.list.d/vitrine-src.sources >/dev/null
		$sudo apt-get update -qq
	fi
	mkdir -p "$dir"
	(cd "$dir" && apt-get source --download-only -qq "$pkg" >/dev/null)
fi
echo "$dir"
