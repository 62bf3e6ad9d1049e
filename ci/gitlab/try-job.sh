#!/usr/bin/env bash
# Runs the basefit job of ci/gitlab/basefit.gitlab-ci.yml locally, the way a GitLab runner
# would run it in debian:bookworm-slim: its `script` lines, in order, in one bash, inside a
# copy of a debootstrapped bookworm root (scripts/rootfs.sh) standing in for the job image,
# with the project copied to /builds/project and the release served from a file:// URL.
# Needs root, python3 with PyYAML, and Debian's mirror (the job installs curl).
#
#   bash ci/gitlab/try-job.sh PROJECT_DIR [RELEASE_DIR (default dist/)]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
project=$(cd "${1:?usage: try-job.sh PROJECT_DIR [RELEASE_DIR]}" && pwd)
release=$(cd "${2:-$here/dist}" && pwd)
rootfs=${BASEFIT_ROOTFS_CACHE:-/var/cache/basefit/rootfs}/bookworm
[[ -f $rootfs/.basefit-complete ]] || bash "$here/scripts/rootfs.sh" bookworm
work=$(mktemp -d)
root=$work/root
cleanup() {
    # Never remove the copy while /proc is mounted in it.
    if mountpoint -q "$root/proc"; then umount "$root/proc" || return; fi
    rm -rf "$work"
}
trap cleanup EXIT
cp -a "$rootfs" "$root"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/release" "$root/builds"
cp "$release"/* "$root/release/"
cp -a "$project" "$root/builds/project"
python3 - "$here/ci/gitlab/basefit.gitlab-ci.yml" >"$root/job.sh" <<'PY'
import shlex, sys, yaml
template = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for name, value in template["variables"].items():
    print(f"export {name}={shlex.quote(str(value))}")
print("export BASEFIT_RELEASE_URL=file:///release")
for line in template[".basefit-check"]["script"]:
    print(f"echo {shlex.quote('$ ' + line.splitlines()[0] + (' …' if chr(10) in line.strip() else ''))}")
    print(line)
PY
status=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root \
    /bin/bash -e -c 'cd /builds/project && . /job.sh' || status=$?
echo "try-job.sh: job exit $status; artifacts: $(cd "$root/builds/project" && ls basefit-report.* 2>/dev/null | tr '\n' ' ')" >&2
exit "$status"
