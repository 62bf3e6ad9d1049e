#!/usr/bin/env python3
"""How much of each ELF member of a wheel the facts need: would inflating only a prefix pay?

  python3 Benchmarks/prefix.py [WHEEL...]      (default: the wheels Benchmarks/wheels.py times)

Deflate cannot skip: reaching byte N of a member means inflating bytes 0..N. For each
64-bit little-endian ELF member this prints where the last byte the facts need lies, as a
share of the member: through the program headers alone (PT_DYNAMIC, PT_INTERP, PT_NOTE,
PT_GNU_PROPERTY; the dynamic string/symbol/version tables lie before PT_DYNAMIC in every
linker's layout measured), and with the sections the reader also uses (.dynsym, .dynstr,
.gnu.version*, notes, .go.buildinfo/.gopclntab), and where the section header table ends.
"""
import os
import struct
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheels as bench  # noqa: E402

USED_TYPES = {6, 7, 11, 0x6ffffffd, 0x6ffffffe, 0x6fffffff}


def needs(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phnum, _, shnum, shstrndx = struct.unpack_from("<HHHH", data, 0x38)
    program = 64 + phnum * 56
    for i in range(phnum):
        p_type, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * 56)
        if p_type in (2, 3, 4, 0x6474e553):
            program = max(program, offset + filesz)
    sections = program
    if shoff and shnum:
        names = struct.unpack_from("<IIQQQQ", data, shoff + shstrndx * 64)[4]
        for i in range(shnum):
            name, s_type, _, _, offset, size = struct.unpack_from("<IIQQQQ", data, shoff + i * 64)
            label = data[names + name:data.index(b"\0", names + name)]
            if s_type != 8 and (s_type in USED_TYPES or label in (b".dynstr", b".go.buildinfo", b".gopclntab")):
                sections = max(sections, offset + size)
    return program, sections, shoff + shnum * 64, len(data)


def main():
    paths = sys.argv[1:]
    if not paths:
        root = "/var/cache/basefit/wheels/index"
        paths = [p for p in (bench.ensure(root, n) for n in bench.WHEELS) if p]
    totals = [0, 0, 0, 0]
    print("%-64s %10s %9s %9s %9s" % ("member", "bytes", "phdrs", "+sections", "shdr end"))
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    if member.read(4) != b"\x7fELF":
                        continue
                result = needs(archive.read(info))
                if not result:
                    continue
                totals = [a + b for a, b in zip(totals, result)]
                program, sections, shdr_end, size = result
                print("%-64s %10d %8.1f%% %8.1f%% %8.1f%%" % ((os.path.basename(path)[:24] + "!/" + info.filename)[-64:], size,
                      100 * program / size, 100 * sections / size, 100 * shdr_end / size))
    size = totals[3] or 1
    print("all ELF members: %d bytes; a prefix through the program headers holds %.1f%%, with the sections %.1f%%"
          % (size, 100 * totals[0] / size, 100 * totals[1] / size))


if __name__ == "__main__":
    main()
