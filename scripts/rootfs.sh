#!/usr/bin/env bash
# Makes real Debian root filesystems for the tests, cached in
# ${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}/<target>. Each is made once; a finished
# one holds the file .basefit-complete (and .basefit-seconds: how long it took).
#
# Targets:
#   bullseye bookworm trixie        debootstrap --variant=minbase (amd64), about a minute each
#   <suite>-arm64                   debootstrap --variant=minbase --foreign --arch=arm64: the arm64
#                                   packages unpacked, not configured (nothing arm64 is run);
#                                   /usr/bin/qemu-aarch64-static is copied in so tests can run the
#                                   arm64 loader as an oracle
#   bookworm-python trixie-python   the amd64 root plus `apt-get install python3` (3.11, 3.13)
#   bookworm-node trixie-node       the amd64 root plus `apt-get install nodejs` (18, 20)
#   bookworm-musl                   Debian bookworm's musl package (1.2.3) unpacked into an empty
#                                   root: a musl loader, libc.so and /etc/ld-musl-x86_64.path only
# Usage: scripts/rootfs.sh [target...]   (no target: all of them)
set -euo pipefail
cache="${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}"
mirror="${BASEFIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
all=(bullseye bookworm trixie bullseye-arm64 bookworm-arm64 trixie-arm64
     bookworm-python trixie-python bookworm-node trixie-node bookworm-musl)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
if [[ $(id -u) -ne 0 ]]; then
    echo "rootfs.sh: debootstrap needs root; the root filesystem tests will be skipped" >&2
    exit 0
fi

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    }
}

command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
mkdir -p "$cache"

# make_target NAME: builds $cache/NAME unless it is complete; returns non-zero on failure.
make_target() {
    local name=$1 target="$cache/$1" started log
    [[ -f "$target/.basefit-complete" ]] && return 0
    started=$(date +%s)
    log="$cache/$name.log"
    rm -rf "$target"
    case "$name" in
        bullseye | bookworm | trixie)
            echo "rootfs.sh: debootstrap --variant=minbase $name (about a minute)" >&2
            debootstrap --variant=minbase "$name" "$target" "$mirror" >"$log" 2>&1 || return 1
            ;;
        bullseye-arm64 | bookworm-arm64 | trixie-arm64)
            local suite=${name%-arm64}
            echo "rootfs.sh: debootstrap --variant=minbase --foreign --arch=arm64 $suite" >&2
            debootstrap --variant=minbase --foreign --arch=arm64 "$suite" "$target" "$mirror" >"$log" 2>&1 || return 1
            [[ -x /usr/bin/qemu-aarch64-static ]] || apt_install qemu-user-static || return 1
            cp /usr/bin/qemu-aarch64-static "$target/usr/bin/qemu-aarch64-static"
            ;;
        bookworm-python | trixie-python | bookworm-node | trixie-node)
            local base=${name%-*} package
            [[ $name == *-python ]] && package=python3 || package=nodejs
            make_target "$base" || return 1
            echo "rootfs.sh: $base + apt-get install $package" >&2
            mkdir -p "$target"
            tar -C "$cache/$base" --exclude=./.basefit-complete --exclude=./.basefit-seconds -cf - . | tar -C "$target" -xf -
            cp /etc/resolv.conf "$target/etc/resolv.conf"
            {
                chroot "$target" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update &&
                chroot "$target" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" &&
                chroot "$target" apt-get clean
            } >"$log" 2>&1 || return 1
            rm -rf "$target/var/lib/apt/lists/"*
            ;;
        bookworm-musl)
            # The host is Debian 12 (bookworm): its apt fetches bookworm's musl.
            echo "rootfs.sh: Debian's musl package unpacked into an empty root" >&2
            local download
            download=$(mktemp -d)
            {
                (cd "$download" && apt-get download musl || { apt-get update && apt-get download musl; }) &&
                mkdir -p "$target" && dpkg-deb -x "$download"/musl_*.deb "$target"
            } >"$log" 2>&1 || { rm -rf "$download"; return 1; }
            rm -rf "$download"
            ;;
        *)
            echo "rootfs.sh: unknown target $name (known: ${all[*]})" >&2
            return 1
            ;;
    esac
    echo $(($(date +%s) - started)) >"$target/.basefit-seconds"
    touch "$target/.basefit-complete"
    echo "rootfs.sh: $name made in $(cat "$target/.basefit-seconds") s" >&2
}

for name in "${targets[@]}"; do
    # One maker per target even when several test runs start at once.
    exec {lock}>"$cache/.$name.lock"
    flock "$lock"
    if ! make_target "$name"; then
        echo "rootfs.sh: $name failed (see $cache/$name.log); its tests will be skipped" >&2
        rm -rf "${cache:?}/$name"
    fi
    exec {lock}>&-
done
