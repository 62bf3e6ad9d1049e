#!/usr/bin/env bash
# check --image on a ~95 MB (compressed) image from a loopback registry, against the same
# machine's `skopeo copy docker://… oci:DIR` plus `tar -x` of its layers, and a second check
# of the same digest (cache). From the repository root:
#
#   bash Benchmarks/registry-check.sh        # ~2 min; needs root, docker-registry, umoci, skopeo
#
# BASEFIT=path benchmarks that binary (default: builds .build/release/basefit);
# ROOTFS (default /var/cache/basefit/rootfs/bookworm) is the root made into the image;
# RUNS (default 3) cold runs of each side. Writes $BENCH_WORK/registry-results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_WORK:-/tmp/basefit-bench}/registry
runs=${RUNS:-3}
rootfs=${ROOTFS:-/var/cache/basefit/rootfs/bookworm}
rm -rf "$work"
mkdir -p "$work"
if [[ -z "${BASEFIT:-}" ]]; then
    swift build -c release --product basefit >/dev/null
    cp .build/release/basefit "$work/basefit"
    BASEFIT=$work/basefit
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bash scripts/registry-fixture.sh config "$work/registry" "$port"
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true' EXIT
bash scripts/registry-fixture.sh wait "$port"
bash scripts/registry-fixture.sh image "$rootfs" "$work/layout" bench amd64
bash scripts/registry-fixture.sh push "$work/layout:bench" "127.0.0.1:$port/bench:1"
ref="127.0.0.1:$port/bench:1"
compressed=$(skopeo inspect --raw --tls-verify=false "docker://$ref" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))')
probe=Fixtures/elf/hello-glibc

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

skopeo_times=() basefit_times=() warm_times=()
for run in $(seq 1 "$runs"); do
    rm -rf "$work/oci" "$work/root"
    mkdir -p "$work/root"
    start=$(now)
    skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$work/oci:bench"
    manifest=$(python3 -c "import json; print(json.load(open('$work/oci/index.json'))['manifests'][0]['digest'].split(':')[1])")
    for layer in $(python3 -c "import json; print(' '.join(l['digest'].split(':')[1] for l in json.load(open('$work/oci/blobs/sha256/$manifest'))['layers']))"); do
        tar -xzf "$work/oci/blobs/sha256/$layer" -C "$work/root" 2>/dev/null
    done
    skopeo_times+=("$(elapsed "$start" "$(now)")")

    rm -rf "$work/cache"
    start=$(now)
    BASEFIT_CACHE_DIR=$work/cache "$BASEFIT" check "$probe" --image "docker://$ref" --tls-verify=false --quiet >/dev/null
    basefit_times+=("$(elapsed "$start" "$(now)")")
    start=$(now)
    BASEFIT_CACHE_DIR=$work/cache "$BASEFIT" check "$probe" --image "docker://$ref" --tls-verify=false --quiet >/dev/null
    warm_times+=("$(elapsed "$start" "$(now)")")
done
rm -rf "$work/oci" "$work/root"
cold=$(median "${basefit_times[@]}")
copy=$(median "${skopeo_times[@]}")
warm=$(median "${warm_times[@]}")
{
    echo "image: $ref, $compressed bytes of compressed layers (from $rootfs)"
    echo "skopeo copy + tar -x (median of $runs): ${copy} s   [${skopeo_times[*]}]"
    echo "basefit check --image, cold cache:      ${cold} s   [${basefit_times[*]}]"
    echo "basefit check --image, same digest:     ${warm} s   [${warm_times[*]}]"
    python3 -c "print(f'ratio cold / (skopeo + tar): {$cold / $copy:.2f}')"
} | tee "$work/../registry-results.txt"
