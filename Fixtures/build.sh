#!/usr/bin/env bash
# Rebuild every fixture binary in Fixtures/elf/ from the sources in Fixtures/src/.
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
mkdir -p "$OUT/origin/bin" "$OUT/origin/lib"

step() { printf '  %-28s %s\n' "$1" "$2"; }

echo "building fixtures into $OUT"

# --- hello variants ----------------------------------------------------------
step hello-glibc          "gcc, dynamic PIE"
gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "$SRC/hello.c" -o "$OUT/hello-glibc"

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

step abi-addon.node       "gcc -shared, node_register_module_v115"
gcc "${CFLAGS[@]}" -fPIC -shared "${LDFLAGS[@]}" "$SRC/abi-addon.c" -o "$OUT/abi-addon.node"

# --- x86-64-v3 ISA note -------------------------------------------------------
step x86-64-v3.so         "gcc -march=x86-64-v3 -Wl,-z,x86-64-v3"
gcc "${CFLAGS[@]}" -march=x86-64-v3 -fPIC -shared "${LDFLAGS[@]}" -Wl,-z,x86-64-v3 \
    "$SRC/x86-64-v3.c" -o "$OUT/x86-64-v3.so"

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

step needs-glibcxx-3.4.32.so "stub libstdc++.so.6, GLIBCXX_3.4.32"
gcc "${CFLAGS[@]}" -fPIC -shared -nostdlib -fno-builtin "${LDFLAGS[@]}" \
    -Wl,-soname,needs-glibcxx-3.4.32.so \
    "$SRC/stubs/needs-glibcxx.c" "$WORK/stubs/libstdc++.so.6" "$WORK/stubs/libc.so.6" \
    -o "$OUT/needs-glibcxx-3.4.32.so"

# --- Go --------------------------------------------------------------------------
step go-nocgo             "CGO_ENABLED=0 go build"
(cd "$SRC/gonocgo" && CGO_ENABLED=0 go build -ldflags="-s -w" -o "$OUT/go-nocgo" .)

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

chmod 0755 "$OUT"/hello-* "$OUT"/go-* "$OUT/origin/bin/app"
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
