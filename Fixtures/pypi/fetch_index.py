#!/usr/bin/env python3
"""Makes the local test index: PyPI's PEP 691 JSON of each project in PROJECTS, keeping the
pinned release and every newer one (what "which release would unblock Alpine?" looks at).
Wheels are not downloaded here: index_server.py fetches each file from PyPI on first request
and keeps it under ROOT/files (checked against PyPI's sha256).

  python3 Fixtures/pypi/fetch_index.py [--root /var/cache/basefit/wheels/index]
  python3 Fixtures/pypi/fetch_index.py --root ROOT --files NAME...
The second form downloads the named files of the made index into ROOT/files now, as
index_server.py would on first request (tests that read a wheel from disk need it there
whatever ran before them). Exit 3 when PyPI cannot be reached.
"""
import argparse
import json
import os
import re
import sys
import urllib.request

# name, pinned version: the Python fixtures' pins plus small wheels for the 20 KB end.
PROJECTS = [
    ("numpy", "2.1.3"), ("cryptography", "43.0.3"), ("orjson", "3.10.11"), ("pydantic-core", "2.23.4"),
    ("psycopg2", "2.9.10"), ("psycopg2-binary", "2.9.10"), ("markupsafe", "3.0.2"), ("cffi", "1.17.1"),
    ("typing-extensions", "4.12.2"), ("lxml", "5.3.0"), ("pywin32", "308"), ("pycparser", "3.12"),
]


def version_key(text):
    parts = []
    for piece in re.split(r"[.+-]", text):
        m = re.match(r"(\d+)(.*)", piece)
        parts.append((int(m.group(1)), m.group(2)) if m else (-1, piece))
    return parts


def release_of(filename, name):
    stem = re.sub(r"[-_.]+", "_", name).lower()
    low = filename.lower()
    if low.endswith(".whl"):
        return filename.split("-")[1]
    for ext in (".tar.gz", ".zip", ".tar.bz2"):
        if low.endswith(ext):
            base = filename[: -len(ext)]
            return base[len(stem) + 1:] if re.sub(r"[-_.]+", "_", base[: len(stem)]).lower() == stem else base.rsplit("-", 1)[-1]
    return None


def is_final(version):
    return re.fullmatch(r"[0-9.]+(\.post\d+)?", version) is not None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default="/var/cache/basefit/wheels/index")
    parser.add_argument("--files", nargs="+", metavar="NAME", help="download these files of the index")
    args = parser.parse_args()
    if args.files:
        download(args.root, args.files)
        return
    os.makedirs(os.path.join(args.root, "projects"), exist_ok=True)
    for name, pinned in PROJECTS:
        request = urllib.request.Request("https://pypi.org/simple/%s/" % name,
                                         headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                data = json.load(response)
        except OSError as error:
            print("cannot reach PyPI: %s" % error, file=sys.stderr)
            sys.exit(3)
        keep = []
        for file in data["files"]:
            version = release_of(file["filename"], name)
            if version is None or file.get("yanked"):
                continue
            if version == pinned or (is_final(version) and version_key(version) > version_key(pinned)):
                keep.append(file)
        data["files"] = keep
        data["versions"] = sorted({release_of(f["filename"], name) for f in keep}, key=version_key)
        with open(os.path.join(args.root, "projects", name + ".json"), "w") as out:
            json.dump(data, out)
        print("%s: %d files (%s and newer)" % (name, len(keep), pinned))


def download(root, names):
    """Each named file into ROOT/files (sha256 checked), by index_server's own download."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from index_server import Index
    index = Index(root, offline=False)
    for name in names:
        try:
            path = index.local_file(name)
        except OSError as error:
            print("cannot reach PyPI: %s" % error, file=sys.stderr)
            sys.exit(3)
        if path is None:
            print("%s: not a file of the index at %s" % (name, root), file=sys.stderr)
            sys.exit(2)


if __name__ == "__main__":
    main()
