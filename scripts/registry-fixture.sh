#!/usr/bin/env bash
# Test fixtures for basefit's registry support: a loopback CNCF distribution registry
# (Debian's docker-registry) and images assembled from debootstrapped roots with umoci,
# pushed with skopeo. Used by Tests/BasefitCLITests/Registry*Tests.swift and Benchmarks/.
#
#   registry-fixture.sh config DIR PORT [USER:PASS]  writes DIR/config.yml (htpasswd when USER:PASS)
#   registry-fixture.sh tls-config DIR PORT STORAGE  DIR/config.yml serving STORAGE over https with a
#                                                    self-signed certificate for 127.0.0.1 made in DIR
#   registry-fixture.sh start DIR PORT [USER:PASS]   config, then runs the registry in the background
#   registry-fixture.sh wait PORT                    until the registry answers /v2/
#   registry-fixture.sh stop DIR
#   registry-fixture.sh image ROOTFS LAYOUT TAG ARCH  OCI layout LAYOUT:TAG, one layer holding ROOTFS
#   registry-fixture.sh push LAYOUT:TAG DEST [USER:PASS]  skopeo copy to docker://DEST (plain http)
#   registry-fixture.sh index DEST AMD64_REF ARM64_REF  a two-platform image index at docker://DEST
set -euo pipefail
command=${1:?command}
shift
# write_config DIR PORT STORAGE [EXTRA]: DIR/config.yml; EXTRA is YAML appended under http:/top.
write_config() {
    local dir=$1 port=$2 storage=$3 extra=${4:-}
    mkdir -p "$storage"
    cat > "$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$extra
CONFIG
}
case "$command" in
tls-config)
    dir=$1 port=$2 storage=$3
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    write_config "$dir" "$port" "$storage" "  tls:
    certificate: $dir/cert.pem
    key: $dir/key.pem"
    ;;
config|start)
    dir=$1 port=$2 creds=${3:-}
    auth=""
    if [[ -n "$creds" ]]; then
        mkdir -p "$dir"
        htpasswd -Bbn "${creds%%:*}" "${creds#*:}" > "$dir/htpasswd"
        auth="auth:
  htpasswd:
    realm: basefit-test
    path: $dir/htpasswd"
    fi
    write_config "$dir" "$port" "$dir/storage" "$auth"
    [[ "$command" == config ]] && exit 0
    docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
    echo $! > "$dir/pid"
    exec "$0" wait "$port"
    ;;
wait)
    port=$1
    for _ in $(seq 1 100); do
        for scheme in http https; do
            code=$(curl -sk -o /dev/null -w '%{http_code}' "$scheme://127.0.0.1:$port/v2/" || true)
            if [[ "$code" == 200 || "$code" == 401 ]]; then exit 0; fi
        done
        sleep 0.1
    done
    echo "registry on $port did not start" >&2
    exit 1
    ;;
stop)
    dir=$1
    if [[ -f "$dir/pid" ]]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
    ;;
image)
    rootfs=$1 layout=$2 tag=$3 arch=$4
    [[ -d "$layout" ]] || umoci init --layout "$layout"
    umoci new --image "$layout:$tag"
    umoci config --image "$layout:$tag" --os linux --architecture "$arch" --config.cmd /bin/sh
    # GNU tar, not `umoci insert`: umoci 0.4.7's insert wrote a layer cut short for the
    # musl root (no end-of-archive blocks, the last file missing).
    layer=$(mktemp)
    tar -C "$rootfs" --numeric-owner --exclude=./.basefit-complete --exclude=./.basefit-seconds -cf "$layer" .
    umoci raw add-layer --image "$layout:$tag" "$layer"
    rm -f "$layer"
    umoci gc --layout "$layout"
    ;;
push)
    source=$1 dest=$2 creds=${3:-}
    args=(--dest-tls-verify=false)
    [[ -n "$creds" ]] && args+=(--dest-creds "$creds")
    skopeo copy -q "${args[@]}" "oci:$source" "docker://$dest"
    ;;
index)
    dest=$1 amd64=$2 arm64=$3
    storage=$(mktemp -d)
    trap 'rm -rf "$storage"' EXIT
    opts=(--root "$storage/root" --runroot "$storage/run" --storage-driver vfs)
    buildah "${opts[@]}" manifest create basefit-index >/dev/null
    buildah "${opts[@]}" manifest add --tls-verify=false basefit-index "docker://$amd64" >/dev/null
    buildah "${opts[@]}" manifest add --tls-verify=false basefit-index "docker://$arm64" >/dev/null
    buildah "${opts[@]}" manifest push --tls-verify=false --all basefit-index "docker://$dest" >/dev/null 2>&1
    ;;
*)
    echo "unknown command $command" >&2
    exit 2
    ;;
esac
