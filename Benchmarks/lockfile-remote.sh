#!/usr/bin/env bash
# What reading a lockfile's wheels from an index costs: numpy 2.1.3, cryptography 43.0.3 and
# psycopg2-binary 2.9.10 pinned in a requirements file, every wheel the catalog's images would
# install read from a loopback index (Fixtures/pypi/index_server.py over the cached PyPI files,
# with range support), a fresh facts cache each run. Prints the --verbose "wheels:" line and
# the wall time of each binary, interleaved, 3 rounds.
#
#   bash Benchmarks/lockfile-remote.sh BASEFIT [BASELINE]
set -euo pipefail
root=${BASEFIT_INDEX_ROOT:-/var/cache/basefit/wheels/index}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$here/Fixtures/pypi/fetch_index.py" --root "$root" >/dev/null
python3 "$here/Fixtures/pypi/index_server.py" --root "$root" --port 0 >"$work/server.out" 2>"$work/server.err" &
server=$!
for _ in $(seq 50); do grep -q PORT "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^PORT //p' "$work/server.out" | head -1)
binaries=()
for binary in "$@"; do binaries+=("$(realpath "$binary")"); done
printf 'numpy==2.1.3\ncryptography==43.0.3\npsycopg2-binary==2.9.10\n' >"$work/requirements.txt"
for round in 1 2 3; do
    for binary in "${binaries[@]}"; do
        rm -rf "$work/cache"
        start=$(date +%s.%N)
        line=$(cd "$work" && XDG_CACHE_HOME="$work/cache" BASEFIT_TODAY=2026-11-30 "$binary" scan --verbose --format json \
            --index-url "http://127.0.0.1:$port/simple/" requirements.txt 2>&1 >/dev/null | grep 'wheels:' || true)
        end=$(date +%s.%N)
        printf 'round %d %s: %.2f s; %s\n' "$round" "$binary" "$(echo "$end - $start" | bc)" "${line#basefit: }"
    done
done
