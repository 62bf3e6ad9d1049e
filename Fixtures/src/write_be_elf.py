#!/usr/bin/env python3
"""Write tiny-ppc64be.so byte by byte: a minimal, well-formed big-endian ELF.

ELFCLASS64, ELFDATA2MSB, EM_PPC64 (21), ET_DYN. Sections: .hash, .dynsym,
.dynstr, .gnu.version, .gnu.version_r, .dynamic, .shstrtab. One PT_LOAD
covering the whole file (vaddr == offset) and a PT_DYNAMIC.

  DT_NEEDED  libc.so.6
  DT_SONAME  libtiny.so.1
  DT_RUNPATH $ORIGIN/lib
  verneed    libc.so.6: GLIBC_2.3 (for the undefined function symbol memcpy)

Usage: write_be_elf.py OUTPUT
"""
import struct
import sys

E = ">"  # big endian

# --- constants -------------------------------------------------------------
ET_DYN, EM_PPC64, EV_CURRENT = 3, 21, 1
PT_LOAD, PT_DYNAMIC = 1, 2
PF_W, PF_R = 2, 4
SHT_STRTAB, SHT_HASH, SHT_DYNAMIC, SHT_DYNSYM = 3, 5, 6, 11
SHT_GNU_verneed, SHT_GNU_versym = 0x6FFFFFFE, 0x6FFFFFFF
SHF_WRITE, SHF_ALLOC = 1, 2
DT_NULL, DT_NEEDED, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 1, 4, 5, 6
DT_STRSZ, DT_SYMENT, DT_SONAME, DT_RUNPATH = 10, 11, 14, 29
DT_VERSYM, DT_VERNEED, DT_VERNEEDNUM = 0x6FFFFFF0, 0x6FFFFFFE, 0x6FFFFFFF
STB_GLOBAL, STT_FUNC = 1, 2

EHDR_SIZE, PHDR_SIZE, SHDR_SIZE, SYM_SIZE, DYN_SIZE = 64, 56, 64, 24, 16


def elf_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


class StrTab:
    def __init__(self):
        self.data = b"\0"
        self.index = {}

    def add(self, s: str) -> int:
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.index[s]


def main(out_path: str) -> None:
    dynstr = StrTab()
    s_libc = dynstr.add("libc.so.6")
    s_soname = dynstr.add("libtiny.so.1")
    s_runpath = dynstr.add("$ORIGIN/lib")
    s_memcpy = dynstr.add("memcpy")
    s_glibc = dynstr.add("GLIBC_2.3")

    # .hash (SysV; 32-bit words on ppc64): nbucket=1, nchain=2
    hash_data = struct.pack(E + "5I", 1, 2, 1, 0, 0)

    # .dynsym: null symbol + memcpy (GLOBAL FUNC, undefined)
    dynsym = bytes(SYM_SIZE) + struct.pack(
        E + "IBBHQQ", s_memcpy, (STB_GLOBAL << 4) | STT_FUNC, 0, 0, 0, 0)

    # .gnu.version: sym 0 -> 0 (local), memcpy -> 2 (GLIBC_2.3)
    versym = struct.pack(E + "2H", 0, 2)

    # .gnu.version_r: one Verneed with one Vernaux
    verneed = struct.pack(E + "HHIII", 1, 1, s_libc, 16, 0)
    verneed += struct.pack(E + "IHHII", elf_hash(b"GLIBC_2.3"), 0, 2, s_glibc, 0)

    shstr = StrTab()
    names = [".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_r",
             ".dynamic", ".shstrtab"]
    name_off = {n: shstr.add(n) for n in names}

    # --- layout ------------------------------------------------------------
    nphdr = 2
    off = EHDR_SIZE + nphdr * PHDR_SIZE
    o_hash = align(off, 8); off = o_hash + len(hash_data)
    o_dynsym = align(off, 8); off = o_dynsym + len(dynsym)
    o_dynstr = off; off = o_dynstr + len(dynstr.data)
    o_versym = align(off, 2); off = o_versym + len(versym)
    o_verneed = align(off, 8); off = o_verneed + len(verneed)
    o_dynamic = align(off, 8)

    dyn_entries = [
        (DT_NEEDED, s_libc),
        (DT_SONAME, s_soname),
        (DT_RUNPATH, s_runpath),
        (DT_HASH, o_hash),
        (DT_STRTAB, o_dynstr),
        (DT_SYMTAB, o_dynsym),
        (DT_STRSZ, len(dynstr.data)),
        (DT_SYMENT, SYM_SIZE),
        (DT_VERNEED, o_verneed),
        (DT_VERNEEDNUM, 1),
        (DT_VERSYM, o_versym),
        (DT_NULL, 0),
    ]
    dynamic = b"".join(struct.pack(E + "qQ", t, v) for t, v in dyn_entries)
    off = o_dynamic + len(dynamic)
    load_end = off  # everything up to here is loaded

    o_shstrtab = off; off = o_shstrtab + len(shstr.data)
    o_shdr = align(off, 8)
    nsh = 1 + len(names)
    file_size = o_shdr + nsh * SHDR_SIZE

    # section indices (1-based after the null section)
    idx = {n: i + 1 for i, n in enumerate(names)}

    # --- headers -----------------------------------------------------------
    e_ident = b"\x7fELF" + bytes([2, 2, EV_CURRENT, 0, 0]) + bytes(7)
    ehdr = e_ident + struct.pack(
        E + "HHIQQQIHHHHHH",
        ET_DYN, EM_PPC64, EV_CURRENT,
        0,                  # e_entry
        EHDR_SIZE,          # e_phoff
        o_shdr,             # e_shoff
        1,                  # e_flags: ELFv1 ABI
        EHDR_SIZE, PHDR_SIZE, nphdr, SHDR_SIZE, nsh, idx[".shstrtab"])
    assert len(ehdr) == EHDR_SIZE

    phdrs = struct.pack(E + "IIQQQQQQ", PT_LOAD, PF_R | PF_W, 0, 0, 0,
                        load_end, load_end, 0x10000)
    phdrs += struct.pack(E + "IIQQQQQQ", PT_DYNAMIC, PF_R | PF_W, o_dynamic,
                         o_dynamic, o_dynamic, len(dynamic), len(dynamic), 8)

    def shdr(name, typ, flags, offset, size, link=0, info=0, addralign=1,
             entsize=0, alloc=True):
        addr = offset if alloc else 0
        return struct.pack(E + "IIQQQQIIQQ", name_off[name], typ, flags, addr,
                           offset, size, link, info, addralign, entsize)

    shdrs = bytes(SHDR_SIZE)
    shdrs += shdr(".hash", SHT_HASH, SHF_ALLOC, o_hash, len(hash_data),
                  link=idx[".dynsym"], addralign=8, entsize=4)
    shdrs += shdr(".dynsym", SHT_DYNSYM, SHF_ALLOC, o_dynsym, len(dynsym),
                  link=idx[".dynstr"], info=1, addralign=8, entsize=SYM_SIZE)
    shdrs += shdr(".dynstr", SHT_STRTAB, SHF_ALLOC, o_dynstr, len(dynstr.data))
    shdrs += shdr(".gnu.version", SHT_GNU_versym, SHF_ALLOC, o_versym,
                  len(versym), link=idx[".dynsym"], addralign=2, entsize=2)
    shdrs += shdr(".gnu.version_r", SHT_GNU_verneed, SHF_ALLOC, o_verneed,
                  len(verneed), link=idx[".dynstr"], info=1, addralign=8)
    shdrs += shdr(".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, o_dynamic,
                  len(dynamic), link=idx[".dynstr"], addralign=8,
                  entsize=DYN_SIZE)
    shdrs += shdr(".shstrtab", SHT_STRTAB, 0, o_shstrtab, len(shstr.data),
                  alloc=False)

    # --- assemble ----------------------------------------------------------
    buf = bytearray(file_size)

    def put(at, data):
        buf[at:at + len(data)] = data

    put(0, ehdr)
    put(EHDR_SIZE, phdrs)
    put(o_hash, hash_data)
    put(o_dynsym, dynsym)
    put(o_dynstr, dynstr.data)
    put(o_versym, versym)
    put(o_verneed, verneed)
    put(o_dynamic, dynamic)
    put(o_shstrtab, shstr.data)
    put(o_shdr, shdrs)

    with open(out_path, "wb") as f:
        f.write(bytes(buf))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: write_be_elf.py OUTPUT")
    main(sys.argv[1])
