#!/usr/bin/env python3
"""Test oracle: the wheel tags packaging.tags gives CPython on a Linux platform, in order.

usage: wheel_tags.py glibc|musl LIBC_VERSION ARCH PYTHON(3.12) [t]
packaging's platform probes (running glibc/musl, ELF ABI of sys.executable) are replaced by
the given libc version; everything else is packaging's own code.
"""
import json
import sys

from packaging import _manylinux, _musllinux, tags

libc, libc_version, arch, python = sys.argv[1:5]
free_threaded = len(sys.argv) > 5 and sys.argv[5] == "t"
major, minor = (int(x) for x in libc_version.split(".")[:2])
if libc == "glibc":
    _manylinux._have_compatible_abi = lambda executable, archs: True
    _manylinux._get_glibc_version = lambda: (major, minor)
    _manylinux._is_compatible = lambda arch, version: True
    platforms = list(_manylinux.platform_tags([arch]))
else:
    _musllinux._get_musl_version = lambda executable: _musllinux._MuslVersion(major, minor)
    platforms = list(_musllinux.platform_tags([arch]))
platforms.append(f"linux_{arch}")
py = tuple(int(x) for x in python.split("."))
interpreter = f"cp{py[0]}{py[1]}"
abi = interpreter + ("t" if free_threaded else "")
ordered = list(tags.cpython_tags(py, [abi], platforms)) + list(tags.compatible_tags(py, interpreter, platforms))
print(json.dumps({"platforms": platforms, "tags": [str(t) for t in ordered]}))
