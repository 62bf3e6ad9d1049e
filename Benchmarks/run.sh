#!/usr/bin/env bash
# One command for the whole benchmark: bash Benchmarks/run.sh
#
# Environment (all optional):
#   BENCH_WORK=/tmp/basefit-bench  where the generated tree, wheels and results go
#   RUNS=5                         measured runs per command (after one warm-up run)
#   AUDITWHEEL_RUNS=$RUNS          measured runs of the auditwheel loop (the slowest part)
#   BASEFIT=/path/to/basefit       use this binary; otherwise `swift build -c release` is run
#   SKIP_BUILD=1                   use the existing .build/release/basefit without building
#   SEED, MIN_FILES, MIN_PACKAGES, ELF_COUNT, WHEEL_COPIES   generator parameters
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WORK="${BENCH_WORK:-/tmp/basefit-bench}"
RUNS="${RUNS:-5}"
AUDITWHEEL_RUNS="${AUDITWHEEL_RUNS:-$RUNS}"

log() { printf 'run.sh: %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- tools -----------------------------------------------------------------------------
need_apt=()
[ -x /usr/bin/time ] || need_apt+=(time)
command -v scanelf >/dev/null || need_apt+=(pax-utils)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} with apt-get"
  as_root apt-get update -qq && as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! command -v auditwheel >/dev/null; then
  log "installing auditwheel with pip"
  python3 -m pip install -q auditwheel
fi
# The real auditwheel script, not a version-manager shim (a pyenv shim adds ~0.1 s per call,
# which is not auditwheel's cost).
AUDITWHEEL="$(command -v auditwheel)"
if command -v pyenv >/dev/null && pyenv which auditwheel >/dev/null 2>&1; then
  AUDITWHEEL="$(pyenv which auditwheel)"
fi

# --- basefit ---------------------------------------------------------------------------
mkdir -p "$WORK/bin"
if [ -n "${BASEFIT:-}" ]; then
  SRC_BIN="$BASEFIT"
else
  SRC_BIN="$REPO/.build/release/basefit"
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "swift build -c release (waits if another build holds .build)"
    if ! (cd "$REPO" && swift build -c release --product basefit >&2); then
      [ -x "$SRC_BIN" ] || { log "build failed and no binary at $SRC_BIN"; exit 2; }
      log "WARNING: build failed; benchmarking the existing $SRC_BIN"
    fi
  fi
fi
[ -x "$SRC_BIN" ] || { log "no basefit binary at $SRC_BIN"; exit 2; }
# A private copy, so a rebuild by someone else cannot swap the binary mid-run.
cp "$SRC_BIN" "$WORK/bin/basefit"
DIRTY=""
[ -n "$(cd "$REPO" && git status --porcelain -- Sources Package.swift 2>/dev/null)" ] && DIRTY="+dirty"
BIN_INFO="$SRC_BIN (built $(date -r "$SRC_BIN" '+%Y-%m-%d %H:%M'), repo $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$DIRTY)"

# --- inputs ----------------------------------------------------------------------------
python3 "$HERE/gen_tree.py" --out "$WORK" --fixtures "$REPO/Fixtures" \
  ${SEED:+--seed "$SEED"} ${MIN_FILES:+--min-files "$MIN_FILES"} ${MIN_PACKAGES:+--min-packages "$MIN_PACKAGES"} \
  ${ELF_COUNT:+--elf-count "$ELF_COUNT"} ${WHEEL_COPIES:+--wheel-copies "$WHEEL_COPIES"}

# --- measure ---------------------------------------------------------------------------
python3 "$HERE/bench.py" --work "$WORK" --basefit "$WORK/bin/basefit" --auditwheel "$AUDITWHEEL" \
  --repo "$REPO" --runs "$RUNS" --auditwheel-runs "$AUDITWHEEL_RUNS" --binary-info "$BIN_INFO" \
  | tee "$WORK/results.txt"

# --- per-wheel: auditwheel show vs basefit scan, one process each, real PyPI wheels ----------
# Needs the local index cache (Fixtures/pypi/fetch_index.py asks PyPI once); skipped when
# neither the cache nor PyPI is there. WHEEL_BENCH=0 skips it.
if [ "${WHEEL_BENCH:-1}" = 1 ]; then
  INDEX_ROOT="${BASEFIT_INDEX_ROOT:-/var/cache/basefit/wheels/index}"
  if [ -f "$INDEX_ROOT/projects/numpy.json" ] || python3 "$REPO/Fixtures/pypi/fetch_index.py" --root "$INDEX_ROOT" >&2; then
    python3 "$HERE/wheels.py" --basefit "$WORK/bin/basefit" --auditwheel "$AUDITWHEEL" --runs "$RUNS" \
      --index-root "$INDEX_ROOT" --out "$WORK/results-wheels.json" | tee -a "$WORK/results.txt"
  else
    log "skipping the per-wheel benchmark: no index cache at $INDEX_ROOT and PyPI unreachable"
  fi
fi
