#!/usr/bin/env bash
# Installs the Debian packages basefit builds and tests with, when missing.
# Needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(libelf-dev libsqlite3-dev zlib1g-dev libdeflate-dev libarchive-dev pkg-config binutils util-linux debootstrap time python3)
# Registry tests: a loopback CNCF distribution registry (htpasswd from apache2-utils), images
# assembled with umoci, pushed with skopeo, built and run with buildah (as root).
packages+=(docker-registry apache2-utils umoci skopeo buildah curl g++)
# What scripts/release.sh links statically and scripts/rootfs.sh runs arm64 loaders with:
# installed here, so neither needs apt while scripts/test.sh runs them side by side.
packages+=(libbz2-dev liblzma-dev libzstd-dev liblz4-dev qemu-user-static)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "deps.sh: installing ${missing[*]}" >&2
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# auditwheel (PyPI) is the peer the wheel tests compare against; optional.
if ! command -v auditwheel >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 \
    && python3 -m pip --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check auditwheel==6.8.2 >/dev/null 2>&1 \
        || echo "deps.sh: could not install auditwheel; the auditwheel comparison tests will be skipped" >&2
fi
