#!/usr/bin/env bash
# Where does `basefit scan` spend its instructions and syscalls?  bash Benchmarks/profile.sh
#
# Generates (once, deterministically) a ~20,000-file subset of the benchmark tree, then
#   1. valgrind --tool=callgrind on `basefit scan --format json --quiet SUBSET`, and prints the
#      top functions by inclusive and by self instruction count (callgrind_annotate, Swift names
#      demangled), plus the malloc/free call counts;
#   2. strace -f -c on the same scan: syscalls in total and per file.
#
# Environment (optional):
#   BENCH_WORK=/tmp/basefit-bench   the subset goes to $BENCH_WORK/profile
#   BASEFIT=/path/to/basefit        default: $BENCH_WORK/bin/basefit (copied by run.sh), else .build/release/basefit
#   PROFILE_FILES=20000             size of the subset
#   PROFILE_TARGET=tree|wheels      profile the tree subset (default) or the benchmark's wheel directory
#   TOP=25                          rows per listing
set -eu   # no pipefail: `| head` closing a pipe early is expected here

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WORK="${BENCH_WORK:-/tmp/basefit-bench}"
PROFILE_FILES="${PROFILE_FILES:-20000}"
TOP="${TOP:-25}"
OUT="$WORK/profile"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq && as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

BIN="${BASEFIT:-}"
if [ -z "$BIN" ]; then
  if [ -x "$WORK/bin/basefit" ]; then BIN="$WORK/bin/basefit"; else BIN="$REPO/.build/release/basefit"; fi
fi
[ -x "$BIN" ] || { echo "profile.sh: no basefit binary (run Benchmarks/run.sh first or set BASEFIT)" >&2; exit 2; }

mkdir -p "$OUT"
if [ "${PROFILE_TARGET:-tree}" = wheels ]; then
  [ -d "$WORK/wheels" ] || { echo "profile.sh: $WORK/wheels missing; run Benchmarks/run.sh first" >&2; exit 2; }
  TARGET="$WORK/wheels"
  NFILES=$(find "$TARGET" -type f | wc -l)
else
  python3 "$HERE/gen_tree.py" --out "$OUT" --fixtures "$REPO/Fixtures" --no-wheels \
    --min-files "$PROFILE_FILES" --min-packages $((PROFILE_FILES / 15)) --elf-count 40
  TARGET="$OUT/tree"
  NFILES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tree"]["files"])' "$OUT/manifest.json")
fi

demangle() { if command -v swift >/dev/null; then swift demangle --simplified --compact 2>/dev/null || cat; else cat; fi; }
# Trim paths and long generic signatures so a row fits a line.
# "N (p%)  file:function [/path/lib.so]" -> "N (p%)  function [lib.so]" (before demangling: mangled names have no ':').
strip_files() { sed -E -e 's#^( *[0-9,]+ \([ 0-9.%]+\)) +[^ ]*:([^ ]+)#\1  \2#' -e 's# \[[^]]*/([^/]+)\]$# [\1]#'; }
shorten() { cut -c1-200; }

echo "== basefit: $BIN"
echo "== target:  $TARGET ($NFILES files)"
echo
echo "== callgrind (this takes a minute or two) ..."
CG="$OUT/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$CG" --dump-instr=no --collect-jumps=no \
  "$BIN" scan --format json --quiet "$TARGET" >/dev/null 2>"$OUT/valgrind.log" || true
TOTAL=$(callgrind_annotate "$CG" 2>/dev/null | awk '/PROGRAM TOTALS/ && !t {print $1; t=1}')
echo "total instructions: $TOTAL  (per file: $(python3 -c "print(round(int('$TOTAL'.replace(',',''))/$NFILES))"))"
echo
echo "== top $TOP by INCLUSIVE instructions"
callgrind_annotate --inclusive=yes --threshold=100 "$CG" 2>/dev/null \
  | grep -E '^ *[0-9,]+ ' | grep -v 'PROGRAM TOTALS' | head -n "$TOP" | strip_files | demangle | shorten
echo
echo "== top $TOP by SELF instructions"
callgrind_annotate --inclusive=no --threshold=100 "$CG" 2>/dev/null \
  | grep -E '^ *[0-9,]+ ' | grep -v 'PROGRAM TOTALS' | head -n "$TOP" | strip_files | demangle | shorten
echo
echo "== calls into the allocator (callgrind call counts)"
python3 - "$CG" "$NFILES" <<'EOF' || true
import re, sys
# Sum the call counts of calls= lines whose callee is an allocator function.
path, nfiles = sys.argv[1], int(sys.argv[2])
names, counts, cfn = {}, {}, None
want = ("malloc", "free", "realloc", "calloc", "posix_memalign", "swift_allocObject", "swift_retain", "swift_release")
for line in open(path, errors="replace"):
    m = re.match(r"cfn=\((\d+)\)(?: (.*))?", line)
    if m:
        if m.group(2): names[m.group(1)] = m.group(2).strip()
        cfn = names.get(m.group(1)); continue
    m = re.match(r"calls=(\d+)", line)
    if m and cfn in want:
        counts[cfn] = counts.get(cfn, 0) + int(m.group(1))
for k in want:
    if k in counts:
        print("  %-18s %12d calls  (%.0f per file)" % (k, counts[k], counts[k] / nfiles))
EOF
echo
echo "== strace -f -c (syscalls; $NFILES files)"
strace -f -c -o "$OUT/strace.txt" "$BIN" scan --format json --quiet "$TARGET" >/dev/null 2>&1 || true
python3 - "$OUT/strace.txt" "$NFILES" <<'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
rows = []
for line in open(path):
    parts = line.split()
    if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] not in ("total",):
        calls = int(parts[3]); name = parts[-1]
        rows.append((calls, name, parts[1]))
rows.sort(reverse=True)
total = sum(c for c, _, _ in rows)
print("  %-16s %10s %10s %10s" % ("syscall", "calls", "per file", "seconds"))
for c, name, secs in rows[:15]:
    print("  %-16s %10d %10.2f %10s" % (name, c, c / n, secs))
print("  %-16s %10d %10.2f" % ("total", total, total / n))
EOF
echo
echo "raw: $CG (callgrind_annotate / kcachegrind), $OUT/strace.txt"
