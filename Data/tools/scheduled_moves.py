#!/usr/bin/env python3
"""Floating tags that moved between the tag snapshot (tagsAsOf, 2026-08-21) and the catalog
snapshot (2026-11-30), on dates their projects fixed in advance. derive_tags.py reads the tags
official-images held on its commit; a floating tag that has since moved to another line would
still be judged as the old line, with another runtime (and libc) than the image it pulls.

Each move either gives the tags to the rows of the new line, when the catalog has them, or takes
them away (the tag is then not in the catalog: exit 2), when it does not.

  - node `lts*`: docker-node versions.json @ f27d936f (2026-08-19) gives "26" "lts": "2026-10-28"
    and "debian-default": "trixie"; stackbrew.js tags a line `lts`, `lts-slim`, `lts-alpine` … once
    `now >= lts`. From 2026-10-28 those are Node 26 (the catalog has its rows). `lts-krypton`
    (Node 24's codename) and `lts-alpine3.20`…`3.22` (no Node 26 build) stay on Node 24.
  - python `3*`, `latest`, `slim*`, `alpine*`, `bookworm`, `trixie`: peps.python.org
    release-cycle.json gives 3.15 "first_release": "2026-10-01" (PEP 790); official-images moves
    `3`/`latest` to a new CPython on its release day (92b80e388d, 3.14.0 on 2025-10-07). The
    catalog has no 3.15 rows: the tags are taken away.
  - cgr.dev/chainguard/python (`:latest`, `:latest-dev`): Chainguard's free tier tags only `latest`,
    which moves to each new CPython minor (the row was read at 3.14 on 2026-08-22). From 3.15's
    release it is an image the catalog has not read: the row is taken away.

A tag taken away is recorded in its family file's `retiredTags` (tag, since, formerly, why,
source), so that `basefit check --base python:3-slim` says why the tag is not in the catalog and
which line it was, instead of only "not in the catalog".

Idempotent. Run after derive_tags.py (which calls it), then scripts/embed-catalog.py.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(ROOT, 'Data', 'images')

NODE_LTS_FROM = '2026-10-28'
NODE_SOURCE = 'nodejs/docker-node versions.json @ f27d936f ("26": lts 2026-10-28, debian-default trixie) and stackbrew.js'
PYTHON_315_FROM = '2026-10-01'
PYTHON_SOURCE = 'peps.python.org/api/release-cycle.json (3.15 first_release 2026-10-01, PEP 790)'


def node_lts_target(tag):
    """The Node 26 row a `node:lts…` tag names, or None when it stays on Node 24."""
    rest = tag[len('node:lts'):]
    if rest in ('', '-slim'):
        return 'node:26-trixie' + rest
    if rest in ('-trixie', '-trixie-slim', '-bookworm', '-bookworm-slim', '-bullseye', '-bullseye-slim', '-alpine3.24', '-alpine3.23'):
        return 'node:26' + rest
    if rest == '-alpine':
        return 'node:26-alpine3.24'
    return None


def python_floats(tag):
    """True for a python tag without a minor version (it names the newest CPython)."""
    name, _, version = tag.partition(':')
    return name == 'python' and (version == '' or not re.match(r'^\d+\.\d+', version))


def retire(document, tag, formerly, why):
    """Records in a family file that `tag` was taken away from `formerly` (None: the row went too)."""
    entries = document.setdefault('retiredTags', [])
    if any(e['tag'] == tag for e in entries):
        return
    entry = {'tag': tag, 'since': PYTHON_315_FROM, 'why': why, 'source': PYTHON_SOURCE}
    if formerly:
        entry['formerly'] = formerly
    entries.append(entry)
    entries.sort(key=lambda e: e['tag'])


CHAINGUARD_PYTHON = 'cgr.dev/chainguard/python'


def apply(files):
    """Moves the tags in `files` ({filename: family document}) in place; returns what moved."""
    rows = {r['reference']: r for d in files.values() for r in d['images']}
    family_of = {r['reference']: d for d in files.values() for r in d['images']}
    moved = []
    for row in list(rows.values()):
        for tag in list(row.get('tags', [])):
            if tag.startswith('node:lts') and row['reference'].startswith('node:24'):
                target = node_lts_target(tag)
                if target and target in rows:
                    row['tags'].remove(tag)
                    if tag not in rows[target]['tags']:
                        rows[target]['tags'].append(tag)
                    moved.append(f'{tag}: {row["reference"]} -> {target} (from {NODE_LTS_FROM})')
            elif python_floats(tag) and row['reference'].startswith('python:3.14'):
                row['tags'].remove(tag)
                retire(family_of[row['reference']], tag, row['reference'],
                       'it names CPython 3.15 from then, and the catalog has no 3.15 rows')
                moved.append(f'{tag}: {row["reference"]} -> not in the catalog (CPython 3.15 from {PYTHON_315_FROM})')
    if CHAINGUARD_PYTHON in rows:
        document = family_of[CHAINGUARD_PYTHON]
        row = rows[CHAINGUARD_PYTHON]
        for tag in [CHAINGUARD_PYTHON] + row.get('tags', []):
            retire(document, tag, None,
                   'its only free tag, latest, moves to each new CPython minor and names CPython 3.15 from then, an image '
                   'the catalog has not read (it read 3.14 on 2026-08-22, chainguard-images/images @ cd7edd236)')
            moved.append(f'{tag}: {CHAINGUARD_PYTHON} -> not in the catalog (CPython 3.15 from {PYTHON_315_FROM})')
        document['images'].remove(row)
    notes = {'node': f'Floating lts tags moved to Node 26 on {NODE_LTS_FROM} ({NODE_SOURCE}); Data/tools/scheduled_moves.py.',
             'python': f'Floating tags without a minor version (python:3, latest, slim, alpine …) name CPython 3.15 since {PYTHON_315_FROM} '
                       f'({PYTHON_SOURCE}); the catalog has no 3.15 rows, so they are not in it (Data/tools/scheduled_moves.py).'}
    for d in files.values():
        note = notes.get(d['family'])
        if note and 'moves' not in d.get('tagsAsOf', {}):
            d['tagsAsOf']['moves'] = note
    return moved


def main():
    files = {}
    for fn in sorted(os.listdir(IMAGES)):
        with open(os.path.join(IMAGES, fn), encoding='utf-8') as h:
            files[fn] = json.load(h)
    moved = apply(files)
    for fn, d in files.items():
        with open(os.path.join(IMAGES, fn), 'w', encoding='utf-8') as h:
            json.dump(d, h, indent=2, ensure_ascii=False)
            h.write('\n')
    for line in moved:
        print(line)
    print(f'{len(moved)} tags moved', file=sys.stderr)


if __name__ == '__main__':
    main()
