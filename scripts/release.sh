#!/usr/bin/env bash
# Builds the self-contained release: dist/basefit-<version>-linux-<arch>.tar.gz holding
# basefit-<version>-linux-<arch>/{basefit, README.md, LICENSE, SHA256SUMS}, and
# dist/SHA256SUMS naming the tarball (upload both to a release; action.yml checks it).
#
# The binary runs on any glibc root without the Swift toolchain: the Swift runtime and
# Foundation are linked statically (--static-swift-stdlib), and so are libelf, SQLite,
# libarchive (with the compression libraries it reads with), libstdc++ and the unwinder
# (libgcc_eh), from the static archives Debian ships in the -dev packages. What is left is
# libc.so.6, libm.so.6 and the loader: `basefit scan` on the binary says so (the script
# prints it at the end).
#
# How: SwiftPM links by the names the modules ask for (-larchive, -lelf, -lsqlite3, and
# -lstdc++ / -lgcc_s from the Swift runtime). A private directory searched before the
# system ones holds, under those names, linker scripts pointing at the .a files. Only this
# script passes that directory; the normal `swift build` links exactly as before.
#
# Needs root (or sudo) only when a Debian package is missing. Usage:
#   bash scripts/release.sh               # writes dist/, prints the tarball path last
#   bash scripts/release.sh --from-debug  # for the tests (scripts/test.sh): writes .build/test-dist/
#
# --from-debug links the same self-contained binary from the objects the debug `swift build`
# already made in .build, instead of compiling every module and dependency again optimised (on
# CI's two cores that second build was the longest step of the run). The link is the release's
# (static Swift runtime, Foundation and libraries, lld, no exported symbols, no RUNPATH), so
# what the tests check of the tarball (its files, what its binary needs of an image, that it
# runs in plain roots, the container image) holds for it; only the code is unoptimised. It is
# written apart from dist/ so that it is never mistaken for a release.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

from_debug=false
case "${1:-}" in
    "") ;;
    --from-debug) from_debug=true ;;
    -h | --help) sed -n 2,27p "$0"; exit 0 ;;
    *) echo "release.sh: unknown argument $1 (--from-debug or nothing)" >&2; exit 2 ;;
esac

# 1. The static archives (Debian's -dev packages ship them next to the .so).
packages=(libelf-dev libsqlite3-dev libarchive-dev zlib1g-dev libdeflate-dev libbz2-dev liblzma-dev libzstd-dev liblz4-dev
          pkg-config binutils)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "release.sh: installing ${missing[*]}" >&2
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

multiarch=$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
libdir=/usr/lib/$multiarch
# libstdc++.a and libgcc_eh.a of the GCC the Swift toolchain links with (gcc, or the
# toolchain's clang where there is no gcc, as in the swift images).
cc=$(command -v gcc || command -v clang || true)
if [[ -z $cc ]]; then
    echo "release.sh: neither gcc nor clang on PATH to locate libstdc++.a" >&2
    exit 2
fi
libstdcxx=$("$cc" -print-file-name=libstdc++.a)
libgcc_eh=$("$cc" -print-file-name=libgcc_eh.a)
gcc_major=$(basename "$(dirname "$libstdcxx")")

# The archives that must exist, with the package that ships each.
for pair in "$libdir/libarchive.a:libarchive-dev" "$libdir/libelf.a:libelf-dev" "$libdir/libz.a:zlib1g-dev" \
            "$libdir/libdeflate.a:libdeflate-dev" \
            "$libdir/libsqlite3.a:libsqlite3-dev" "$libstdcxx:libstdc++-$gcc_major-dev" "$libgcc_eh:libgcc-$gcc_major-dev"; do
    if [[ ! -f ${pair%%:*} ]]; then
        echo "release.sh: ${pair%%:*} is missing (Debian package ${pair##*:})" >&2
        exit 2
    fi
done

# Every library pkg-config lists for a static libarchive whose .a exists. The formats
# basefit reads (tar) and the filters (gzip, bzip2, xz, lz4, zstd) need z, bz2, lzma, lz4
# and zstd; the others (xml2 for xar, nettle for digests, acl for disk writes) are pulled
# only if a member needs them, so an absent one is left out.
archive_group() {
    printf '%s ' "$libdir/libarchive.a"
    for flag in $(pkg-config --static --libs-only-l libarchive); do
        local name=${flag#-l}
        case $name in archive | m | c | dl | pthread | rt) continue ;; esac
        if [[ -f $libdir/lib$name.a ]]; then printf "%s " "$libdir/lib$name.a"; fi
    done
}

static=$root/.build/release-static-libs
rm -rf "$static"
mkdir -p "$static"
{
    echo "/* -larchive: libarchive and the libraries it decompresses with, all static (scripts/release.sh) */"
    echo "GROUP ( $(archive_group))"
} >"$static/libarchive.so"
echo "GROUP ( $libdir/libelf.a $libdir/libz.a )" >"$static/libelf.so"
echo "GROUP ( $libdir/libsqlite3.a )" >"$static/libsqlite3.so"
# The Swift runtime asks for -lstdc++ and the compiler driver for -lgcc_s (the unwinder).
echo "INPUT ( $libstdcxx )" >"$static/libstdc++.so"
echo "INPUT ( $libgcc_eh )" >"$static/libgcc_s.so"

# SwiftPM reads the modules' pkg-config files itself and puts their -L (the system
# directory) first on the link line, so the private directory must come from there too:
# .pc files under the same names whose -L is that directory. The compile flags stay the
# system ones (the headers are the same for static and shared).
mkdir -p "$static/pkgconfig"
for pc in libelf libarchive zlib libdeflate; do
    {
        echo "Name: $pc"
        echo "Description: $pc linked statically for the release build (scripts/release.sh)"
        echo "Version: $(pkg-config --modversion "$pc")"
        echo "Libs: -L$static"
        echo "Cflags: $(pkg-config --cflags "$pc")"
    } >"$static/pkgconfig/$pc.pc"
done
echo "GROUP ( $libdir/libz.a )" >"$static/libz.so"
echo "GROUP ( $libdir/libdeflate.a )" >"$static/libdeflate.so"

# 2. Build (the basefit product only). The module maps ask for -larchive, -lelf, -lz and
#    -lsqlite3; the first directory searched is the private one.
start=$(date +%s)
export PKG_CONFIG_PATH=$static/pkgconfig
# No $ORIGIN RUNPATH: nothing is loaded from beside the binary. Linked by the toolchain's lld
# (gold keeps libstdc++'s unused arc4random@GLIBC_2.36, lld drops it: the floor is glibc 2.35)
# without exporting the binary's 39,000 symbols (nothing looks them up; glibc's dladdr walks
# them all): about 1 ms less of every run (README, "Performance"). Not packed relocations
# (-z pack-relative-relocs): they would need GLIBC_ABI_DT_RELR, glibc 2.36, and were no faster.
# Concrete generic types are reached through their metadata accessors, not through mangled
# names the runtime demangles (and whose conformances it looks up by scanning all ~10,000
# conformance records) at first use: about 1.5 ms less of every run, 220 KB more binary
# (Benchmarks/README.md, "Per wheel").
# The release has its own build directory (.build-release), apart from the debug build's .build.
if $from_debug; then
    # The debug objects were compiled against the shared Foundation, whose modules autolink
    # fewer libraries than the static ones (which add _FoundationICU, _FoundationCShims, ...):
    # the libraries a -static-stdlib compile of `import Foundation` asks for are named here.
    # --gc-sections as in a release link (an unoptimised build leaves references in code
    # nothing calls).
    probe=$(mktemp -d)
    echo 'import Foundation' >"$probe/probe.swift"
    swiftc -static-stdlib -parse-as-library -c "$probe/probe.swift" -o "$probe/probe.o"
    autolinked=()
    for flag in $(swift-autolink-extract "$probe/probe.o"); do
        if [[ $flag == -l* ]]; then autolinked+=(-Xlinker "$flag"); fi
    done
    rm -rf "$probe"
    flags=(-c debug --product basefit --static-swift-stdlib --disable-local-rpath -Xswiftc -use-ld=lld
           -Xlinker -L"$static" -Xlinker --gc-sections -Xlinker --no-export-dynamic "${autolinked[@]}")
    out=.build/test-dist
    level=1
else
    flags=(-c release --product basefit --static-swift-stdlib --disable-local-rpath -Xswiftc -L"$static"
           -Xswiftc -use-ld=lld -Xlinker --no-export-dynamic
           -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
           --scratch-path "$root/.build-release")
    out=dist
    level=9
fi
swift build "${flags[@]}"
built=$(swift build "${flags[@]}" --show-bin-path)/basefit
if $from_debug; then
    # The product is linked where the debug build keeps its own; the next `swift build` or
    # `swift test` links that one again as it was. Taken aside before.
    aside=$(mktemp -d)
    cp "$built" "$aside/basefit"
    built=$aside/basefit
fi
echo "release.sh: built in $(($(date +%s) - start)) s" >&2

# 3. Stage, strip, pack.
version=$("$built" --version | head -n 1 | awk '{print $2}')
arch=$(uname -m)
name=basefit-$version-linux-$arch
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage" ${aside:+"$aside"}' EXIT
mkdir "$stage/$name"
cp "$built" "$stage/$name/basefit"
strip --strip-all "$stage/$name/basefit"
cp README.md "$stage/$name/"
[[ -f LICENSE ]] && cp LICENSE "$stage/$name/"
(cd "$stage/$name" && sha256sum -- * >SHA256SUMS)

# Reproducible: fixed order, owner and time (the last commit's, when there is one).
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
tarball=$out/$name.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" \
    | gzip -n -"$level" >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum -- basefit-*.tar.gz >SHA256SUMS)

# 4. Dogfood: what the binary needs of an image, as basefit itself reads it.
binary=$stage/$name/basefit
echo "release.sh: binary $(stat -c %s "$binary") bytes stripped; tarball $(stat -c %s "$tarball") bytes" >&2
"$binary" scan "$binary" --format json --quiet | python3 -c '
import json, sys
report = json.load(sys.stdin)
artifact = report["artifacts"][0]
print("release.sh: needs", " ".join(artifact["needed"]), "| minimum", json.dumps(report["requirements"]["minimum"]), file=sys.stderr)
' || true
echo "$tarball"
