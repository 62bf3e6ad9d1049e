#!/usr/bin/env python3
"""Builds the tiny wheels of the pin-matching tests and the two index directories that serve
them (index_server.py --root OUT --offline). Every wheel holds one real gcc-built shared object:
good.so needs nothing; bad.so NEEDs libbfpinsbad.so.1, which no image provides, so an image
"loads" a pin only when basefit judged the good file (what pip picks, per the comments).

  index/  bfpin-local   1.0 (good), 1.0+cu1 (bad, same tag)      ==1.0: pip takes 1.0+cu1
          bfpin-zero    1.0.0 (bad)                               ==1.0: pip takes 1.0.0
          bfpin-build   1.0 build 1 (good), build 2 (bad)         pip takes the highest build
          bfpin-rp      1.0 (good), requires-python <=3.12        pip on 3.12.x (x >= 1) refuses it
          bfpin-pure    1.0 py3-none-any (bad)                    pip installs it everywhere
          bfpin-any     1.0 py3-none-manylinux_2_17_x86_64 (bad)  any CPython line takes it
          bfpin-idx     1.0 manylinux_2_17 (bad)
  index2/ bfpin-idx     1.0 manylinux_2_28 (good, a better tag)   asked only as an extra index

  python3 Fixtures/pypi/pins/build.py [--out Fixtures/pypi/pins]

Needs gcc. Reproducible: no build IDs, fixed zip times.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CP312 = "cp312-cp312-manylinux_2_17_x86_64"
SPEC = {
    "index": [
        ("bfpin-local", "1.0", None, CP312, "good", None),
        ("bfpin-local", "1.0+cu1", None, CP312, "bad", None),
        ("bfpin-zero", "1.0.0", None, CP312, "bad", None),
        ("bfpin-build", "1.0", "1", CP312, "good", None),
        ("bfpin-build", "1.0", "2", CP312, "bad", None),
        ("bfpin-rp", "1.0", None, CP312, "good", "<=3.12"),
        ("bfpin-pure", "1.0", None, "py3-none-any", "bad", None),
        ("bfpin-any", "1.0", None, "py3-none-manylinux_2_17_x86_64", "bad", None),
        ("bfpin-idx", "1.0", None, CP312, "bad", None),
    ],
    "index2": [
        ("bfpin-idx", "1.0", None, "cp312-cp312-manylinux_2_28_x86_64", "good", None),
    ],
}


def objects(work):
    source = os.path.join(work, "e.c")
    with open(source, "w") as f:
        f.write("int PyInit__ext(void) { return 0; }\n")
    flags = ["gcc", "-shared", "-fPIC", "-nostdlib", "-O2", "-g0", "-s", "-Wl,--build-id=none"]
    subprocess.run(flags + ["-Wl,-soname,libbfpinsbad.so.1", "-o", os.path.join(work, "libbfpinsbad.so.1"), source], check=True)
    subprocess.run(flags + ["-o", os.path.join(work, "good.so"), source], check=True)
    subprocess.run(flags + ["-o", os.path.join(work, "bad.so"), source, "-Wl,--no-as-needed", os.path.join(work, "libbfpinsbad.so.1")], check=True)
    return {kind: open(os.path.join(work, kind + ".so"), "rb").read() for kind in ("good", "bad")}


def wheel(path, project, version, build, tag, so):
    module = project.replace("-", "_")
    info = "%s-%s.dist-info" % (module, version)
    tags = "".join("Tag: %s\n" % tag for _ in [0])
    files = {
        module + "/__init__.py": b"",
        module + "/_ext.so": so,
        info + "/METADATA": ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n\n" % (project, version)).encode(),
        info + "/WHEEL": ("Wheel-Version: 1.0\nGenerator: basefit-fixtures\nRoot-Is-Purelib: false\n%s%s" % (
            tags, "Build: %s\n" % build if build else "")).encode(),
    }
    record = ""
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += "%s,sha256=%s,%d\n" % (name, digest, len(data))
    files[info + "/RECORD"] = (record + info + "/RECORD,,\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=HERE)
    out = parser.parse_args().out
    with tempfile.TemporaryDirectory() as work:
        so = objects(work)
        for index, entries in SPEC.items():
            root = os.path.join(out, index)
            shutil.rmtree(root, ignore_errors=True)
            os.makedirs(os.path.join(root, "files"))
            os.makedirs(os.path.join(root, "projects"))
            projects = {}
            for project, version, build, tag, kind, requires in entries:
                name = "-".join([project.replace("-", "_"), version] + ([build] if build else []) + [tag]) + ".whl"
                path = os.path.join(root, "files", name)
                wheel(path, project, version, build, tag, so[kind])
                data = open(path, "rb").read()
                projects.setdefault(project, []).append({
                    "filename": name, "hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "requires-python": requires,
                    "size": len(data), "url": "https://files.invalid/" + name, "yanked": False})
            for project, files in projects.items():
                page = {"files": files, "meta": {"api-version": "1.1"}, "name": project,
                        "versions": sorted({f["filename"].split("-")[1] for f in files})}
                with open(os.path.join(root, "projects", project + ".json"), "w") as f:
                    json.dump(page, f, indent=1, sort_keys=True)
                    f.write("\n")


if __name__ == "__main__":
    main()
