#!/usr/bin/env bash
# Builds basefit's own container image from ./Dockerfile and runs it, offline:
#  1. a local glibc-only base image (libc6's files, /etc/passwd and /etc/group, /tmp) cut
#     from the debootstrapped bookworm root (scripts/rootfs.sh), standing in for the
#     registry base the Dockerfile pins (no registry is reachable here);
#  2. `buildah bud --isolation chroot --storage-driver vfs` with BASEFIT_BINARY=dist (the
#     newest tarball in dist/ or .build/test-dist/, made by scripts/release.sh, with
#     --from-debug in scripts/test.sh; put in a build context of its own as dist/) and
#     BASE=that local image;
#  3. checks: basefit passes `check --dockerfile Dockerfile` on its own binary, and passes
#     `check --rootfs` on the built image's root; `buildah run` of `basefit --version` and a
#     real `basefit recommend` on a fixture project, as the image's non-root user;
#  4. prints the image's size (uncompressed, and compressed as pushed to an OCI layout).
# Containers storage lives in a private directory ($BASEFIT_CONTAINER_STORE, default
# /var/tmp/basefit-container-test), removed at the end. Needs root; installs buildah if missing.
# CI runs it after the tests (scripts/test.sh, as root): about 10 s here once buildah is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=bookworm
rootfs=${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}/$suite
store=${BASEFIT_CONTAINER_STORE:-/var/tmp/basefit-container-test}
base=localhost/basefit-glibc-base:$suite
image=localhost/basefit:test
start=$(date +%s)

if ! command -v buildah >/dev/null 2>&1; then
    echo "container-test.sh: installing buildah" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
fi
[[ -f $rootfs/.basefit-complete ]] || bash scripts/rootfs.sh "$suite"
tarball=$(ls -t dist/basefit-*-linux-"$(uname -m)".tar.gz .build/test-dist/basefit-*-linux-"$(uname -m)".tar.gz 2>/dev/null | head -n 1 || true)
[[ -n $tarball ]] || tarball=$(bash scripts/release.sh | tail -n 1)
echo "container-test.sh: binary from $tarball" >&2

bah() { buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs "$@"; }
work=$(mktemp -d)
containers=()
cleanup() {
    for container in "${containers[@]}"; do bah rm "$container" >/dev/null 2>&1 || true; done
    rm -rf "$work" "$store"
}
trap cleanup EXIT

# The release binary, unpacked, for the checks below.
tar -xzf "$tarball" -C "$work"
binary=$(ls "$work"/basefit-*/basefit)

# 1. The local base: libc6's files (merged /usr: /lib and /lib64 are links into /usr).
base_root=$work/base-root
mkdir -p "$base_root"/{usr/lib,usr/lib64,usr/bin,usr/sbin,etc,tmp}
ln -s usr/lib "$base_root/lib"
ln -s usr/lib64 "$base_root/lib64"
ln -s usr/bin "$base_root/bin"
ln -s usr/sbin "$base_root/sbin"
chmod 1777 "$base_root/tmp"
list=$(ls "$rootfs"/var/lib/dpkg/info/libc6{,:*}.list 2>/dev/null | head -n 1 || true)
sed -e 's|^/lib/|/usr/lib/|' -e 's|^/lib64/|/usr/lib64/|' -e 's|^/bin/|/usr/bin/|' -e 's|^/sbin/|/usr/sbin/|' "$list" \
    | grep -v '^/usr/share/doc\|^/usr/share/lintian\|^/\.$' | while read -r path; do
        if [[ -f $rootfs$path || -L $rootfs$path ]]; then
            (cd "$rootfs" && cp -a --parents ".$path" "$base_root/")
        fi
    done
grep -E '^(root|nobody):' "$rootfs/etc/passwd" >"$base_root/etc/passwd"
grep -E '^(root|nogroup):' "$rootfs/etc/group" >"$base_root/etc/group"
cp "$rootfs/etc/nsswitch.conf" "$base_root/etc/"
"$binary" check "$binary" --rootfs "$base_root"   # the stand-in base must itself be one basefit accepts

container=$(bah from scratch)
containers+=("$container")
bah copy "$container" "$base_root/" / >/dev/null
bah config --created-by "scripts/container-test.sh: libc6 from a debootstrap minbase $suite root" "$container"
bah commit --quiet "$container" "$base" >/dev/null
echo "container-test.sh: base $base: $(du -sh --apparent-size "$base_root" | cut -f1) ($(find "$base_root" -type f | wc -l) files)" >&2

# 2. Build the Dockerfile: the dist stage, the local base. The context holds the Dockerfile and
#    the tarball as dist/ (its stage's ADD), wherever the tarball was made.
"$binary" check "$binary" --dockerfile Dockerfile
context=$work/context
mkdir -p "$context/dist"
cp Dockerfile .dockerignore "$context/"
cp "$tarball" "$context/dist/"
bah bud --quiet --isolation chroot --pull-never --layers=false \
    --build-arg BASEFIT_BINARY=dist --build-arg BASE="$base" -t "$image" "$context" >/dev/null

# 3. Run it: as the image's user, with nothing else there.
container=$(bah from --pull-never "$image")
containers+=("$container")
mounted=$(bah mount "$container")
"$binary" check "$binary" --rootfs "$mounted"
[[ ! -e $mounted/bin/sh && ! -e $mounted/usr/bin/sh ]] && echo "container-test.sh: the image has no shell" >&2
user=$(bah inspect --format "{{.OCIv1.Config.User}}" "$container")
echo "container-test.sh: image user $user" >&2
[[ $user == 65534:65534 ]]
bah run --isolation chroot "$container" -- /usr/local/bin/basefit --version
bah run --isolation chroot -v "$PWD/Fixtures/projects/node-napi-rs:/work/node-napi-rs:ro" "$container" \
    -- /usr/local/bin/basefit recommend node-napi-rs | head -n 4
bah run --isolation chroot -v "$PWD/Fixtures/elf:/work/elf:ro" "$container" \
    -- /usr/local/bin/basefit check elf/hello-glibc --rootfs /

# 4. Size.
bah push --quiet "$image" "oci:$work/oci" >/dev/null
compressed=$(find "$work/oci/blobs" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
uncompressed=$(du -sb "$mounted" | cut -f1)
echo "container-test.sh: image $image: $uncompressed bytes unpacked, $compressed bytes compressed (OCI layout, all blobs)" >&2
echo "container-test.sh: ok in $(($(date +%s) - start)) s" >&2
