#!/usr/bin/env python3
"""Regenerate Data/packages/<distro>-<suite>-<arch>.tsv.gz from a distribution's own indexes.

Reads, for each suite x architecture, the mirror's
    dists/<suite>/main/Contents-<arch>.gz        (Debian; Ubuntu has dists/<suite>/Contents-<arch>.gz)
    dists/<suite>/main/binary-<arch>/Packages.xz
    dists/<suite>/Release                          (its Date: is the provenance date)
and writes one gzip'd TSV per suite x architecture (format in Data/packages/README.md):

    #basefit-packages 1 <TAB> distro <TAB> suite <TAB> arch <TAB> source=URL <TAB> release-date=...
    name <TAB> version <TAB> installed-size KiB <TAB> flags <TAB> depends <TAB> provides <TAB> libraries

Kept packages: every package shipping a shared library (lib*.so.N...) directly in a library
directory (/lib, /usr/lib and their multiarch directories; no subdirectory, so no debug files and
no private plugin directories), plus every package their Depends/Pre-Depends can reach (all
alternatives, all providers of a virtual name), so closures can be computed offline.

Only the main pocket is read: the debootstrapped roots and the official Debian images use
`deb <mirror> <suite> main` (security/updates pockets would change versions, rarely sizes).

Usage: python3 Data/tools/gen_packages.py [--cache DIR] [--mirror URL] [--distro debian]
       [--suites bullseye,bookworm,trixie] [--arches amd64,arm64] [--components main] [--pockets ""]
       [--out Data/packages]
The committed data is made by exactly these two runs:
    python3 Data/tools/gen_packages.py
    python3 Data/tools/gen_packages.py --distro ubuntu --mirror http://archive.ubuntu.com/ubuntu \
        --suites jammy,noble --arches amd64 --components main,universe --pockets=-updates,-security
(Ubuntu's arm64 lives on ports.ubuntu.com, which is not reachable from the build machine.)
Then: python3 Data/tools/gen_packages.py --embed   (only rewrites Sources/PackageKnowledge/EmbeddedPackageData.swift
from Data/packages/*.tsv.gz and Data/packages/installed/*.txt; a full run embeds too)
"""
import argparse, base64, gzip, lzma, os, re, sys, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRIPLET = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "armhf": "arm-linux-gnueabihf",
           "i386": "i386-linux-gnu", "ppc64el": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu"}
SONAME = re.compile(r"^lib[^/]*\.so\.[0-9]+(\.[0-9]+)*$")
PRIORITY = {"required": "r", "important": "i", "standard": "s", "optional": "o", "extra": "x"}


def fetch(url, cache):
    name = os.path.join(cache, url.split("://", 1)[1].replace("/", "_"))
    if not os.path.exists(name):
        os.makedirs(cache, exist_ok=True)
        with urllib.request.urlopen(url, timeout=120) as response, open(name + ".part", "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        os.replace(name + ".part", name)
    with open(name, "rb") as handle:
        return handle.read()


def library_dirs(arch):
    triplet = TRIPLET[arch]
    return ["lib", "usr/lib", f"lib/{triplet}", f"usr/lib/{triplet}"]


def read_contents(data, arch):
    """path -> packages, only for lib*.so.N files directly in a library directory."""
    dirs = {d: i for i, d in enumerate(library_dirs(arch))}
    libraries = {}  # package -> set of "dirindex/name"
    for raw in gzip.decompress(data).decode("utf-8", "replace").splitlines():
        parts = raw.rsplit(None, 1)
        if len(parts) != 2:
            continue
        path, locations = parts
        path = path.strip().lstrip("./").lstrip("/")
        directory, _, name = path.rpartition("/")
        if directory not in dirs or not SONAME.match(name):
            continue
        for location in locations.split(","):
            package = location.rsplit("/", 1)[-1]
            libraries.setdefault(package, set()).add(f"{dirs[directory]}/{name}")
    return libraries


def relation_names(text):
    """'a (>= 1) | b:any, c [amd64]' -> [['a', 'b'], ['c']] (version and arch qualifiers dropped)."""
    groups = []
    for group in text.split(","):
        names = []
        for alternative in group.split("|"):
            alternative = re.sub(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>", "", alternative).strip()
            alternative = alternative.split(":", 1)[0]
            if alternative:
                names.append(alternative)
        if names:
            groups.append(names)
    return groups


def read_packages(data):
    packages = {}
    text = lzma.decompress(data).decode("utf-8", "replace")
    for stanza in text.split("\n\n"):
        fields, last = {}, None
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t"):
                if last:
                    fields[last] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            last = key
            fields[key] = value.strip()
        name = fields.get("Package")
        if not name:
            continue
        depends = relation_names(fields.get("Pre-Depends", "")) + relation_names(fields.get("Depends", ""))
        provides = [g[0] for g in relation_names(fields.get("Provides", ""))]
        flags = PRIORITY.get(fields.get("Priority", ""), "-") + ("E" if fields.get("Essential") == "yes" else "")
        packages[name] = dict(version=fields.get("Version", ""), size=fields.get("Installed-Size", "0"),
                              flags=flags, depends=depends, provides=provides)
    return packages


def reachable(packages, roots):
    providers = {}
    for name, info in packages.items():
        for virtual in info["provides"]:
            providers.setdefault(virtual, []).append(name)
    keep, stack = set(), [r for r in roots if r in packages]
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        for group in packages[name]["depends"]:
            for alternative in group:
                for target in ([alternative] if alternative in packages else []) + providers.get(alternative, []):
                    if target not in keep:
                        stack.append(target)
    return keep


def generate(distro, mirror, suite, arch, cache, out, components, pockets):
    base = f"{mirror}/dists/{suite}"
    # Debian has one Contents per component; Ubuntu one for the whole suite.
    contents_urls = ([f"{base}/{c}/Contents-{arch}.gz" for c in components] if distro == "debian"
                     else [f"{base}/Contents-{arch}.gz"])
    packages_urls = [f"{base}/{c}/binary-{arch}/Packages.xz" for c in components]
    release = fetch(f"{base}/Release", cache).decode("utf-8", "replace")
    date = next((l.split(":", 1)[1].strip() for l in release.splitlines() if l.startswith("Date:")), "?")
    libraries, packages = {}, {}
    for url in contents_urls:
        for package, files in read_contents(fetch(url, cache), arch).items():
            libraries.setdefault(package, set()).update(files)
    # Pockets (-updates, -security) replace a package's stanza with their newer one; their
    # libraries are taken from the release's Contents (a stable update keeps its sonames).
    packages_urls += [f"{mirror}/dists/{suite}{p}/{c}/binary-{arch}/Packages.xz" for p in pockets for c in components]
    for url in packages_urls:
        packages.update(read_packages(fetch(url, cache)))
    libraries = {p: l for p, l in libraries.items() if p in packages}  # Contents may list other components
    keep = reachable(packages, libraries)
    lines = ["\t".join(["#basefit-packages 1", distro, suite, arch,
                        "source=" + " ".join(contents_urls + packages_urls), f"release-date={date}"])]
    for name in sorted(keep):
        info = packages[name]
        depends = ",".join("|".join(group) for group in info["depends"])
        lines.append("\t".join([name, info["version"], info["size"], info["flags"], depends,
                                ",".join(info["provides"]), ",".join(sorted(libraries.get(name, ())))]))
    body = ("\n".join(lines) + "\n").encode()
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, f"{distro}-{suite}-{arch}.tsv.gz")
    with open(target, "wb") as handle:  # mtime 0 and no name: byte-identical reruns
        with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(body)
    sonames = sum(len(v) for v in libraries.values())
    print(f"{target}: {len(keep)} packages, {len(libraries)} with libraries, {sonames} library files,"
          f" {len(body)} bytes -> {os.path.getsize(target)} gzip'd", file=sys.stderr)


def embed():
    folder = os.path.join(ROOT, "Data", "packages")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".tsv.gz"))
    out = ["// Generated by Data/tools/gen_packages.py --embed from Data/packages/*.tsv.gz. Do not edit by hand.",
           "// Each value is the base64 of one gzip'd index (format: Data/packages/README.md).", "",
           "enum EmbeddedPackageData {", "    static let indexes: [String: String] = ["]
    total = 0
    for name in names:
        with open(os.path.join(folder, name), "rb") as handle:
            encoded = base64.b64encode(handle.read()).decode()
        total += len(encoded)
        out.append(f'        "{name[:-len(".tsv.gz")]}": """')
        out += [encoded[i:i + 120] for i in range(0, len(encoded), 120)]
        out.append('""",')
    out += ["    ]", "",
            "    /// Data/packages/installed/*.txt: an official image's installed packages, by file name without .txt.",
            "    static let installed: [String: String] = ["]
    installed = os.path.join(folder, "installed")
    for name in sorted(os.listdir(installed)) if os.path.isdir(installed) else []:
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(installed, name), encoding="utf-8") as handle:
            text = handle.read()
        if '"#' in text or '"""' in text:
            sys.exit(f"Data/packages/installed/{name} contains a sequence the raw string cannot hold")
        out.append(f'        "{name[:-4]}": #"""')
        out.append(text.rstrip("\n"))
        out.append('"""#,')
    out += ["    ]", "}", ""]
    target = os.path.join(ROOT, "Sources", "PackageKnowledge", "EmbeddedPackageData.swift")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out))
    print(f"wrote {os.path.relpath(target, ROOT)}: {len(names)} indexes, {total} base64 bytes", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distro", default="debian")
    parser.add_argument("--mirror", default="http://deb.debian.org/debian")
    parser.add_argument("--suites", default="bullseye,bookworm,trixie")
    parser.add_argument("--arches", default="amd64,arm64")
    parser.add_argument("--components", default="main", help="e.g. main,universe for Ubuntu")
    parser.add_argument("--pockets", default="", help="e.g. -updates,-security (overlaid in that order)")
    parser.add_argument("--cache", default="/tmp/basefit-package-indexes")
    parser.add_argument("--out", default=os.path.join(ROOT, "Data", "packages"))
    parser.add_argument("--embed", action="store_true", help="only rewrite EmbeddedPackageData.swift")
    args = parser.parse_args()
    if not args.embed:
        for suite in args.suites.split(","):
            for arch in args.arches.split(","):
                generate(args.distro, args.mirror.rstrip("/"), suite, arch, args.cache, args.out,
                         args.components.split(","), [p for p in args.pockets.split(",") if p])
    embed()


if __name__ == "__main__":
    main()
