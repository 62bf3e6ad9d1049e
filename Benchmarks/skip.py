#!/usr/bin/env python3
"""What a remote read would fetch if it could skip the middle of each deflated ELF member.

  python3 Benchmarks/skip.py [WHEEL...]      (default: the wheels over 5 MB Benchmarks/wheels.py times)

Per ELF member: the compressed bytes up to the end of the early tables the facts use (ELF and
program headers, .interp, notes, .dynsym, .dynstr, .gnu.version*), plus the compressed bytes from
96 KiB (uncompressed) before the first late part (.dynamic, .shstrtab, the section headers) to the
member's end: decoding from a block in the middle only places its output by running to the end.
Adds the central directory and local headers. An estimate (the offset map has 512-byte steps and
the margin stands in for the distance to a block start), and optimistic: basefit reads members of
256 KiB or more this way (PartialMemberFetch), with a 16 KiB start and the end from about 112 KiB
of compressed bytes before the dynamic section (the block confirmation needs 64 KiB of them).
"""
import bisect
import os
import struct
import sys
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheels as bench  # noqa: E402

EARLY_TYPES = {7, 11, 0x6ffffffd, 0x6ffffffe, 0x6fffffff}  # note, dynsym, verdef, verneed, versym
MARGIN = 96 * 1024


def layout(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phnum, _, shnum, shstrndx = struct.unpack_from("<HHHH", data, 0x38)
    early, late = 64 + phnum * 56, shoff
    names = struct.unpack_from("<IIQQQQ", data, shoff + shstrndx * 64)[4]
    sections = []
    for i in range(shnum):
        name, s_type, flags, _, offset, size = struct.unpack_from("<IIQQQQ", data, shoff + i * 64)
        sections.append((data[names + name:data.index(b"\0", names + name)], s_type, flags, offset, size))
    for label, s_type, _, offset, _ in sections:
        if s_type == 6 or label == b".shstrtab":
            late = min(late, offset)
    for label, s_type, flags, offset, size in sections:
        # Allocated tables before the dynamic section (non-allocated notes are not read).
        if s_type != 8 and flags & 2 and offset < late and (s_type in EARLY_TYPES or label in (b".dynstr", b".interp")):
            early = max(early, offset + size)
    return early, late


def offset_map(compressed):
    inflater, points, produced = zlib.decompressobj(-15), [(0, 0)], 0
    for start in range(0, len(compressed), 512):
        produced += len(inflater.decompress(compressed[start:start + 512]))
        points.append((produced, start + 512))
    return points


def compressed_at(points, offset):
    index = bisect.bisect_left([p[0] for p in points], offset)
    return min(points[min(index, len(points) - 1)][1], points[-1][1])


def main():
    paths = sys.argv[1:]
    if not paths:
        root = "/var/cache/basefit/wheels/index"
        paths = [p for p in (bench.ensure(root, n) for n in bench.WHEELS) if p and os.path.getsize(p) > 5_000_000]
    for path in paths:
        size = os.path.getsize(path)
        with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
            infos = archive.infolist()
            needed = 22 + sum(46 + len(i.filename.encode()) + len(i.extra) + len(i.comment) for i in infos)
            for info in infos:
                data = archive.read(info)
                found = layout(data) if data[:4] == b"\x7fELF" else None
                if not found:
                    continue
                raw.seek(info.header_offset + 26)
                name_length, extra_length = struct.unpack("<HH", raw.read(4))
                raw.seek(info.header_offset + 30 + name_length + extra_length)
                compressed = raw.read(info.compress_size)
                points = offset_map(compressed)
                head = compressed_at(points, found[0])
                tail = len(compressed) - compressed_at(points, max(0, found[1] - MARGIN))
                needed += 30 + name_length + extra_length + min(len(compressed), head + tail)
        print("%-80s %10d bytes; skipping the middle would fetch %9d (%.1f%%)" % (os.path.basename(path), size, needed, 100 * needed / size))


if __name__ == "__main__":
    main()
