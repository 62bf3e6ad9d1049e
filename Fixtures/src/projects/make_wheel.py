#!/usr/bin/env python3
"""Write a crafted wheel reproducibly (used by Fixtures/build.sh).

    make_wheel.py OUT.whl NAME VERSION TAG ARCNAME=FILE...

Adds NAME-VERSION.dist-info/{METADATA,WHEEL,RECORD} (RECORD with real
sha256 values, as pip checks them). Members are sorted, every timestamp is
1980-01-01 00:00:00, modes 0644, deflate level 9: same inputs, same bytes.
"""
import base64
import hashlib
import sys
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    out, name, version, tag = argv[1:5]
    members = {}
    for spec in argv[5:]:
        arc, _, path = spec.partition("=")
        with open(path, "rb") as f:
            members[arc] = f.read()
    info = f"{name}-{version}.dist-info"
    members[f"{info}/METADATA"] = (
        "Metadata-Version: 2.1\n"
        f"Name: {name}\n"
        f"Version: {version}\n"
        "Summary: basefit test fixture (crafted wheel, never installed)\n"
        "Requires-Python: >=3.11\n"
    ).encode()
    members[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\n"
        "Generator: basefit-fixtures (make_wheel.py)\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n"
    ).encode()
    record = "".join(
        f"{arc},{record_hash(data)},{len(data)}\n"
        for arc, data in sorted(members.items())
    )
    record += f"{info}/RECORD,,\n"
    members[f"{info}/RECORD"] = record.encode()

    # dist-info last, as wheel builders do; everything else sorted
    order = sorted(a for a in members if not a.startswith(info + "/"))
    order += [f"{info}/{n}" for n in ("METADATA", "WHEEL", "RECORD")]
    with zipfile.ZipFile(out, "w") as z:
        for arc in order:
            zi = zipfile.ZipInfo(arc, date_time=EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o100644 << 16
            z.writestr(zi, members[arc], compresslevel=9)


if __name__ == "__main__":
    main(sys.argv)
