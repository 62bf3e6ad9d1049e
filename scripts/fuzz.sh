#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (AddressSanitizer on) and runs each one.
#
#   bash scripts/fuzz.sh                 # the long run: 10 minutes per target (60 minutes)
#   bash scripts/fuzz.sh --runs 500      # a smoke run (CI): 500 executions per target
#   bash scripts/fuzz.sh --time 60 FuzzELF    # one target for a minute
#
# Seeds come from the committed fixtures (Fuzz/seeds.sh); new inputs the fuzzer
# finds go to .build-fuzz/corpus/<target>. A crash, leak-free OOM or timeout stops
# the run with a non-zero exit and leaves the input in .build-fuzz/artifacts/<target>;
# turn it into a regression fixture under Fixtures/hostile/fuzz and a test.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=""
seconds="600"
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; seconds=""; shift 2 ;;
        --time) seconds="$2"; runs=""; shift 2 ;;
        -h|--help) sed -n 2,12p "$0"; exit 0 ;;
        Fuzz*) targets+=("$1"); shift ;;
        *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(FuzzELF FuzzWheel FuzzDeflateTail FuzzDockerfile FuzzCatalogData FuzzPnPState)

work="$PWD/.build-fuzz"
swift build --package-path Fuzz --scratch-path "$work/build" -c debug \
    -Xswiftc -sanitize=fuzzer,address 2>&1 \
    | grep -v "Cannot export local symbol" >&2
bin="$(swift build --package-path Fuzz --scratch-path "$work/build" -c debug --show-bin-path)"

bash Fuzz/seeds.sh "$work/seeds"

# Known, bounded leaks in dependencies (see the file); any other leak fails the run.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"

status=0
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    # A smoke run is repeatable (fixed seed); a long run explores.
    if [[ -n "$seconds" ]]; then limit=(-max_total_time="$seconds"); else limit=(-runs="$runs" -seed=1); fi
    echo "== $target (${limit[*]})" >&2
    # -rss_limit_mb: a parser that allocates without bound is a failure, not a slow run.
    # -timeout: one input taking more than 10 s is a hang.
    if ! "$bin/$target" "$corpus" "$work/seeds/$target" "${limit[@]}" \
        -max_len=262144 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" 2>"$work/$target.log"; then
        status=1
        echo "fuzz.sh: $target FAILED; input and log: $artifacts/, $work/$target.log" >&2
        grep -E "Swift runtime failure|Fatal error|ERROR|SUMMARY| at $PWD/Sources|Test unit written" "$work/$target.log" | head -20 >&2 || tail -30 "$work/$target.log" >&2
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$target.log" | sed "s/^/$target /" >&2 || true
done
exit $status
