#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
# BASEFIT_RECORD_GOLDEN=1 re-records the golden files instead of comparing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# The root filesystems are made (mostly downloads, about 2.5 minutes on a fresh machine) while
# the build runs; the tests wait for them.
bash scripts/rootfs.sh &
rootfs=$!
swift build
# The self-contained tarball the release tests run in plain roots (.build/test-dist/): linked as
# a release is, from the objects the debug build just made (about half a minute; compiling the
# optimised release as well took CI about 15 minutes of its two cores). `bash scripts/release.sh`
# alone makes the optimised one in dist/.
if ! bash scripts/release.sh --from-debug >/dev/null; then
    echo "test.sh: scripts/release.sh --from-debug failed" >&2
    exit 1
fi
if ! wait "$rootfs"; then
    echo "test.sh: no root filesystems; their tests will be skipped" >&2
fi
swift test "$@"
# basefit's own container image, built from ./Dockerfile with buildah and run (about 10 s;
# needs root for buildah's chroot isolation).
if [[ $# -eq 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        bash scripts/container-test.sh
    else
        echo "test.sh: not root; scripts/container-test.sh skipped" >&2
    fi
fi
# Fuzz smoke run: every fuzz target built with AddressSanitizer and run on its seeds
# plus 500 mutations (about a minute). The long run is `bash scripts/fuzz.sh`.
if [[ $# -eq 0 ]]; then
    bash scripts/fuzz.sh --runs 500
fi
