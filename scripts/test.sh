#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
# BASEFIT_RECORD_GOLDEN=1 re-records the golden files instead of comparing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/rootfs.sh || echo "test.sh: no root filesystems; their tests will be skipped" >&2
swift build
swift test "$@"
# Fuzz smoke run: every fuzz target built with AddressSanitizer and run on its seeds
# plus 500 mutations (about a minute). The long run is `bash scripts/fuzz.sh`.
if [[ $# -eq 0 ]]; then
    bash scripts/fuzz.sh --runs 500
fi
