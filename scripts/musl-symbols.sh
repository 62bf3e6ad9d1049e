#!/usr/bin/env bash
# Prints which functions each musl release began to export (the table in
# Sources/ELFInspection/MuslSymbols.swift), from musl's own builds:
#
#   bash scripts/musl-symbols.sh MUSL_GIT_DIR [REF...]
#
# MUSL_GIT_DIR is a clone of git://git.musl-libc.org/musl (or its GitHub mirror bminor/musl);
# REFs default to the releases v1.2.2 … v1.2.5 and the newest commit. Each is checked out into
# a temporary work tree, configured and built for the host (x86_64, gcc) as lib/libc.so, and its
# defined global and weak dynamic symbols listed with readelf; each list is compared with the
# previous one. Needs gcc, make, readelf and git; runs nothing it builds.
set -euo pipefail
src=${1:?usage: musl-symbols.sh MUSL_GIT_DIR [REF...]}
shift
refs=("$@")
((${#refs[@]})) || refs=(v1.2.2 v1.2.3 v1.2.4 v1.2.5 HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$src" "$work/musl"
commits=()
for ref in "${refs[@]}"; do commits+=("$(git -C "$work/musl" rev-parse --verify "$ref^{commit}")"); done
previous=""
for index in "${!refs[@]}"; do
    ref=${refs[$index]}
    (cd "$work/musl" && git checkout -q "${commits[$index]}" && git clean -qfdx &&
        ./configure --prefix="$work/prefix" >/dev/null && make -j"$(nproc)" lib/libc.so >/dev/null 2>&1)
    readelf --dyn-syms -W "$work/musl/lib/libc.so" |
        awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && ($4 == "FUNC" || $4 == "OBJECT") { print $8 }' |
        sed 's/@.*//' | sort -u >"$work/$ref.txt"
    echo "$ref ($(cd "$work/musl" && git rev-parse --short HEAD)): $(wc -l <"$work/$ref.txt") symbols"
    if [[ -n $previous ]]; then
        echo "  added:   $(comm -13 "$work/$previous.txt" "$work/$ref.txt" | tr '\n' ' ')"
        echo "  removed: $(comm -23 "$work/$previous.txt" "$work/$ref.txt" | tr '\n' ' ')"
    fi
    previous=$ref
done
