#!/usr/bin/env bash
# Regenerates Data/measured/debian-<suite>[-arm64].json with basefit itself from the roots
# scripts/rootfs.sh makes (debootstrap --variant=minbase; arm64 with --foreign: the real arm64
# packages unpacked, not configured, nothing arm64 run). A root that is missing keeps its file.
# Then re-embeds Data/ (scripts/embed-catalog.py). Usage: bash Data/tools/measure-debian.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}"
swift build --product basefit >/dev/null
basefit="$(swift build --show-bin-path)/basefit"
today="${BASEFIT_TODAY:-$(date -u +%F)}"
for suite in bullseye bookworm trixie; do
    for arch in amd64 arm64; do
        if [[ $arch == amd64 ]]; then
            root="$cache/$suite" file="Data/measured/debian-$suite.json"
            origin="debootstrap --variant=minbase $suite (Debian's mirror), $today"
        else
            root="$cache/$suite-arm64" file="Data/measured/debian-$suite-arm64.json"
            origin="debootstrap --variant=minbase --foreign --arch=arm64 $suite (Debian's mirror; unpacked, not configured), $today"
        fi
        if [[ ! -f "$root/.basefit-complete" ]]; then
            echo "measure-debian.sh: no $root (bash scripts/rootfs.sh $(basename "$root")); keeping $file" >&2
            continue
        fi
        "$basefit" catalog measure --rootfs "$root" --name "debian:$suite" --platform "linux/$arch" \
            --origin "$origin" >"$file.new"
        mv "$file.new" "$file"
        echo "measure-debian.sh: $file" >&2
    done
done
python3 scripts/embed-catalog.py
