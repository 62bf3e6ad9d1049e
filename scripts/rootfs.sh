#!/usr/bin/env bash
# Makes real Debian root filesystems for the tests (debootstrap --variant=minbase),
# cached in ${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}/<suite>. Each takes about
# a minute on first use. Usage: scripts/rootfs.sh [bullseye] [bookworm] [trixie]
set -euo pipefail
cache="${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}"
mirror="${BASEFIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suites=("$@")
((${#suites[@]})) || suites=(bullseye bookworm trixie)
if [[ $(id -u) -ne 0 ]]; then
    echo "rootfs.sh: debootstrap needs root; the root filesystem tests will be skipped" >&2
    exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mkdir -p "$cache"
for suite in "${suites[@]}"; do
    target="$cache/$suite"
    if [[ -f "$target/.basefit-complete" ]]; then continue; fi
    rm -rf "$target"
    echo "rootfs.sh: debootstrap --variant=minbase $suite (about a minute)" >&2
    if debootstrap --variant=minbase "$suite" "$target" "$mirror" >"$cache/$suite.log" 2>&1; then
        touch "$target/.basefit-complete"
    else
        echo "rootfs.sh: debootstrap $suite failed (see $cache/$suite.log); its tests will be skipped" >&2
        rm -rf "$target"
    fi
done
