#!/usr/bin/env bash
# Write Fixtures/projects/wheels/AUDITWHEEL.md: `auditwheel show` (text and --json) on every
# wheel in Fixtures/projects/wheels/, verbatim, as reference facts for basefit's tests.
#
#   pip install auditwheel==6.8.2 && bash Fixtures/src/projects/auditwheel-report.sh
#
# Not run by build.sh: the output belongs to one auditwheel version (recorded in the file).
# PYTHONHASHSEED=0 fixes the order in which auditwheel prints its Python sets.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
W="$HERE/projects/wheels"
OUT="$W/AUDITWHEEL.md"
export LC_ALL=C PYTHONHASHSEED=0 COLUMNS=80
command -v auditwheel >/dev/null || { echo "pip install auditwheel first" >&2; exit 1; }
ver="$(python3 -c 'import importlib.metadata as m; print(m.version("auditwheel"))')"

{
    echo "# auditwheel show on wheels/"
    echo
    echo "Reference facts for basefit's tests: the output of \`auditwheel show WHEEL\` and"
    echo "\`auditwheel show --json WHEEL\` for every wheel in this directory, verbatim (stdout, then"
    echo "stderr if any, then the exit status). Written by \`Fixtures/src/projects/auditwheel-report.sh\`."
    echo
    echo "- auditwheel $ver (from PyPI, \`pip install auditwheel\`), Python $(python3 -c 'import platform; print(platform.python_version())')"
    echo "- host: $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -m); \`PYTHONHASHSEED=0\` (auditwheel prints Python sets)"
    echo "- \`show\` judges the wheel's own ELF files against auditwheel's policies; only the"
    echo "  search for external libraries (\`--ldpaths\`, default from the host's ld.so.conf) looks at the host."
    for whl in $(cd "$W" && ls -1 *.whl | sort); do
        for mode in text json; do
            args=(); [ "$mode" = json ] && args=(--json)
            set +e
            (cd "$W" && auditwheel show "${args[@]}" "$whl") >"$W/.aw.out" 2>"$W/.aw.err"
            rc=$?
            set -e
            echo
            if [ "$mode" = text ]; then echo "## $whl"; echo; fi
            echo "\`auditwheel show ${args[*]:+${args[*]} }$whl\` — exit $rc"
            echo
            echo '```'
            cat "$W/.aw.out"
            echo '```'
            if [ -s "$W/.aw.err" ]; then
                echo
                echo "stderr:"
                echo
                echo '```'
                cat "$W/.aw.err"
                echo '```'
            fi
        done
    done
} > "$OUT"
rm -f "$W/.aw.out" "$W/.aw.err"
echo "wrote $OUT"
