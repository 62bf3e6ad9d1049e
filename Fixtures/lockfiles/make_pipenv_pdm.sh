#!/usr/bin/env bash
# Regenerates python-pipenv/Pipfile.lock and python-pdm/pdm.lock from the committed Pipfile and
# pyproject.toml, with the real tools against the real PyPI (not run by build.sh or the tests;
# the locks are committed). The pins are python-ingest's (uv.lock); `develop` / the `dev` group
# adds typing-extensions. Needs python3 >= 3.9 and PyPI.
#   bash Fixtures/lockfiles/make_pipenv_pdm.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# pdm 2.29.4 imports hishel's 1.x storage API (hishel 2.0 removed it).
"$work/venv/bin/pip" install -q "pipenv==2026.10.3" "pdm==2.29.4" "hishel[httpx2]>=1.4.0,<2"
python=$(command -v python3)

cp "$here/python-pipenv/Pipfile" "$work/Pipfile"
(cd "$work" && PIPENV_IGNORE_VIRTUALENVS=1 "$work/venv/bin/pipenv" lock --python "$python")
cp "$work/Pipfile.lock" "$here/python-pipenv/Pipfile.lock"

mkdir "$work/pdm"
cp "$here/python-pdm/pyproject.toml" "$work/pdm/pyproject.toml"
(cd "$work/pdm" && "$work/venv/bin/pdm" lock)
cp "$work/pdm/pdm.lock" "$here/python-pdm/pdm.lock"
