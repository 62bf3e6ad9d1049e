#!/usr/bin/env python3
"""Unpack a wheel into a site-packages directory, verbatim (used by
Fixtures/build.sh): every member as stored, mode 0755 where the
member's stored mode is executable (as pip does) else 0644,
no INSTALLER/REQUESTED added and RECORD untouched, so the tree holds exactly
the wheel's own files.

    unpack_wheel.py WHEEL SITE_PACKAGES
"""
import os
import sys
import zipfile


def main(whl, dest):
    with zipfile.ZipFile(whl) as z:
        for zi in z.infolist():
            if zi.is_dir():
                continue
            target = os.path.normpath(os.path.join(dest, zi.filename))
            if not target.startswith(os.path.normpath(dest) + os.sep):
                sys.exit(f"unsafe member {zi.filename!r} in {whl}")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(z.read(zi))
            # like pip: executable if the member's stored mode says so
            executable = (zi.external_attr >> 16) & 0o111
            os.chmod(target, 0o755 if executable else 0o644)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
