#!/usr/bin/env python3
"""Fills `tags` on every row of Data/images/*.json and `tagsAsOf` on each family file.

Docker Hub official images (node, python, debian, buildpack-deps, alpine, ubuntu, busybox, amazonlinux):
read from a local git checkout of docker-library/official-images at one commit. Every Linux entry of
library/<name> is matched to the catalog row whose reference is one of the entry's Tags; the row gets all
of that entry's Tags and SharedTags, written `name:tag` (plus the bare `name` when the entry carries
`latest`). Rows marked `discontinued` get the tags of the last commit at which their entry existed, minus
every tag a current row already holds (a tag is on exactly one row).

Version-precise tags are left out (the CLI maps them to the line's row by rule): node X.Y and X.Y.Z
(`22.23-slim`, `22.23.2-slim`), python X.Y.Z and release candidates, alpine X.Y.Z, debian point releases
and dated builds (`12.15-slim`, `bookworm-20260803-slim`), ubuntu dated builds, busybox X.Y.Z, amazonlinux
build numbers.

Other registries follow their documentation: distroless `:latest`, `:nonroot`, `:debug`, `:debug-nonroot`
(and the unsuffixed names for -debian13, distroless README), Chainguard `:latest` / `:latest-dev`,
UBI `:latest` plus the Docker Hub mirror names pinned in official-images .external-pins/redhat/.

usage: derive_tags.py <official-images git dir> <commit>     (run from the repository root)
"""
import json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(ROOT, 'Data', 'images')
HUB = ['node', 'python', 'debian', 'buildpack-deps', 'alpine', 'ubuntu', 'busybox', 'amazonlinux']
PRECISE = {
    'node': [r'^\d+\.\d+'],
    'python': [r'^\d+\.\d+\.\d+', r'rc'],
    'alpine': [r'^\d+\.\d+\.\d+', r'^\d{8}$', r'^edge$'],
    'debian': [r'\d{8}', r'^\d+\.\d+'],
    'ubuntu': [r'\d{8}'],
    'busybox': [r'^\d+\.\d+\.\d+'],
    'amazonlinux': [r'^\d+\.\d+\.'],
    'buildpack-deps': [],
}
# entries whose tags name no row: map one of their tags to the row that has the same content
ALIASES = {
    # Debian suite names at the snapshot (debian.org releases): stable = trixie, oldstable = bookworm, oldoldstable = bullseye
    ('debian', 'stable'): 'debian:trixie', ('debian', 'stable-slim'): 'debian:trixie-slim',
    ('debian', 'oldstable'): 'debian:bookworm', ('debian', 'oldstable-slim'): 'debian:bookworm-slim',
    ('debian', 'oldoldstable'): 'debian:bullseye', ('debian', 'oldoldstable-slim'): 'debian:bullseye-slim',
    # busybox's unsuffixed tags are the glibc build (arm/v6: musl), see the row notes
    ('busybox', '1.38'): 'busybox:1.38-glibc', ('busybox', '1.37'): 'busybox:1.37-glibc',
}


def git(repo, *args):
    return subprocess.run(['git', '-C', repo, *args], capture_output=True, text=True, check=True).stdout


def entries(text):
    for block in text.split('\n\n'):
        e = {}
        for line in block.splitlines():
            if ':' in line and not line.startswith('#'):
                k, v = line.split(':', 1)
                e[k.strip()] = v.strip()
        if 'Tags' in e and 'windows' not in e.get('Architectures', ''):
            yield [t.strip() for t in (e['Tags'] + ',' + e.get('SharedTags', '')).split(',') if t.strip()]


def keep(name, tag):
    return not any(re.search(p, tag) for p in PRECISE[name])


def spell(name, tags):
    out = [f'{name}:{t}' for t in tags if keep(name, t)]
    if 'latest' in tags:
        out.insert(0, name)
    return out


def match(name, tags, refs):
    for t in tags:
        if f'{name}:{t}' in refs:
            return f'{name}:{t}'
    for t in tags:
        if ALIASES.get((name, t)) in refs:
            return ALIASES[(name, t)]
    return None


def main():
    repo, commit = sys.argv[1], sys.argv[2]
    date = git(repo, 'log', '-1', '--format=%cs', commit).strip()
    short = git(repo, 'rev-parse', '--short=10', commit).strip()
    files = {}
    for fn in sorted(os.listdir(IMAGES)):
        with open(os.path.join(IMAGES, fn), encoding='utf-8') as h:
            files[fn] = json.load(h)
    rows = {r['reference']: r for d in files.values() for r in d['images']}
    for r in rows.values():
        r['tags'] = []
    owner = {}

    def give(ref, tags, replace=False):
        for t in tags:
            if t in owner and owner[t] != ref:
                if not replace:
                    continue
                rows[owner[t]]['tags'].remove(t)
            if t not in rows[ref]['tags']:
                rows[ref]['tags'].append(t)
                owner[t] = ref

    sources = {}
    for name in HUB:
        refs = {ref for ref in rows if ref == name or ref.startswith(name + ':')}
        fcommit = git(repo, 'log', '-1', '--format=%h %cs', commit, '--', f'library/{name}').split()
        sources[name] = f'docker-library/official-images library/{name} @ {fcommit[0]} ({fcommit[1]}; tree {short}, {date})'
        for tags in entries(git(repo, 'show', f'{commit}:library/{name}')):
            ref = match(name, tags, refs)
            if ref:
                give(ref, spell(name, tags))
        # discontinued rows: their last published entry, newest history first
        gone = [ref for ref in refs if rows[ref].get('discontinued') and not rows[ref]['tags']]
        if gone:
            log = git(repo, 'log', '--format=%H %cs', commit, '--', f'library/{name}').split('\n')
            for line in log:
                if not gone or not line:
                    break
                c, d = line.split()
                for tags in entries(git(repo, 'show', f'{c}:library/{name}')):
                    ref = match(name, tags, set(gone))
                    if ref:
                        give(ref, spell(name, tags))
                        rows[ref]['tagsLastSeen'] = f'{c[:10]} ({d})'
                        gone.remove(ref)
    # other registries, by their documentation
    for ref, r in rows.items():
        if ref.startswith('gcr.io/distroless/'):
            names = [ref]
            if ref.endswith('-debian13'):
                names.append(ref[: -len('-debian13')])
            give(ref, [f'{n}:{t}' for n in names for t in ('latest', 'nonroot', 'debug', 'debug-nonroot')])
        elif ref.startswith('cgr.dev/chainguard/'):
            extra = {'cgr.dev/chainguard/node': ['latest-dev'], 'cgr.dev/chainguard/python': ['latest-dev'],
                     'cgr.dev/chainguard/static': ['latest-glibc']}.get(ref, [])
            give(ref, [f'{ref}:latest'] + [f'{ref}:{t}' for t in extra])
        elif ref.startswith('registry.access.redhat.com/'):
            major, kind = ref.split('/')[1], ref.split('/')[2]
            hub = f'redhat/{major}' if kind == 'ubi' else f'redhat/{major}-{kind[len("ubi-"):]}'
            pin = f'.external-pins/{hub.replace(":", "___")}___latest'
            pinned = subprocess.run(['git', '-C', repo, 'cat-file', '-e', f'{commit}:{pin}'], capture_output=True).returncode == 0
            give(ref, [f'{ref}:latest'] + ([hub, f'{hub}:latest'] if pinned else []))
        elif ref == 'scratch':
            give(ref, ['scratch'])
    for fn, d in files.items():
        fam = d['family']
        if fam in sources:
            d['tagsAsOf'] = {'date': date, 'source': sources[fam]}
        elif fam == 'debian':
            pass
        else:
            d['tagsAsOf'] = {'date': date, 'source': {
                'distroless': 'GoogleContainerTools/distroless README.md @ cd080764 (2026-08-21): tags latest, nonroot, debug, debug-nonroot; unsuffixed names select -debian13',
                'chainguard': 'chainguard-images/images images/*/locked_config.json and README.md @ cd7edd236 (2026-08-22): latest (+ latest-dev, static latest-glibc)',
                'ubi': f'registry.access.redhat.com/ubiN/<image>:latest; Docker Hub mirrors from docker-library/official-images .external-pins/redhat/ @ {short} ({date})',
                'scratch': 'reserved name (Docker docs)'}.get(fam, 'documentation')}
    # debian.json holds debian and buildpack-deps rows: name both sources
    dd = files['debian.json']
    dd['tagsAsOf'] = {'date': date, 'source': sources['debian'] + '; ' + sources['buildpack-deps']}
    # order keys: put tags right after reference
    for fn, d in files.items():
        new = []
        for r in d['images']:
            o = {'reference': r['reference'], 'tags': r['tags']}
            o.update({k: v for k, v in r.items() if k not in o})
            new.append(o)
        d['images'] = new
        order = ['family', 'notes', 'tagsAsOf', 'images']
        d2 = {k: d[k] for k in order if k in d}
        d2.update({k: v for k, v in d.items() if k not in d2})
        with open(os.path.join(IMAGES, fn), 'w', encoding='utf-8') as h:
            json.dump(d2, h, indent=2, ensure_ascii=False)
            h.write('\n')
    untagged = [ref for ref, r in rows.items() if not r['tags']]
    print(f'{sum(len(r["tags"]) for r in rows.values())} tags on {len(rows)} rows; untagged: {untagged}')


if __name__ == '__main__':
    main()
