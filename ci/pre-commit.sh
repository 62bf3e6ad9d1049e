#!/usr/bin/env bash
# The pre-commit hook's entry (.pre-commit-hooks.yaml): `basefit check "$@"` with the basefit
# release of the hook's own revision, downloaded once into ${XDG_CACHE_HOME:-~/.cache}/basefit
# and verified against SHA256SUMS (ci/install.sh). A basefit on PATH is not used: the hook
# runs the version its `rev:` names. BASEFIT_RELEASE_URL overrides where releases come from
# (default: the hook repository's GitHub releases).
set -euo pipefail
hook=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^ *static let version = "\([0-9][^"]*\)".*/\1/p' "$hook/Sources/basefit/Basefit.swift" | head -n 1)
if [[ -z $version ]]; then
    echo "basefit pre-commit: cannot tell this hook's basefit version from Sources/basefit/Basefit.swift" >&2
    exit 2
fi
url=${BASEFIT_RELEASE_URL:-}
if [[ -z $url ]]; then
    origin=$(git -C "$hook" remote get-url origin 2>/dev/null || true)
    origin=${origin%.git}
    origin=${origin/#git@github.com:/https://github.com/}
    if [[ $origin != https://* ]]; then
        echo "basefit pre-commit: set BASEFIT_RELEASE_URL (the hook repository's origin '$origin' is not an https URL)" >&2
        exit 2
    fi
    url=$origin/releases/download/v$version
fi
binary=$(bash "$hook/ci/install.sh" "$version" "$url")
exec "$binary" check "$@"
