#!/usr/bin/env bash
# Boots a Vitrine image on QEMU's aarch64 `virt` board: 4 cores, GICv3,
# EL2 available, 1 GiB. Extra arguments go to QEMU. Quit with Ctrl-A x.
set -euo pipefail
elf=${1:?usage: run.sh vitrine.elf [qemu args...]}
shift
exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a53 -smp 4 -m 1G \
	-nographic -nic none -kernel "$elf" "$@"
