#!/usr/bin/env python3
"""Writes hostile wheels into OUTDIR for the hostile-input tests (nothing here is
committed output: the tests run this script into a temporary directory).

  bomb-lies-1.0-py3-none-manylinux_2_17_x86_64.whl      a member that declares 4 KiB and inflates to 64 MiB
  bomb-declared-1.0-py3-none-manylinux_2_17_x86_64.whl  a member that declares 600 MiB (over the 512 MiB limit)
  traversal-1.0-py3-none-manylinux_2_17_x86_64.whl      members named ../../evil.so and /tmp/evil.so (ELF contents)
  many-1.0-py3-none-any.whl                              200,001 empty members (over the 200,000 limit)
  notzip-1.0-py3-none-any.whl                            not a zip at all

Usage: make_wheels.py OUTDIR ELF_FILE
"""
import struct
import sys
import zipfile
import zlib
from pathlib import Path

out = Path(sys.argv[1])
elf = Path(sys.argv[2]).read_bytes()
out.mkdir(parents=True, exist_ok=True)
WHEEL = "Wheel-Version: 1.0\nTag: py3-none-manylinux_2_17_x86_64\n"


def patch_sizes(path, member, size):
    """Rewrites the uncompressed size of `member` in its local header and central directory entry."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    # (record signature, offset of its name, offset of its uncompressed-size field)
    for signature, name_at, size_at in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)]:
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


# 1. Lies about its size: 64 MiB of an ELF header and zeros, declared as 4 KiB.
bomb = out / "bomb-lies-1.0-py3-none-manylinux_2_17_x86_64.whl"
with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("bomb-1.0.dist-info/WHEEL", WHEEL)
    z.writestr("bomb/bomb.so", elf[:64] + bytes(64 * 1024 * 1024 - 64))
patch_sizes(bomb, "bomb/bomb.so", 4096)

# 2. Declares more than the per-member limit (the contents are small; never inflated).
declared = out / "bomb-declared-1.0-py3-none-manylinux_2_17_x86_64.whl"
with zipfile.ZipFile(declared, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("big-1.0.dist-info/WHEEL", WHEEL)
    z.writestr("big/big.so", elf)
patch_sizes(declared, "big/big.so", 600 * 1024 * 1024)

# 3. Path traversal: the members must be reported and never written anywhere.
with zipfile.ZipFile(out / "traversal-1.0-py3-none-manylinux_2_17_x86_64.whl", "w") as z:
    z.writestr("traversal-1.0.dist-info/WHEEL", WHEEL)
    z.writestr("../../evil.so", elf)
    z.writestr("/tmp/evil.so", elf)
    z.writestr("traversal/good.so", elf)

# 4. Too many members.
with zipfile.ZipFile(out / "many-1.0-py3-none-any.whl", "w") as z:
    for index in range(200_001):
        z.writestr(f"m/{index}", b"")

# 5. Not a zip.
(out / "notzip-1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 this is not a zip archive" * 10)
