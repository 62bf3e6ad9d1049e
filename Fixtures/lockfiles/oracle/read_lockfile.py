#!/usr/bin/env python3
"""Test oracle: reads a Python lockfile with Python's own readers and prints the pins as JSON.

TOML formats are read with tomllib (Python >= 3.11); Pipfile.lock with json (the `==` pins of
its `default` and `develop` sections); requirements files with pip's own
requirements-file parser (pip._internal, test-only) and packaging's Requirement. Output:
[{"name": normalised, "version": ..., "marker": ... or null, "files": [filenames] or null}, ...]
"""
import json
import os
import re
import sys


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def filename(entry):
    if "name" in entry:
        return entry["name"]
    if "file" in entry:
        return entry["file"]
    from urllib.parse import unquote, urlsplit
    return unquote(urlsplit(entry["url"]).path.rsplit("/", 1)[1])


def main(path):
    base = os.path.basename(path)
    pins = []
    if base.endswith(".txt"):
        from pip._internal.network.session import PipSession
        from pip._internal.req.req_file import parse_requirements
        from packaging.requirements import Requirement
        for parsed in parse_requirements(path, session=PipSession()):
            if parsed.is_editable:
                continue
            req = Requirement(parsed.requirement)
            specs = list(req.specifier)
            if req.url or len(specs) != 1 or specs[0].operator != "==":
                continue
            pins.append({"name": normalize(req.name), "version": specs[0].version,
                         "marker": str(req.marker) if req.marker else None, "files": None})
        print(json.dumps(pins))
        return
    if base == "Pipfile.lock":
        with open(path) as f:
            doc = json.load(f)
        seen = set()
        for section in ("default", "develop"):
            for name, entry in sorted(doc.get(section, {}).items()):
                if any(k in entry for k in ("git", "hg", "svn", "bzr", "path", "file")):
                    continue
                version = entry.get("version", "")
                if not version.startswith("==") or version.startswith("==="):
                    continue
                pin = (normalize(name), version[2:].strip(), entry.get("markers") or None)
                if pin not in seen:
                    seen.add(pin)
                    pins.append({"name": pin[0], "version": pin[1], "marker": pin[2], "files": None})
        print(json.dumps(pins))
        return
    import tomllib
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    if base == "pdm.lock":
        for p in doc.get("package", []):
            if any(k in p for k in ("git", "hg", "svn", "bzr", "path", "url")) or "version" not in p:
                continue
            files = p.get("files") or doc.get("metadata", {}).get("files", {}).get("%s %s" % (p["name"], p["version"]), [])
            pins.append({"name": normalize(p["name"]), "version": p["version"], "marker": p.get("marker") or None,
                         "files": [filename(f) for f in files] or None})
        print(json.dumps(pins))
        return
    if base == "uv.lock":
        for p in doc.get("package", []):
            if "registry" not in p.get("source", {}):
                continue
            files = ([p["sdist"]] if "sdist" in p else []) + p.get("wheels", [])
            pins.append({"name": normalize(p["name"]), "version": p["version"], "marker": None,
                         "files": [filename(f) for f in files]})
    elif base == "poetry.lock":
        for p in doc.get("package", []):
            files = p.get("files") or doc.get("metadata", {}).get("files", {}).get(p["name"], [])
            pins.append({"name": normalize(p["name"]), "version": p["version"], "marker": None,
                         "files": [filename(f) for f in files] or None})
    else:
        for p in doc.get("packages", []):
            if "version" not in p:
                continue
            files = ([p["sdist"]] if "sdist" in p else []) + p.get("wheels", [])
            pins.append({"name": normalize(p["name"]), "version": p["version"], "marker": p.get("marker"),
                         "files": [filename(f) for f in files] or None})
    print(json.dumps(pins))


if __name__ == "__main__":
    main(sys.argv[1])
