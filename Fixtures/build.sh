#!/usr/bin/env bash
# Rebuild every fixture binary in Fixtures/elf/ from the sources in Fixtures/src/,
# then the project trees in Fixtures/projects/ (build_projects, at the end).
#
#   bash Fixtures/build.sh
#
# Uses real toolchains (gcc, g++, musl-gcc, go, gcc -m32) plus python3 for the
# hand-written big-endian file. When run as root on Debian it installs missing
# toolchains first. The output is reproducible: no GNU build IDs (Go keeps its
# content-hash build ID), no paths, stripped, fixed Go caches; running the
# script twice gives byte-identical files
# (compare Fixtures/elf/SHA256SUMS). The bytes depend on the toolchain versions
# (built on Debian 12 bookworm: gcc 12.2, binutils 2.40, musl 1.2.3, go 1.19).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/src"
OUT="$HERE/elf"

export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022

# --- toolchains --------------------------------------------------------------
have_tools() {
    local t
    for t in gcc g++ musl-gcc go readelf python3 sha256sum; do
        command -v "$t" >/dev/null 2>&1 || { echo "missing: $t" >&2; return 1; }
    done
    # gcc-multilib: a 32-bit link must work
    echo 'int main(void){return 0;}' |
        gcc -m32 -x c - -o /dev/null >/dev/null 2>&1 || { echo "missing: gcc -m32 (gcc-multilib)" >&2; return 1; }
}

if ! have_tools; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y gcc g++ musl-tools golang-go gcc-multilib g++-multilib binutils python3
        have_tools
    else
        echo "install: gcc g++ musl-tools golang-go gcc-multilib g++-multilib binutils python3" >&2
        exit 1
    fi
fi

WORK="$(mktemp -d /tmp/basefit-fixtures.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# Fixed Go environment: no module downloads, no VCS stamping, fixed caches.
export GOCACHE=/tmp/basefit-fixtures-go/cache
export GOPATH=/tmp/basefit-fixtures-go/path
export GOFLAGS="-trimpath -buildvcs=false -mod=mod"
export GO111MODULE=on GOPROXY=off GOTOOLCHAIN=local GOAMD64=v1 GOOS=linux GOARCH=amd64
mkdir -p "$GOCACHE" "$GOPATH"

# Common C flags: no paths, no build IDs, stripped.
CFLAGS=(-O2 -ffile-prefix-map="$SRC"=src -ffile-prefix-map="$WORK"=build
        -fno-ident)
LDFLAGS=(-s -Wl,--build-id=none -Wl,--hash-style=gnu)

rm -rf "$OUT"
mkdir -p "$OUT/origin/bin" "$OUT/origin/lib" "$OUT/chain/bin" "$OUT/chain/lib" "$OUT/bfs/bin" "$OUT/bfs/lib/deep"

step() { printf '  %-28s %s\n' "$1" "$2"; }

echo "building fixtures into $OUT"

# --- hello variants ----------------------------------------------------------
step hello-glibc          "gcc, dynamic PIE"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-glibc"

step needs-libdl          "gcc, NEEDED libdl.so.2 (-Wl,--no-as-needed -l:libdl.so.2), as builds for glibc < 2.34 have"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/hello.c" -Wl,--no-as-needed -l:libdl.so.2 -Wl,--as-needed -o "$OUT/needs-libdl"

step hello-opt-loader     "gcc, PT_INTERP outside the psABI path (a glibc in /opt)"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" -Wl,--dynamic-linker=/opt/glibc-2.40/lib/ld-linux-x86-64.so.2 \
    "$SRC/hello.c" -o "$OUT/hello-opt-loader"

step hello-multiarch-loader "gcc, PT_INTERP at Debian's multiarch path of the loader"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" -Wl,--dynamic-linker=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
    "$SRC/hello.c" -o "$OUT/hello-multiarch-loader"

step hello-glibc-nopie    "gcc -no-pie (ET_EXEC)"
gcc "${CFLAGS[@]}" -fno-pie -no-pie "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-glibc-nopie"

step hello-static         "gcc -static (glibc)"
gcc "${CFLAGS[@]}" -static "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-static"

step hello-static-pie     "gcc -static-pie (glibc)"
gcc "${CFLAGS[@]}" -fPIE -static-pie "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-static-pie"

step hello-musl           "musl-gcc, dynamic"
musl-gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-musl"

step hello-musl-static    "musl-gcc -static"
musl-gcc "${CFLAGS[@]}" -static "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-musl-static"

step hello-i386           "gcc -m32, dynamic"
gcc -m32 "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-i386"

# --- C++ ---------------------------------------------------------------------
step libcxxdemo.so        "g++ -shared (libstdc++, libgcc_s)"
g++ "${CFLAGS[@]}" -fPIC -shared -shared-libgcc "${LDFLAGS[@]}" -Wl,--no-as-needed \
    -Wl,-soname,libcxxdemo.so "$SRC/cxxdemo.cpp" -o "$OUT/libcxxdemo.so"

# --- Node addons -------------------------------------------------------------
step napi-addon.node      "g++ -shared, napi_register_module_v1"
g++ "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,--no-as-needed \
    "$SRC/napi-addon.cpp" -o "$OUT/napi-addon.node"

step napi-property-key.node "gcc -shared -z now, calls node_api_create_property_key_utf16"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,now "$SRC/napi-property-key.c" -o "$OUT/napi-property-key.node"

step napi-helper/        "an addon (napi_* only) and the library beside it that calls node_api_create_property_key_utf16"
mkdir -p "$OUT/napi-helper"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,now -Wl,-soname,libnapihelper.so \
    "$SRC/napi-helper/helper.c" -o "$OUT/napi-helper/libnapihelper.so"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,now -Wl,-rpath,'$ORIGIN' \
    "$SRC/napi-helper/addon.c" -L"$OUT/napi-helper" -lnapihelper -o "$OUT/napi-helper/helper-addon.node"

step abi-addon.node       "gcc -shared, node_register_module_v115"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" "$SRC/abi-addon.c" -o "$OUT/abi-addon.node"

# --- symbol version definitions -----------------------------------------------
step libversioned.so      "gcc -shared, version script (.gnu.version_d)"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libversioned.so \
    -Wl,--version-script="$SRC/versioned.map" "$SRC/versioned.c" -o "$OUT/libversioned.so"

# --- x86-64-v3 ISA note -------------------------------------------------------
step x86-64-v3.so         "gcc -march=x86-64-v3 -Wl,-z,x86-64-v3"
gcc "${CFLAGS[@]}" -march=x86-64-v3 -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,x86-64-v3 \
    "$SRC/x86-64-v3.c" -o "$OUT/x86-64-v3.so"

# --- another operating system's ELF OS ABI -----------------------------------
step freebsd-osabi.so     "gcc -shared, then EI_OSABI set to 9 (FreeBSD)"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" "$SRC/osabi.c" -o "$WORK/osabi.so"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[7] = 9; open(sys.argv[2], "wb").write(b)' \
    "$WORK/osabi.so" "$OUT/freebsd-osabi.so"

# --- x32 (ELFCLASS32, EM_X86_64) ---------------------------------------------
step x32.so               "gcc -mx32 + ld -m elf32_x86_64 -shared (the x32 ABI, not amd64)"
gcc "${CFLAGS[@]}" -mx32 -fPIC -c "$SRC/x32.c" -o "$WORK/x32.o"
ld -m elf32_x86_64 -shared -s --build-id=none --hash-style=gnu "$WORK/x32.o" -o "$OUT/x32.so"

# --- packed relative relocations (DT_RELR) -----------------------------------
step packed-relocs.so     "gcc -shared -Wl,-z,pack-relative-relocs (GLIBC_ABI_DT_RELR)"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,pack-relative-relocs \
    "$SRC/packed-relocs.c" -o "$OUT/packed-relocs.so"

step packed-relocs-nolibc.so "gcc -shared -nostdlib -Wl,-z,pack-relative-relocs (DT_RELR, no marker)"
gcc "${CFLAGS[@]}" -fPIC -shared -nostdlib "${LDFLAGS[@]}" -Wl,-z,pack-relative-relocs \
    "$SRC/packed-relocs-nolibc.c" -o "$OUT/packed-relocs-nolibc.so"

# --- executable stack (PT_GNU_STACK RWE) -------------------------------------
step execstack.so         "gcc -shared -Wl,-z,execstack (glibc 2.41+ refuses to dlopen it)"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,execstack \
    "$SRC/execstack.c" -o "$OUT/execstack.so"

# --- $ORIGIN, RUNPATH, RPATH --------------------------------------------------
step origin/lib/libdep.so "SONAME libdep.so"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libdep.so \
    "$SRC/origin/dep.c" -o "$OUT/origin/lib/libdep.so"

step origin/bin/app       "RUNPATH \$ORIGIN/../lib"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/origin/app.c" -o "$OUT/origin/bin/app" \
    -L"$OUT/origin/lib" -ldep -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

step origin/lib/libold-rpath.so "RPATH \$ORIGIN"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libold-rpath.so \
    "$SRC/origin/old-rpath.c" -o "$OUT/origin/lib/libold-rpath.so" \
    -L"$OUT/origin/lib" -ldep -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN'

# --- functions a newer musl added (musl has no symbol versions) ----------------
step needs-musl-statx.so  "musl-gcc -shared, calls statx (musl 1.2.5) and qsort_r (1.2.3)"
musl-gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" "$SRC/musl-late.c" -o "$OUT/needs-musl-statx.so"

step needs-musl-qsort-r.so "musl-gcc -shared, calls qsort_r (musl 1.2.3)"
musl-gcc "${CFLAGS[@]}" -DONLY_QSORT_R -fPIC -shared "${LDFLAGS[@]}" "$SRC/musl-late.c" -o "$OUT/needs-musl-qsort-r.so"

# --- a library that needs another (nothing found through RUNPATH) -------------
step chain/lib/libchainb.so.1 "SONAME libchainb.so.1"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libchainb.so.1 \
    "$SRC/chain/b.c" -o "$OUT/chain/lib/libchainb.so.1"

step chain/lib/libchaina.so.1 "SONAME libchaina.so.1, NEEDED libchainb.so.1"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libchaina.so.1 \
    "$SRC/chain/a.c" -o "$OUT/chain/lib/libchaina.so.1" -L"$OUT/chain/lib" -l:libchainb.so.1

step chain/bin/app        "NEEDED libchaina.so.1, no RUNPATH"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/chain/app.c" -o "$OUT/chain/bin/app" \
    -L"$OUT/chain/lib" -l:libchaina.so.1 -Wl,-rpath-link,"$OUT/chain/lib"

step chain/bin/app-rpath  "NEEDED libchaina.so.1, DT_RPATH \$ORIGIN/../lib (its libraries inherit it)"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/chain/app.c" -o "$OUT/chain/bin/app-rpath" \
    -L"$OUT/chain/lib" -l:libchaina.so.1 -Wl,-rpath-link,"$OUT/chain/lib" -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

step chain/bin/app-both   "NEEDED libchaina.so.1 and libchainb.so.1, RUNPATH \$ORIGIN/../lib (not inherited)"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/chain/app.c" -o "$OUT/chain/bin/app-both" \
    -L"$OUT/chain/lib" -Wl,--no-as-needed -l:libchaina.so.1 -l:libchainb.so.1 -Wl,-rpath-link,"$OUT/chain/lib" \
    -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

step chain/runpath/libchaina.so.1 "SONAME libchaina.so.1, RUNPATH \$ORIGIN/chain"
mkdir -p "$OUT/chain/runpath"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libchaina.so.1 \
    "$SRC/chain/a.c" -o "$OUT/chain/runpath/libchaina.so.1" -L"$OUT/chain/lib" -l:libchainb.so.1 \
    -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/chain'

step chain/object/libchaina.so.1 "an object file (ET_REL) under a library's name"
mkdir -p "$OUT/chain/object"
gcc "${CFLAGS[@]}" -fPIC -c "$SRC/chain/a.c" -o "$OUT/chain/object/libchaina.so.1"
strip --strip-unneeded "$OUT/chain/object/libchaina.so.1"

# --- versions a program needs from a library the project ships ---------------------
mkdir -p "$OUT/versions/bin" "$OUT/versions/lib" "$OUT/versions/new" "$OUT/versions/plain"
step versions/new/libvers.so.1 "SONAME libvers.so.1, VERS_1.0 and VERS_2.0"
gcc "${CFLAGS[@]}" -DWITH_NEW -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libvers.so.1 \
    -Wl,--version-script="$SRC/versions/vers-2.map" "$SRC/versions/vers.c" -o "$OUT/versions/new/libvers.so.1"

step versions/lib/libvers.so.1 "SONAME libvers.so.1, VERS_1.0 only (the project's old copy)"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libvers.so.1 \
    -Wl,--version-script="$SRC/versions/vers-1.map" "$SRC/versions/vers.c" -o "$OUT/versions/lib/libvers.so.1"

step versions/plain/libvers.so.1 "SONAME libvers.so.1, no version definitions"
gcc "${CFLAGS[@]}" -DWITH_NEW -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libvers.so.1 \
    "$SRC/versions/vers.c" -o "$OUT/versions/plain/libvers.so.1"

step versions/bin/app "NEEDED libvers.so.1 (vers_new@VERS_2.0), RUNPATH \$ORIGIN/../lib"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/versions/app.c" -o "$OUT/versions/bin/app" \
    -L"$OUT/versions/new" -l:libvers.so.1 -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

mkdir -p "$OUT/versions/user"
step versions/user/libversuser.so.1 "SONAME libversuser.so.1, NEEDED libvers.so.1 (vers_new@VERS_2.0), no RUNPATH"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libversuser.so.1 \
    "$SRC/versions/user.c" -o "$OUT/versions/user/libversuser.so.1" -L"$OUT/versions/new" -l:libvers.so.1

step versions/bin/app-user "NEEDED libversuser.so.1, DT_RPATH \$ORIGIN/../lib (inherited)"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/versions/app-user.c" -o "$OUT/versions/bin/app-user" \
    -L"$OUT/versions/user" -l:libversuser.so.1 -Wl,-rpath-link,"$OUT/versions/new" -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

# --- dependencies mapped breadth first, as glibc maps them -------------------------
step bfs/lib/deep/libbfsy.so "SONAME libbfsy.so"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libbfsy.so "$SRC/bfs/y.c" -o "$OUT/bfs/lib/deep/libbfsy.so"

step bfs/lib/libbfsc.so "SONAME libbfsc.so, NEEDED libbfsy.so, RUNPATH \$ORIGIN/deep"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libbfsc.so "$SRC/bfs/c.c" -o "$OUT/bfs/lib/libbfsc.so" \
    -L"$OUT/bfs/lib/deep" -l:libbfsy.so -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/deep'

step bfs/lib/libbfsa.so "SONAME libbfsa.so, NEEDED libbfsc.so, RUNPATH \$ORIGIN"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libbfsa.so "$SRC/bfs/a.c" -o "$OUT/bfs/lib/libbfsa.so" \
    -L"$OUT/bfs/lib" -l:libbfsc.so -Wl,-rpath-link,"$OUT/bfs/lib/deep" -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN'

step bfs/lib/libbfsb.so "SONAME libbfsb.so, NEEDED libbfsy.so, no RUNPATH"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" -Wl,-soname,libbfsb.so "$SRC/bfs/b.c" -o "$OUT/bfs/lib/libbfsb.so" \
    -L"$OUT/bfs/lib/deep" -l:libbfsy.so

step bfs/bin/app "NEEDED libbfsa.so libbfsb.so, RUNPATH \$ORIGIN/../lib"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/bfs/app.c" -o "$OUT/bfs/bin/app" -L"$OUT/bfs/lib" -Wl,--no-as-needed \
    -l:libbfsa.so -l:libbfsb.so -Wl,-rpath-link,"$OUT/bfs/lib:$OUT/bfs/lib/deep" -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

step bfs/bin/app-b "NEEDED libbfsb.so, RUNPATH \$ORIGIN/../lib (not inherited)"
gcc "${CFLAGS[@]}" -DONLY_B "${LDFLAGS[@]}" "$SRC/bfs/app.c" -o "$OUT/bfs/bin/app-b" -L"$OUT/bfs/lib" -Wl,--no-as-needed \
    -l:libbfsb.so -Wl,-rpath-link,"$OUT/bfs/lib/deep" -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib'

step bfs/bin/app-b-rpath "NEEDED libbfsb.so, DT_RPATH \$ORIGIN/../lib:\$ORIGIN/../lib/deep (inherited)"
gcc "${CFLAGS[@]}" -DONLY_B "${LDFLAGS[@]}" "$SRC/bfs/app.c" -o "$OUT/bfs/bin/app-b-rpath" -L"$OUT/bfs/lib" -Wl,--no-as-needed \
    -l:libbfsb.so -Wl,-rpath-link,"$OUT/bfs/lib/deep" -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN/../lib:$ORIGIN/../lib/deep'

# --- stub libraries: require any GLIBC_2.NN / GLIBCXX_3.4.NN -------------------
# The stubs live only in $WORK; they exist so the linker records the versions
# of their version scripts in the fixture's .gnu.version_r.
STUBFLAGS=(-O2 -fPIC -shared -nostdlib -fno-builtin -ffile-prefix-map="$SRC"=src -fno-ident
           -s -Wl,--build-id=none)
mkdir -p "$WORK/stubs"
gcc "${STUBFLAGS[@]}" -Wl,-soname,libc.so.6 \
    -Wl,--version-script="$SRC/stubs/libc-stub.map" \
    "$SRC/stubs/libc-stub.c" -o "$WORK/stubs/libc.so.6"
gcc "${STUBFLAGS[@]}" -Wl,-soname,libstdc++.so.6 \
    -Wl,--version-script="$SRC/stubs/libstdcxx-stub.map" \
    "$SRC/stubs/libstdcxx-stub.c" -o "$WORK/stubs/libstdc++.so.6"

step needs-glibc-2.39.so  "stub libc.so.6, pidfd_spawn@GLIBC_2.39"
gcc "${CFLAGS[@]}" -fPIC -shared -nostdlib -fno-builtin "${LDFLAGS[@]}" \
    -Wl,-soname,needs-glibc-2.39.so \
    "$SRC/stubs/needs-glibc.c" "$WORK/stubs/libc.so.6" -o "$OUT/needs-glibc-2.39.so"

step needs-glibc-private.so "stub libc.so.6, __libc_pthread_init@GLIBC_PRIVATE"
gcc "${CFLAGS[@]}" -fPIC -shared -nostdlib -fno-builtin "${LDFLAGS[@]}" \
    -Wl,-soname,needs-glibc-private.so \
    "$SRC/stubs/needs-glibc-private.c" "$WORK/stubs/libc.so.6" -o "$OUT/needs-glibc-private.so"

step needs-glibcxx-3.4.32.so "stub libstdc++.so.6, GLIBCXX_3.4.32"
gcc "${CFLAGS[@]}" -fPIC -shared -nostdlib -fno-builtin "${LDFLAGS[@]}" \
    -Wl,-soname,needs-glibcxx-3.4.32.so \
    "$SRC/stubs/needs-glibcxx.c" "$WORK/stubs/libstdc++.so.6" "$WORK/stubs/libc.so.6" \
    -o "$OUT/needs-glibcxx-3.4.32.so"

# --- Go --------------------------------------------------------------------------
step go-nocgo             "CGO_ENABLED=0 go build"
(cd "$SRC/gonocgo" && CGO_ENABLED=0 go build -ldflags="-s -w" -o "$OUT/go-nocgo" .)

step go-tls               "CGO_ENABLED=0 go build: crypto/x509 roots, time.LoadLocation, os/user"
(cd "$SRC/gotls" && CGO_ENABLED=0 go build -ldflags="-s -w" -o "$OUT/go-tls" .)

step go-tls-tzdata        "CGO_ENABLED=0 go build: crypto/x509 roots, time/tzdata embedded"
(cd "$SRC/gotlstz" && CGO_ENABLED=0 go build -ldflags="-s -w" -o "$OUT/go-tls-tzdata" .)

step go-nocgo-arm64       "GOARCH=arm64 CGO_ENABLED=0 go build (cross)"
(cd "$SRC/gonocgo" && GOARCH=arm64 CGO_ENABLED=0 go build -ldflags="-s -w" -o "$OUT/go-nocgo-arm64" .)

step go-cgo               "CGO_ENABLED=1 go build (import \"C\")"
(cd "$SRC/gocgo" && CGO_ENABLED=1 CC=gcc CGO_CFLAGS="-O2 -fno-ident" \
    CGO_LDFLAGS="-Wl,--build-id=none" \
    go build -ldflags="-s -w" -o "$OUT/go-cgo" .)

# --- hand-written big-endian ELF ------------------------------------------------
step tiny-ppc64be.so      "python3 write_be_elf.py"
python3 "$SRC/write_be_elf.py" "$OUT/tiny-ppc64be.so"

# --- malformed / non-ELF ---------------------------------------------------------
step truncated.elf        "first 200 bytes of hello-glibc"
head -c 200 "$OUT/hello-glibc" > "$OUT/truncated.elf"

step not-elf.txt          "plain text"
printf 'This is not an ELF file.\nbasefit must skip it without a warning.\n' > "$OUT/not-elf.txt"

chmod 0755 "$OUT"/hello-* "$OUT"/go-* "$OUT/needs-libdl" "$OUT/origin/bin/app"
chmod 0644 "$OUT"/*.so "$OUT"/*.node "$OUT"/origin/lib/*.so "$OUT/truncated.elf" "$OUT/not-elf.txt"

# --- self-check: every ELF (except truncated.elf) must satisfy readelf silently ---
echo "checking with readelf"
fail=0
while IFS= read -r f; do
    rel="${f#"$OUT"/}"
    case "$rel" in truncated.elf|not-elf.txt) continue ;; esac
    if ! err="$(readelf -h -l -d -V -n -W "$f" 2>&1 >/dev/null)" || [ -n "$err" ]; then
        echo "readelf complains about $rel:" >&2
        printf '%s\n' "$err" >&2
        fail=1
    fi
done < <(find "$OUT" -type f | sort)

check_contains() { # file, readelf options, expected text
    if ! readelf $2 -W "$OUT/$1" | grep -qF -- "$3"; then
        echo "expected '$3' in readelf $2 $1" >&2
        fail=1
    fi
}
check_contains libcxxdemo.so -V "File: libgcc_s.so.1"
check_contains libcxxdemo.so -V "File: libstdc++.so.6"
check_contains needs-glibc-2.39.so -V "Name: GLIBC_2.39"
check_contains needs-glibc-2.39.so -V "Name: GLIBC_2.2.5"
check_contains needs-glibcxx-3.4.32.so -V "Name: GLIBCXX_3.4.32"
check_contains needs-glibcxx-3.4.32.so -V "Name: CXXABI_1.3"
check_contains x86-64-v3.so -n "x86-64-v3"
check_contains hello-musl -l "/lib/ld-musl-x86_64.so.1"
check_contains hello-i386 -l "/lib/ld-linux.so.2"
check_contains go-cgo -d "libc.so.6"
check_contains origin/bin/app -d "(RUNPATH)"
check_contains origin/lib/libold-rpath.so -d "(RPATH)"
check_contains tiny-ppc64be.so -d "(RUNPATH)"
[ "$fail" = 0 ] || { echo "fixture self-check failed" >&2; exit 1; }

# --- checksums -----------------------------------------------------------------------
(cd "$OUT" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS)
echo "done: $(find "$OUT" -type f | wc -l) files, $(du -sb "$OUT" | cut -f1) bytes"

# =====================================================================================
# Projects: Fixtures/projects/ — node_modules trees, virtualenvs and wheels.
# =====================================================================================
# Hand-written files there (package.json, .nvmrc, pyvenv.cfg, wheels/SOURCES.md,
# wheels/AUDITWHEEL.md) and the real PyPI wheels are committed and never regenerated.
# Everything else is rebuilt here from Fixtures/src/projects/: every .node/.so, the
# crafted wheels, the pnpm tree (copied from node-glibc-addon) and the venvs'
# site-packages (unpacked from wheels/). Same reproducibility rules as above.
# The real PyPI wheels DIR/SOURCES.md lists: each checked against its sha256, and
# downloaded with pip (into WORK/dl) only when missing.
verify_real_wheels() {
    local D="$1" PW="$2" row file req plat sum got nreal=0
    while IFS= read -r row; do
        # | `file` | `req` | `platform` | `sha256` | date |
        IFS='|' read -r _ file req plat sum _ <<<"$row"
        file="$(tr -d ' `' <<<"$file")"; req="$(tr -d ' `' <<<"$req")"
        plat="$(tr -d ' `' <<<"$plat")"; sum="$(tr -d ' `' <<<"$sum")"
        if [ ! -f "$D/$file" ]; then
            echo "    downloading $req for $plat"
            mkdir -p "$PW/dl"
            # The CPython and ABI the file names (cp313-cp313t); cp311 for abi3 wheels.
            local pyv=3.11 abi=cp311 tags
            tags="$(cut -d- -f3-4 <<<"$file")"
            case "$tags" in
                cp3*-cp3*) abi="${tags#*-}"; pyv="$(sed -E 's/^cp3([0-9]+).*/3.\1/' <<<"${tags%%-*}")" ;;
            esac
            pip download --no-deps --only-binary=:all: --platform "$plat" \
                --python-version "$pyv" --implementation cp --abi "$abi" "$req" -d "$PW/dl" >&2
            mv "$PW/dl/$file" "$D/$file"
        fi
        got="$(sha256sum "$D/$file" | cut -d' ' -f1)"
        if [ "$got" != "$sum" ]; then
            echo "sha256 mismatch for $D/$file: $got, SOURCES.md says $sum" >&2
            exit 1
        fi
        chmod 0644 "$D/$file"
        nreal=$((nreal + 1))
    done < <(grep -E '^\| `[^`]+\.whl` \|' "$D/SOURCES.md")
    [ "$nreal" -gt 0 ] || { echo "no wheels listed in $D/SOURCES.md" >&2; exit 1; }
}

build_projects() {
    local P="$HERE/projects" PS="$SRC/projects" PW="$WORK/projects"
    local nm="$P/node-glibc-addon/node_modules" rs="$P/node-napi-rs/node_modules"
    mkdir -p "$PW"
    echo "building projects into $P"

    # --- clean generated files (the real wheels stay) -----------------------------
    find "$P" -path "$P/wheels" -prune -o -type f \
        \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \) -print0 | xargs -0 rm -f
    rm -rf "$P/node-pnpm/node_modules" "$P"/python-venv/lib "$P"/python-venv/bin "$P"/python-venv-mixed/lib \
        "$P"/python-venv-mixed/bin "$P"/python-freethreaded/lib "$P"/python-freethreaded/bin
    rm -f "$P"/wheels/liar-*.whl "$P"/wheels/wrongc-*.whl "$P/SHA256SUMS"

    local NAPI=(-fPIC -shared "${CFLAGS[@]}" "${LDFLAGS[@]}")

    # --- 1. node-glibc-addon ----------------------------------------------------------
    step fastcrypt.node         "g++ -shared, napi_register_module_v1, libstdc++/libgcc_s"
    mkdir -p "$nm/fastcrypt/build/Release"
    g++ "${NAPI[@]}" -Wl,--no-as-needed "$PS/fastcrypt.cpp" \
        -o "$nm/fastcrypt/build/Release/fastcrypt.node"

    step helper.node            "gcc -shared (nested node_modules)"
    mkdir -p "$nm/fastcrypt/node_modules/helper/build/Release"
    gcc "${NAPI[@]}" -DADDON_NAME='"helper"' "$PS/napi-c.c" \
        -o "$nm/fastcrypt/node_modules/helper/build/Release/helper.node"

    step pinned.node            "gcc -shared, node_register_module_v115"
    mkdir -p "$nm/@acme/pinned/lib/binding/node-v115-linux-x64"
    gcc "${NAPI[@]}" "$PS/pinned.c" \
        -o "$nm/@acme/pinned/lib/binding/node-v115-linux-x64/pinned.node"

    step distro.node            "gcc -shared, NEEDED libnode.so.115 (stub, not shipped)"
    gcc "${STUBFLAGS[@]}" -Wl,-soname,libnode.so.115 "$PS/stubs/libnode-stub.c" \
        -o "$PW/libnode.so.115"
    mkdir -p "$nm/distro-node/build/Release"
    gcc "${NAPI[@]}" -Wl,--no-as-needed "$PS/distro.c" "$PW/libnode.so.115" \
        -o "$nm/distro-node/build/Release/distro.node"

    # --- 2. node-prebuilds --------------------------------------------------------------
    local pb="$P/node-prebuilds/node_modules"
    mkdir -p "$pb/dualbuild/prebuilds/linux-x64" "$pb/untagged/prebuilds/linux-x64"
    step node.napi.glibc.node   "gcc -shared (dualbuild)"
    gcc "${NAPI[@]}" -DADDON_NAME='"dualbuild"' "$PS/napi-c.c" \
        -o "$pb/dualbuild/prebuilds/linux-x64/node.napi.glibc.node"
    step node.napi.musl.node    "musl-gcc -shared (dualbuild)"
    musl-gcc "${NAPI[@]}" -DADDON_NAME='"dualbuild"' "$PS/napi-c.c" \
        -o "$pb/dualbuild/prebuilds/linux-x64/node.napi.musl.node"
    step node.napi.node         "gcc -shared, no libc tag (untagged)"
    gcc "${NAPI[@]}" -DADDON_NAME='"untagged"' "$PS/napi-c.c" \
        -o "$pb/untagged/prebuilds/linux-x64/node.napi.node"

    # --- 3. node-napi-rs --------------------------------------------------------------------
    local nd="$rs/@napi-demo"
    step core.linux-x64-gnu.node  "gcc -shared"
    gcc "${NAPI[@]}" -DADDON_NAME='"core"' "$PS/napi-c.c" \
        -o "$nd/core-linux-x64-gnu/core.linux-x64-gnu.node"
    step core.linux-x64-musl.node "musl-gcc -shared"
    musl-gcc "${NAPI[@]}" -DADDON_NAME='"core"' "$PS/napi-c.c" \
        -o "$nd/core-linux-x64-musl/core.linux-x64-musl.node"
    step solo.linux-x64-gnu.node  "gcc -shared (musl sibling not installed)"
    gcc "${NAPI[@]}" -DADDON_NAME='"solo"' "$PS/napi-c.c" \
        -o "$nd/solo-linux-x64-gnu/solo.linux-x64-gnu.node"
    step liar.linux-x64-musl.node "gcc -shared: glibc build in a libc:[musl] package"
    gcc "${NAPI[@]}" -DADDON_NAME='"liar"' "$PS/napi-c.c" \
        -o "$nd/liar-linux-x64-musl/liar.linux-x64-musl.node"

    step libvips-cpp.so.42      "g++ -shared, SONAME libvips-cpp.so.42"
    mkdir -p "$rs/@img/sharp-libvips-linux-x64/lib" "$rs/@img/sharp-linux-x64/lib"
    g++ "${NAPI[@]}" -Wl,-soname,libvips-cpp.so.42 "$PS/vips.cpp" \
        -o "$rs/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42"
    step sharp-linux-x64.node   "g++ -shared, DT_RPATH across packages"
    g++ "${NAPI[@]}" "$PS/sharp.cpp" \
        -L"$rs/@img/sharp-libvips-linux-x64/lib" -l:libvips-cpp.so.42 \
        -Wl,--disable-new-dtags \
        -Wl,-rpath,'$ORIGIN/../../sharp-libvips-linux-x64/lib' \
        -Wl,-rpath,'$ORIGIN/../../../node_modules/@img/sharp-libvips-linux-x64/lib' \
        -o "$rs/@img/sharp-linux-x64/lib/sharp-linux-x64.node"

    # --- 3b. node-classic: a pre-N-API NODE_MODULE addon (no registration export) ----------
    step classic.node           "g++ -shared, NODE_MODULE: node_module_register + v8 imports"
    mkdir -p "$P/node-classic/node_modules/legacy/build/Release"
    g++ "${NAPI[@]}" "$PS/classic.cpp" -o "$P/node-classic/node_modules/legacy/build/Release/classic.node"

    # --- 4. node-pnpm: real files under .pnpm, relative symlinks --------------------------
    step node-pnpm              "copy of fastcrypt + helper in .pnpm, symlinks"
    local pn="$P/node-pnpm/node_modules"
    local fc="$pn/.pnpm/fastcrypt@1.0.0/node_modules"
    local hp="$pn/.pnpm/helper@1.0.0/node_modules"
    mkdir -p "$fc/fastcrypt/build/Release" "$hp/helper/build/Release"
    cp "$nm/fastcrypt/package.json" "$fc/fastcrypt/package.json"
    cp "$nm/fastcrypt/build/Release/fastcrypt.node" "$fc/fastcrypt/build/Release/"
    cp "$nm/fastcrypt/node_modules/helper/package.json" "$hp/helper/package.json"
    cp "$nm/fastcrypt/node_modules/helper/build/Release/helper.node" "$hp/helper/build/Release/"
    ln -s ../../helper@1.0.0/node_modules/helper "$fc/helper"
    ln -s .pnpm/fastcrypt@1.0.0/node_modules/fastcrypt "$pn/fastcrypt"
    printf '%s\n' 'hoistPattern:' "  - '*'" 'layoutVersion: 5' 'nodeLinker: isolated' \
        'packageManager: pnpm@9.15.0' 'included:' '  dependencies: true' \
        '  devDependencies: true' '  optionalDependencies: true' > "$pn/.modules.yaml"

    # --- 6. wheels: the real ones (verify; download only if missing) ------------------------
    step wheels/*.whl           "real PyPI wheels: sha256 from wheels/SOURCES.md"
    verify_real_wheels "$P/wheels" "$PW"
    step foreign-wheels/*.whl   "real macOS and Windows wheels: sha256 from foreign-wheels/SOURCES.md"
    verify_real_wheels "$P/foreign-wheels" "$PW"

    # --- 6. wheels: crafted --------------------------------------------------------------------
    step liar-1.0.whl            "fcntl64@GLIBC_2.28 via stub libc.so.6, tag says 2_17"
    mkdir -p "$PW/stubs"
    gcc "${STUBFLAGS[@]}" -Wl,-soname,libc.so.6 \
        -Wl,--version-script="$PS/stubs/libc-stub.map" \
        "$PS/stubs/libc-stub.c" -o "$PW/stubs/libc.so.6"
    gcc "${NAPI[@]}" -nostdlib -fno-builtin -DUSE_FCNTL64 "$PS/wheel-native.c" \
        "$PW/stubs/libc.so.6" -o "$PW/liar-native.so"
    printf '' > "$PW/empty-init.py"
    python3 "$PS/make_wheel.py" "$P/wheels/liar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl" \
        liar 1.0 cp311-cp311-manylinux_2_17_x86_64 \
        "liar/__init__.py=$PW/empty-init.py" \
        "liar/_native.cpython-311-x86_64-linux-gnu.so=$PW/liar-native.so"

    step wrongc-1.0.whl          "glibc (gcc) extension in a musllinux wheel"
    gcc "${NAPI[@]}" "$PS/wheel-native.c" -o "$PW/wrongc-native.so"
    python3 "$PS/make_wheel.py" "$P/wheels/wrongc-1.0-cp311-cp311-musllinux_1_2_x86_64.whl" \
        wrongc 1.0 cp311-cp311-musllinux_1_2_x86_64 \
        "wrongc/__init__.py=$PW/empty-init.py" \
        "wrongc/_native.cpython-311-x86_64-linux-musl.so=$PW/wrongc-native.so"
    chmod 0644 "$P"/wheels/liar-*.whl "$P"/wheels/wrongc-*.whl

    # --- 5. virtualenvs: site-packages unpacked from the real wheels -------------------------
    local venv w
    for venv in python-venv python-venv-mixed; do
        step "$venv"            "unpack wheels into lib/python3.11/site-packages"
        mkdir -p "$P/$venv/bin" "$P/$venv/lib/python3.11/site-packages"
        ln -s /usr/local/bin/python3.11 "$P/$venv/bin/python3.11"
        ln -s python3.11 "$P/$venv/bin/python3"
        ln -s python3.11 "$P/$venv/bin/python"
    done
    for w in cffi-2.1.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl \
             google_crc32c-1.9.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl; do
        python3 "$PS/unpack_wheel.py" "$P/wheels/$w" "$P/python-venv/lib/python3.11/site-packages"
    done
    for w in cffi-2.1.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl \
             markupsafe-3.0.3-cp311-cp311-musllinux_1_2_x86_64.whl; do
        python3 "$PS/unpack_wheel.py" "$P/wheels/$w" "$P/python-venv-mixed/lib/python3.11/site-packages"
    done
    step python-freethreaded    "unpack the cp313t wheel into lib/python3.13t/site-packages"
    mkdir -p "$P/python-freethreaded/bin" "$P/python-freethreaded/lib/python3.13t/site-packages"
    ln -s /usr/local/bin/python3.13t "$P/python-freethreaded/bin/python3.13t"
    ln -s python3.13t "$P/python-freethreaded/bin/python3"
    python3 "$PS/unpack_wheel.py" \
        "$P/wheels/markupsafe-3.0.3-cp313-cp313t-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl" \
        "$P/python-freethreaded/lib/python3.13t/site-packages"

    step node-pnp               "a Yarn Plug'n'Play install: cache zips, an unplugged addon, .pnp.cjs"
    python3 "$PS/make_pnp.py" "$HERE"

    # modes: built .node/.so executable as linkers write them; text 0644
    find "$P" -path "$P/wheels" -prune -o -path "$P/python-venv*/lib" -prune -o -type f \
        \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \) -print0 | xargs -0 chmod 0755
    find "$P" -type f \( -name '*.json' -o -name '*.md' -o -name '*.cfg' -o -name '*.yaml' \
        -o -name .nvmrc \) -print0 | xargs -0 chmod 0644

    check_projects
    # --- checksums: every ELF and wheel under projects/ ---------------------------------------
    (cd "$P" && find . -type f ! -name SHA256SUMS -print0 | sort -z |
        while IFS= read -r -d '' f; do
            case "$f" in *.whl) ;; *) [ "$(head -c4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || continue ;; esac
            sha256sum "${f#./}"
        done > SHA256SUMS)
    echo "done: $(wc -l < "$P/SHA256SUMS") ELF/wheel files, $(du -sb "$P" | cut -f1) bytes"
}

# Self-check for the projects: readelf silent on every ELF, plus the facts tests rely on.
check_projects() {
    local P="$HERE/projects" fail=0 f rel
    echo "checking projects with readelf"
    rp() { readelf "$2" -W "$P/$1"; }
    expect() { # file, readelf option, expected text
        if ! rp "$1" "$2" | grep -qF -- "$3"; then
            echo "expected '$3' in readelf $2 $1" >&2; fail=1
        fi
    }
    reject() { # file, readelf option, text that must not appear
        if rp "$1" "$2" | grep -qF -- "$3"; then
            echo "unexpected '$3' in readelf $2 $1" >&2; fail=1
        fi
    }
    while IFS= read -r -d '' f; do
        [ "$(head -c4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || continue
        rel="${f#"$P"/}"
        if ! err="$(readelf -h -l -d -V -n -W --dyn-syms "$f" 2>&1 >/dev/null)" || [ -n "$err" ]; then
            echo "readelf complains about $rel:" >&2; printf '%s\n' "$err" >&2; fail=1
        fi
    done < <(find "$P" -type f -print0)

    local A=node-glibc-addon/node_modules R=node-napi-rs/node_modules
    expect $A/fastcrypt/build/Release/fastcrypt.node -V "File: libstdc++.so.6"
    expect $A/fastcrypt/build/Release/fastcrypt.node -V "Name: GLIBCXX_3.4.21"
    expect $A/fastcrypt/build/Release/fastcrypt.node -V "Name: CXXABI_1.3"
    expect $A/fastcrypt/build/Release/fastcrypt.node -V "File: libgcc_s.so.1"
    expect $A/fastcrypt/build/Release/fastcrypt.node --dyn-syms " napi_register_module_v1"
    expect $A/fastcrypt/node_modules/helper/build/Release/helper.node --dyn-syms " napi_register_module_v1"
    reject $A/fastcrypt/node_modules/helper/build/Release/helper.node -d "libstdc++"
    expect $A/@acme/pinned/lib/binding/node-v115-linux-x64/pinned.node --dyn-syms " node_register_module_v115"
    expect $A/distro-node/build/Release/distro.node -d "Shared library: [libnode.so.115]"
    expect node-prebuilds/node_modules/dualbuild/prebuilds/linux-x64/node.napi.glibc.node -d "[libc.so.6]"
    expect node-prebuilds/node_modules/dualbuild/prebuilds/linux-x64/node.napi.musl.node -d "Shared library: [libc.so]"
    reject node-prebuilds/node_modules/dualbuild/prebuilds/linux-x64/node.napi.musl.node -d "libc.so.6"
    expect node-prebuilds/node_modules/untagged/prebuilds/linux-x64/node.napi.node -d "[libc.so.6]"
    expect $R/@napi-demo/core-linux-x64-gnu/core.linux-x64-gnu.node -d "[libc.so.6]"
    expect $R/@napi-demo/core-linux-x64-musl/core.linux-x64-musl.node -d "Shared library: [libc.so]"
    expect $R/@napi-demo/solo-linux-x64-gnu/solo.linux-x64-gnu.node -d "[libc.so.6]"
    expect $R/@napi-demo/liar-linux-x64-musl/liar.linux-x64-musl.node -d "[libc.so.6]"
    expect $R/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42 -d "Library soname: [libvips-cpp.so.42]"
    expect $R/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42 -d "[libstdc++.so.6]"
    expect $R/@img/sharp-linux-x64/lib/sharp-linux-x64.node -d "(RPATH)"
    reject $R/@img/sharp-linux-x64/lib/sharp-linux-x64.node -d "(RUNPATH)"
    expect $R/@img/sharp-linux-x64/lib/sharp-linux-x64.node -d "[libvips-cpp.so.42]"
    expect python-venv/lib/python3.11/site-packages/google_crc32c/_crc32c.cpython-311-x86_64-linux-gnu.so -d "(RPATH)"

    # $ORIGIN resolution: each NEEDED that is not a system library must be found in the
    # RPATH/RUNPATH directories, relative to the file, inside projects/.
    resolves() { # file, soname
        local f="$P/$1" d dir found=
        local paths
        paths="$(readelf -d -W "$f" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p')"
        IFS=: read -r -a dirs <<<"$paths"
        for d in "${dirs[@]}"; do
            dir="${d//\$ORIGIN/$(dirname "$f")}"
            if [ -f "$dir/$2" ]; then found="$(realpath "$dir/$2")"; break; fi
        done
        case "$found" in
            "$P"/*) ;;
            *) echo "$1: $2 does not resolve inside projects/ via '$paths'" >&2; fail=1 ;;
        esac
    }
    resolves $R/@img/sharp-linux-x64/lib/sharp-linux-x64.node libvips-cpp.so.42
    resolves python-venv/lib/python3.11/site-packages/google_crc32c/_crc32c.cpython-311-x86_64-linux-gnu.so \
        libcrc32c-7ebc40c5.so.1.1.0
    # pnpm: the symlinks resolve to the real package directories
    [ -f "$P/node-pnpm/node_modules/fastcrypt/build/Release/fastcrypt.node" ] &&
        [ -f "$P/node-pnpm/node_modules/.pnpm/fastcrypt@1.0.0/node_modules/helper/build/Release/helper.node" ] ||
        { echo "node-pnpm symlinks do not resolve" >&2; fail=1; }
    cmp -s "$P/node-pnpm/node_modules/fastcrypt/build/Release/fastcrypt.node" \
        "$P/$A/fastcrypt/build/Release/fastcrypt.node" || { echo "pnpm copy differs" >&2; fail=1; }

    # crafted wheels: members and facts
    local x="$WORK/projects/check"
    mkdir -p "$x"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$P/wheels/liar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl" "$x/liar"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$P/wheels/wrongc-1.0-cp311-cp311-musllinux_1_2_x86_64.whl" "$x/wrongc"
    readelf -V -W "$x/liar/liar/_native.cpython-311-x86_64-linux-gnu.so" | grep -qF "Name: GLIBC_2.28" ||
        { echo "liar: no GLIBC_2.28 need" >&2; fail=1; }
    grep -qx 'Tag: cp311-cp311-manylinux_2_17_x86_64' "$x/liar/liar-1.0.dist-info/WHEEL" ||
        { echo "liar: wrong Tag" >&2; fail=1; }
    readelf -d -W "$x/wrongc/wrongc/_native.cpython-311-x86_64-linux-musl.so" | grep -qF "[libc.so.6]" ||
        { echo "wrongc: not glibc-linked" >&2; fail=1; }
    [ "$fail" = 0 ] || { echo "projects self-check failed" >&2; exit 1; }
}

build_projects
