#!/usr/bin/env bash
# Installs a basefit release: downloads basefit-<version>-linux-<arch>.tar.gz and SHA256SUMS
# from a release URL, verifies the tarball against SHA256SUMS and the files inside against
# their own SHA256SUMS, unpacks it, and prints the path of the binary. Used by action.yml and
# the pre-commit hook; the GitLab template does the same inline.
#
#   bash ci/install.sh VERSION RELEASE_URL [DESTINATION]
#
# RELEASE_URL is the directory holding the release's files, e.g.
# https://github.com/OWNER/basefit/releases/download/v0.1.0 (file:// URLs work too).
# DESTINATION defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/basefit/releases; an installed and
# verified version is reused. The architecture is this machine's (uname -m: x86_64, aarch64).
set -euo pipefail
version=${1:?usage: install.sh VERSION RELEASE_URL [DESTINATION]}
url=${2:?usage: install.sh VERSION RELEASE_URL [DESTINATION]}
destination=${3:-${XDG_CACHE_HOME:-$HOME/.cache}/basefit/releases}
version=${version#v}
case $(uname -m) in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "install.sh: no basefit release for $(uname -m)" >&2; exit 2 ;;
esac
name=basefit-$version-linux-$arch
if [[ -x $destination/$name/basefit ]] && (cd "$destination/$name" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1; then
    echo "$destination/$name/basefit"
    exit 0
fi
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
fetch() {
    curl --proto '=https,file' --tlsv1.2 -fsSL --retry 3 -o "$download/$1" "${url%/}/$1" \
        || { echo "install.sh: cannot download ${url%/}/$1" >&2; exit 2; }
}
fetch "$name.tar.gz"
fetch SHA256SUMS
# The tarball's own line in SHA256SUMS, and nothing else, must match.
line=$(grep -E "^[0-9a-f]{64}  $name\.tar\.gz$" "$download/SHA256SUMS" || true)
if [[ -z $line ]]; then
    echo "install.sh: SHA256SUMS at $url does not list $name.tar.gz" >&2
    exit 2
fi
if ! (cd "$download" && sha256sum --quiet -c - <<<"$line"); then
    echo "install.sh: $name.tar.gz does not match its SHA256SUMS line: refusing it" >&2
    exit 2
fi
mkdir -p "$destination"
rm -rf "${destination:?}/$name"
tar -xzf "$download/$name.tar.gz" -C "$destination"
if ! (cd "$destination/$name" && sha256sum --quiet -c SHA256SUMS); then
    echo "install.sh: the files in $name.tar.gz do not match their SHA256SUMS: refusing them" >&2
    rm -rf "${destination:?}/$name"
    exit 2
fi
echo "$destination/$name/basefit"
