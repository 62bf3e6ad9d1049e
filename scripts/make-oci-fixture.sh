#!/usr/bin/env bash
# Builds a small real container image in two forms, with no Docker engine and no network
# beyond Debian's mirror (for apt-get, only when umoci/skopeo are missing):
#
#   OUTDIR/layout     an OCI image layout (umoci), tag "test", four layers:
#                       1. a tiny root filesystem (real ELF files from Fixtures/elf, a symlink,
#                          a hard link, a setuid file, a directory "opaque/" with old files)
#                       2. a whiteout: etc/delete-me removed (umoci writes etc/.wh.delete-me)
#                       3. an opaque directory: opaque/.wh..wh..opq + opaque/new.txt
#                          (a hand-made tar added with `umoci raw add-layer`)
#                       4. config only: User 1000:1000, Env FIXTURE=1 (umoci config; no layer)
#   OUTDIR/image.tar  the same image as `docker save` writes it (skopeo docker-archive),
#                     tagged basefit/test:1
#   OUTDIR/expected.env  facts the tests check (architecture, user, …)
#
# Usage: scripts/make-oci-fixture.sh OUTDIR [--full]
#   --full  use the debootstrap root /var/cache/basefit/rootfs/bookworm (scripts/rootfs.sh)
#           as layer 1 instead of the tiny tree (slower: tens of seconds).
# Exit codes: 0 ok; 2 usage; 3 umoci or skopeo missing and cannot be installed (tests skip).
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [--full]" >&2; exit 2; }
out=""
full=0
for argument in "$@"; do
    case "$argument" in
        --full) full=1 ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) [[ -z "$out" ]] || usage; out="$argument" ;;
    esac
done
[[ -n "$out" ]] || usage

here="$(cd "$(dirname "$0")/.." && pwd)"
elf="$here/Fixtures/elf"
rootfs_cache="${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}/bookworm"

# --- tools -------------------------------------------------------------------
missing=()
command -v umoci >/dev/null 2>&1 || missing+=(umoci)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "make-oci-fixture.sh: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }; }; then
            echo "make-oci-fixture.sh: could not install ${missing[*]} with apt-get" >&2
            exit 3
        fi
    else
        echo "make-oci-fixture.sh: ${missing[*]} missing and not root (apt-get needs root)" >&2
        exit 3
    fi
fi

# --- layout and base layer ---------------------------------------------------
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/layout" "$out/bundle" "$out/image.tar" "$out/layer3" "$out/layer3.tar" "$out/expected.env"
layout="$out/layout"
bundle="$out/bundle"
umoci init --layout "$layout"
umoci new --image "$layout:test"
umoci unpack --rootless --image "$layout:test" "$bundle" >/dev/null
root="$bundle/rootfs"

if ((full)); then
    if [[ ! -f "$rootfs_cache/.basefit-complete" && ! -d "$rootfs_cache/usr" ]]; then
        echo "make-oci-fixture.sh: --full needs $rootfs_cache (run scripts/rootfs.sh bookworm)" >&2
        exit 2
    fi
    # Device nodes stay out (rootless umoci cannot make them); everything else goes in.
    tar -C "$rootfs_cache" --exclude=./dev --exclude=./proc --exclude=./sys -cf - . | tar -C "$root" -xf -
    mkdir -p "$root/dev"
fi

# The tiny tree (also added on top of the full root, so the tests' paths exist either way).
mkdir -p "$root/usr/bin" "$root/usr/lib/x86_64-linux-gnu" "$root/etc" "$root/opaque/sub" "$root/var/empty"
cp "$elf/hello-glibc" "$root/usr/bin/hello-glibc"
cp "$elf/hello-musl" "$root/usr/bin/hello-musl"
cp "$elf/libcxxdemo.so" "$root/usr/lib/x86_64-linux-gnu/libcxxdemo.so"
chmod 0755 "$root/usr/bin/hello-glibc" "$root/usr/bin/hello-musl"
ln -f "$root/usr/bin/hello-glibc" "$root/usr/bin/hello-hardlink"
[[ -e "$root/bin" || -L "$root/bin" ]] || ln -s usr/bin "$root/bin"
ln -sfn ../usr/lib/x86_64-linux-gnu/libcxxdemo.so "$root/etc/libcxxdemo-link"
printf 'ID=basefit-fixture\nVERSION_ID=1\n' >"$root/etc/basefit-release"
printf 'this file is deleted by layer 2\n' >"$root/etc/delete-me"
printf 'kept\n' >"$root/etc/keep.txt"
printf 'old a\n' >"$root/opaque/old-a.txt"
printf 'old b\n' >"$root/opaque/sub/old-b.txt"
printf '#!/bin/sh\necho setuid\n' >"$root/usr/bin/suid-tool"
chmod 4755 "$root/usr/bin/suid-tool"
umoci repack --refresh-bundle --image "$layout:test" "$bundle" >/dev/null

# --- layer 2: a whiteout -----------------------------------------------------
rm "$root/etc/delete-me"
printf 'added by layer 2\n' >"$root/etc/layer2.txt"
umoci repack --image "$layout:test" "$bundle" >/dev/null

# --- layer 3: an opaque directory (hand-made tar; umoci writes only plain whiteouts) ---
mkdir -p "$out/layer3/opaque"
: >"$out/layer3/opaque/.wh..wh..opq"
printf 'new in layer 3\n' >"$out/layer3/opaque/new.txt"
tar -C "$out/layer3" --owner=0 --group=0 --numeric-owner --format=pax --no-recursion \
    -cf "$out/layer3.tar" opaque/ opaque/.wh..wh..opq opaque/new.txt
umoci raw add-layer --image "$layout:test" "$out/layer3.tar"
rm -rf "$out/layer3" "$out/layer3.tar"

# --- config ------------------------------------------------------------------
umoci config --image "$layout:test" --config.user 1000:1000 --config.env FIXTURE=1 \
    --config.env PATH=/usr/local/bin:/usr/bin:/bin
umoci gc --layout "$layout"
rm -rf "$bundle"

# --- docker save form --------------------------------------------------------
skopeo --insecure-policy copy --quiet "oci:$layout:test" "docker-archive:$out/image.tar:basefit/test:1"

architecture="$(go_arch() { case "$(uname -m)" in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;; esac; }; go_arch)"
cat >"$out/expected.env" <<EOF
ARCHITECTURE=$architecture
OS=linux
USER=1000:1000
REFERENCE=test
DOCKER_REFERENCE=basefit/test:1
FULL=$full
EOF
echo "make-oci-fixture.sh: wrote $layout and $out/image.tar" >&2
