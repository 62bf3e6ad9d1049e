#!/usr/bin/env python3
"""Builds the two tiny wheels of the test index for lockfile pins whose wheels need something
of the image, and the index directory that serves them (index_server.py --root OUT):

  bfdemo-pq 1.0   bfdemo_pq-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
                  bfdemo_pq/_pq.abi3.so NEEDs libpq.so.5 (not bundled: the image must provide it)
                  and libbfhelper-5f1e2d3c.so.1, bundled in bfdemo_pq.libs/ (RUNPATH $ORIGIN/../bfdemo_pq.libs).
                  The index lists requires-python >=3.9; METADATA says Requires-External: libpq.
  bfdemo-cxx 1.0  bfdemo_cxx-1.0-cp39-abi3-manylinux_2_28_x86_64.whl
                  bfdemo_cxx/_cxx.abi3.so needs GLIBCXX_3.4.32 (std::ios_base_library_init) from
                  libstdc++.so.6: Debian 12 has 3.4.30, Debian 13 3.4.33. The index lists no
                  requires-python; its METADATA (PEP 658, with the hash in core-metadata) says >=3.10.

Both are real CPython extension modules (limited API), linked against stub libraries with a
version script, so they load and import where the image has what they need.

  python3 Fixtures/pypi/demo/build.py [--out Fixtures/pypi/demo/index]

Needs gcc and CPython's headers (python3-dev). Reproducible: no build IDs, fixed zip times.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CFLAGS = ["-O2", "-fPIC", "-g0", "-Wl,--build-id=none", "-ffile-prefix-map=%s=." % HERE, "-s"]


def run(*args):
    subprocess.run(args, check=True)


def stubs(tmp):
    """libpq.so.5 and a libstdc++.so.6 that defines GLIBCXX_3.4.32, for linking only."""
    stub = os.path.join(tmp, "stub")
    os.makedirs(stub)
    script = os.path.join(tmp, "glibcxx.map")
    with open(script, "w") as f:
        f.write("GLIBCXX_3.4.32 { global: _ZSt21ios_base_library_initv; local: *; };\n")
    src = os.path.join(HERE, "stubs.c")
    run("gcc", *CFLAGS, "-shared", "-Wl,-soname,libpq.so.5", "-o", os.path.join(stub, "libpq.so.5"), src)
    run("gcc", *CFLAGS, "-shared", "-Wl,-soname,libstdc++.so.6", "-Wl,--version-script=" + script,
        "-o", os.path.join(stub, "libstdc++.so.6"), src)
    return stub


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def make_wheel(out, filename, dist, version, tag, members, metadata):
    """members: {path in wheel: bytes}. Returns the METADATA bytes."""
    info = "%s-%s.dist-info" % (dist, version)
    wheel = "Wheel-Version: 1.0\nGenerator: basefit-fixtures\nRoot-Is-Purelib: false\nTag: %s\n" % tag
    files = dict(members)
    files[info + "/METADATA"] = metadata.encode()
    files[info + "/WHEEL"] = wheel.encode()
    record = [record_line(name, data) for name, data in files.items()] + [info + "/RECORD,,"]
    files[info + "/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(os.path.join(out, filename), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = (0o755 if name.endswith(".so") or ".so." in name else 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    return files[info + "/METADATA"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(HERE, "index"))
    args = parser.parse_args()
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        sys.exit("no Python.h under %s: apt-get install python3-dev" % include)
    files_dir = os.path.join(args.out, "files")
    projects_dir = os.path.join(args.out, "projects")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(files_dir)
    os.makedirs(projects_dir)
    with tempfile.TemporaryDirectory() as tmp:
        stub = stubs(tmp)
        helper_name = "libbfhelper-5f1e2d3c.so.1"
        helper = os.path.join(tmp, helper_name)
        run("gcc", *CFLAGS, "-shared", "-Wl,-soname," + helper_name, "-o", helper, os.path.join(HERE, "helper.c"))
        pq = os.path.join(tmp, "_pq.abi3.so")
        run("gcc", *CFLAGS, "-shared", "-I" + include, "-o", pq, os.path.join(HERE, "pq.c"),
            "-L" + stub, "-l:libpq.so.5", "-L" + tmp, "-l:" + helper_name,
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../bfdemo_pq.libs")
        cxx = os.path.join(tmp, "_cxx.abi3.so")
        run("gcc", *CFLAGS, "-shared", "-I" + include, "-o", cxx, os.path.join(HERE, "cxx.c"), "-L" + stub, "-l:libstdc++.so.6")
        read = lambda path: open(path, "rb").read()
        wheels = [
            ("bfdemo-pq", "bfdemo_pq-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "bfdemo_pq",
             "cp39-abi3-manylinux_2_17_x86_64\nTag: cp39-abi3-manylinux2014_x86_64",
             {"bfdemo_pq/__init__.py": b"", "bfdemo_pq/_pq.abi3.so": read(pq), "bfdemo_pq.libs/" + helper_name: read(helper)},
             "Metadata-Version: 2.1\nName: bfdemo-pq\nVersion: 1.0\nRequires-Python: >=3.9\nRequires-External: libpq\n", ">=3.9"),
            ("bfdemo-cxx", "bfdemo_cxx-1.0-cp39-abi3-manylinux_2_28_x86_64.whl", "bfdemo_cxx", "cp39-abi3-manylinux_2_28_x86_64",
             {"bfdemo_cxx/__init__.py": b"", "bfdemo_cxx/_cxx.abi3.so": read(cxx)},
             "Metadata-Version: 2.1\nName: bfdemo-cxx\nVersion: 1.0\nRequires-Python: >=3.10\n", None),
        ]
        for project, filename, dist, tag, members, metadata, requires in wheels:
            meta = make_wheel(files_dir, filename, dist, "1.0", tag, members, metadata)
            with open(os.path.join(files_dir, filename + ".metadata"), "wb") as f:
                f.write(meta)
            data = read(os.path.join(files_dir, filename))
            entry = {"filename": filename, "url": "https://files.invalid/" + filename,
                     "hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "size": len(data), "yanked": False,
                     "core-metadata": {"sha256": hashlib.sha256(meta).hexdigest()}}
            if requires:
                entry["requires-python"] = requires
            page = {"meta": {"api-version": "1.1"}, "name": project, "files": [entry], "versions": ["1.0"]}
            with open(os.path.join(projects_dir, project + ".json"), "w") as f:
                json.dump(page, f, indent=1, sort_keys=True)
            print("%s: %d bytes" % (filename, len(data)))


if __name__ == "__main__":
    main()
