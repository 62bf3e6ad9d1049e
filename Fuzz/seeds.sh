#!/usr/bin/env bash
# Writes the seed corpora for the fuzz targets into OUTDIR/<target>, from committed
# files only: the ELF fixtures, the fixture wheels, the catalog's Data/ files and
# the Dockerfiles in Fuzz/seeds/dockerfile.
set -euo pipefail
out="${1:?usage: seeds.sh OUTDIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$out"
mkdir -p "$out"/{FuzzELF,FuzzWheel,FuzzDeflateTail,FuzzDockerfile,FuzzCatalogData,FuzzPnPState}

find "$root/Fixtures/elf" -type f -exec cp {} "$out/FuzzELF/" \;
for file in "$root"/Fixtures/projects/wheels/*.whl; do cp "$file" "$out/FuzzWheel/"; done
cp "$root"/Fuzz/seeds/dockerfile/* "$out/FuzzDockerfile/"
cp "$root"/Fixtures/projects/node-pnp/.pnp.cjs "$out/FuzzPnPState/yarn4.pnp.cjs"

python3 - "$root" "$out" <<'PY'
import json, pathlib, sys, zipfile
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
# Stored (uncompressed) wheels: mutations then reach the ELF and WHEEL bytes themselves.
for elf in ["napi-addon.node", "needs-glibc-2.39.so", "libcxxdemo.so"]:
    with zipfile.ZipFile(out / "FuzzWheel" / f"stored-{elf}.whl", "w", zipfile.ZIP_STORED) as z:
        z.writestr("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_17_x86_64\n")
        z.write(root / "Fixtures/elf" / elf, f"demo/{elf}")
# An ELF file without section headers (as sstrip leaves it): the PT_DYNAMIC and
# DT_VERNEED paths the loader takes.
elf = bytearray((root / "Fixtures/elf/needs-glibc-2.39.so").read_bytes())
elf[0x28:0x30] = bytes(8)      # e_shoff
elf[0x3c:0x40] = bytes(4)      # e_shnum, e_shstrndx
(out / "FuzzELF" / "sstripped-needs-glibc-2.39.so").write_bytes(bytes(elf))
# ZIP64: a wheel whose central directory gives a member's sizes and local header offset in a
# ZIP64 extra field (its local header too), so mutations reach those 64-bit values (an offset
# near 2^64 once crashed the reader).
import struct, zlib
data = (root / "Fixtures/elf/needs-glibc-2.39.so").read_bytes()
packer = zlib.compressobj(6, zlib.DEFLATED, -15)
deflated = packer.compress(data) + packer.flush()
name, crc = b"demo/needs-glibc-2.39.so", zlib.crc32(data)
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), 20) + name \
    + struct.pack("<HHQQ", 1, 16, len(data), len(deflated)) + deflated
extra = struct.pack("<HHQQQ", 1, 24, len(data), len(deflated), 0)
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra),
                      0, 0, 0, 0o100755 << 16, 0xFFFFFFFF) + name + extra
end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
(out / "FuzzWheel" / "zip64-needs-glibc-2.39.whl").write_bytes(local + central + end)
# Ends of raw deflate streams of the ELF fixtures (what a remote wheel's member gives), the
# declared size in front; small block sizes so that a slice holds several block starts.
import zlib
for index, elf in enumerate(sorted((root / "Fixtures/elf").glob("*"))):
    if not elf.is_file():
        continue
    data = elf.read_bytes()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 1)
    stream = packer.compress(data) + packer.flush()
    size = len(data).to_bytes(4, "little")
    for share in (2, 4):
        piece = stream[len(stream) * (share - 1) // share:]
        (out / "FuzzDeflateTail" / f"{index:02d}-{elf.name}-{share}").write_bytes(size[:3] + bytes([size[3] | 0x40]) + piece)
# Plug'n'Play states in Yarn's other forms, from the fixture's: Yarn 3.0 (JSON.parse of the
# string in place), Yarn 2 (an object literal), Yarn 6 (a JSON string), a split-mode loader.
text = (root / "Fixtures/projects/node-pnp/.pnp.cjs").read_text()
start = text.index("const RAW_RUNTIME_STATE =\n'") + len("const RAW_RUNTIME_STATE =\n'")
literal = text[start:text.index("';\n", start)]
state = json.loads(literal.replace("\\\n", "").replace("\\'", "'").replace("\\\\", "\\"))
setup = "function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n  return hydrateRuntimeState(%s, {basePath: basePath || __dirname});\n}\n"
(out / "FuzzPnPState" / "yarn3.pnp.cjs").write_text(setup % ("JSON.parse('" + literal + "')"))
(out / "FuzzPnPState" / "yarn2.pnp.js").write_text(setup % json.dumps(state, indent=2))
(out / "FuzzPnPState" / "yarn6.pnp.cjs").write_text("const RAW_RUNTIME_STATE =\n" + json.dumps(json.dumps(state)) + ";\n")
(out / "FuzzPnPState" / "split.pnp.cjs").write_text(setup % "JSON.parse(fs.readFileSync(pnpDataFilepath, 'utf8'))")
# Catalog data: each family file with a measured root and the package hints.
measured = json.loads((root / "Data/measured/debian-bookworm.json").read_text())
measured["libraries"] = measured["libraries"][:6]
measured = json.dumps(measured).encode()
hints = json.loads((root / "Data/package-hints.json").read_text())
hints["hints"] = hints["hints"][:3]
hints = json.dumps(hints).encode()
for family in sorted((root / "Data/images").glob("*.json")):
    text = family.read_bytes().replace(b"measured/debian-bookworm.json", b"measured/fuzz.json")
    (out / "FuzzCatalogData" / family.name).write_bytes(text + b"\0" + measured + b"\0" + hints)
PY
