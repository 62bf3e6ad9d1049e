#!/usr/bin/env python3
"""Deterministic generator for the basefit benchmark inputs.

Makes, under --out:
  tree/     a node_modules-like project: >= --min-files files in >= --min-packages packages
            (package.json, .js, .mjs, .cjs, .d.ts, .map, README, LICENSE, CHANGELOG ...),
            scoped packages, nested node_modules, a pnpm-style node_modules/.pnpm store with
            relative symlinks, node_modules/.bin links, and a few hundred real ELF files copied
            from Fixtures/ under the names real addons use (build/Release/x.node,
            prebuilds/linux-x64/node.napi.glibc.node, @scope/pkg-linux-x64-gnu/pkg.linux-x64-gnu.node,
            vendor/lib/libfoo.so.1, bin/tool ...).
  wheels/   the real wheels of Fixtures/projects/wheels replicated under different build tags
            (name-version-<N>-python-abi-platform.whl), --wheel-copies times each.
  manifest.json  what was made (counts), and the generator version and parameters.

Everything is derived from one random.Random(--seed); the same version + parameters give the
same tree byte for byte. When <out>/manifest.json already records the same version and
parameters, nothing is regenerated (use --force to rebuild).
"""

import argparse
import json
import os
import random
import shutil
import sys
import time

GENERATOR_VERSION = 4

ELF_MAGIC = b"\x7fELF"


def find_elf_sources(fixtures):
    """Real ELF files from Fixtures/elf and Fixtures/projects (*.node, *.so*), sorted."""
    found = []
    for base in (os.path.join(fixtures, "elf"), os.path.join(fixtures, "projects")):
        for root, dirs, files in os.walk(base):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                in_projects = base.endswith("projects")
                if in_projects and not (name.endswith(".node") or ".so" in name):
                    continue
                with open(path, "rb") as f:
                    if f.read(4) != ELF_MAGIC:
                        continue
                found.append(path)
    return found


class Names:
    """Unique, pronounceable package names."""

    SYL = ["ab", "ac", "al", "an", "ar", "as", "at", "ba", "be", "bi", "bo", "bu", "ca", "ce", "ci",
           "co", "cu", "da", "de", "di", "do", "du", "el", "en", "er", "es", "fa", "fe", "fi", "fo",
           "ga", "ge", "gi", "go", "ha", "he", "hi", "ho", "in", "is", "ja", "jo", "ka", "ke", "ki",
           "ko", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no",
           "nu", "ob", "on", "or", "pa", "pe", "pi", "po", "pu", "qu", "ra", "re", "ri", "ro", "ru",
           "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu", "ul", "un", "ur", "va", "ve",
           "vi", "vo", "wa", "we", "xo", "ya", "yo", "za", "ze", "zo"]
    SUFFIX = ["", "", "", "-js", "-core", "-utils", "-parser", "-plugin", "-loader", "-cli", "-config",
              "-types", "-helpers", "-compat", "-lite", "-stream", "-async", "-fs", "-path", "-http"]

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def make(self):
        while True:
            n = self.rng.choice((2, 2, 3, 3, 3, 4))
            name = "".join(self.rng.choice(self.SYL) for _ in range(n)) + self.rng.choice(self.SUFFIX)
            if name not in self.used:
                self.used.add(name)
                return name


def text_pool(rng, size=1 << 20):
    words = ["function", "return", "const", "let", "var", "if", "else", "for", "while", "module",
             "exports", "require", "import", "export", "default", "async", "await", "this", "new",
             "null", "undefined", "true", "false", "typeof", "object", "string", "number", "=>",
             "{", "}", "(", ")", ";", "=", "===", "!==", "+", "-", "*", "&&", "||", "value",
             "options", "callback", "error", "result", "length", "push", "map", "filter", "reduce",
             "Promise", "resolve", "reject", "prototype", "Object.keys", "Array.isArray", "JSON"]
    out = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) + "\n"
        out.append(line)
        total += len(line)
    return "".join(out).encode()[:size]


class Writer:
    def __init__(self, rng, pool):
        self.rng = rng
        self.pool = pool
        self.files = 0
        self.bytes = 0
        self.dirs = set()
        self.symlinks = 0
        self.elf = 0

    def mkdir(self, path):
        if path not in self.dirs:
            os.makedirs(path, exist_ok=True)
            self.dirs.add(path)

    def blob(self, size):
        size = max(16, min(size, len(self.pool) - 1))
        start = self.rng.randrange(0, len(self.pool) - size)
        return self.pool[start:start + size]

    def write(self, path, data):
        self.mkdir(os.path.dirname(path))
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)

    def copy(self, source, path):
        self.mkdir(os.path.dirname(path))
        shutil.copyfile(source, path)
        os.chmod(path, 0o755)
        self.files += 1
        self.bytes += os.path.getsize(path)
        self.elf += 1

    def symlink(self, target, path):
        self.mkdir(os.path.dirname(path))
        os.symlink(target, path)
        self.symlinks += 1


def size_js(rng):
    return int(min(200_000, rng.lognormvariate(7.2, 1.1)))  # median ~1.3 KB


def file_count(rng):
    # Heavy-tailed like real registries: most packages are small, a few have hundreds of files.
    return 2 + int(min(1500, rng.lognormvariate(1.7, 1.0)))


def write_package(w, rng, pkg_dir, name, version):
    """Writes one package's own files (not its nested node_modules)."""
    deps = {}
    meta = {"name": name, "version": version, "description": "benchmark package " + name,
            "main": "index.js", "license": "MIT", "dependencies": deps}
    if rng.random() < 0.4:
        meta["types"] = "index.d.ts"
    w.write(os.path.join(pkg_dir, "package.json"), (json.dumps(meta, indent=2) + "\n").encode())
    w.write(os.path.join(pkg_dir, "index.js"), w.blob(size_js(rng)))
    if rng.random() < 0.9:
        w.write(os.path.join(pkg_dir, "README.md"), w.blob(int(rng.lognormvariate(7.5, 0.8))))
    if rng.random() < 0.85:
        w.write(os.path.join(pkg_dir, rng.choice(("LICENSE", "LICENSE", "LICENSE.md", "license"))),
                w.blob(1070))
    if rng.random() < 0.3:
        w.write(os.path.join(pkg_dir, "CHANGELOG.md"), w.blob(int(rng.lognormvariate(8.0, 1.0))))
    if "types" in meta:
        w.write(os.path.join(pkg_dir, "index.d.ts"), w.blob(int(rng.lognormvariate(6.0, 1.0))))

    remaining = file_count(rng)
    layout = rng.choice(("lib", "dist", "src", "flat", "dist-esm-cjs"))
    dirs = []
    if layout == "flat":
        dirs = [""]
    elif layout == "dist-esm-cjs":
        dirs = ["dist/esm", "dist/cjs", "dist/types"]
    else:
        dirs = [layout]
    # Deeper sub-directories for bigger packages.
    for _ in range(remaining // 12):
        parent = rng.choice(dirs)
        dirs.append((parent + "/" if parent else "") + rng.choice(
            ("internal", "utils", "core", "plugins", "helpers", "fp", "locale", "compat", "node", "browser", "es", "umd")
            ) + str(rng.randint(0, 9)))
    i = 0
    while remaining > 0:
        d = os.path.join(pkg_dir, rng.choice(dirs))
        stem = "m%d%s" % (i, rng.choice(("", "Util", "Helper", "Index", "Parser", "Stream")))
        i += 1
        kind = rng.random()
        js = size_js(rng)
        if kind < 0.45:
            w.write(os.path.join(d, stem + ".js"), w.blob(js))
            remaining -= 1
        elif kind < 0.65:
            w.write(os.path.join(d, stem + ".js"), w.blob(js))
            w.write(os.path.join(d, stem + ".js.map"), w.blob(min(400_000, 2 * js)))
            remaining -= 2
        elif kind < 0.80:
            w.write(os.path.join(d, stem + ".d.ts"), w.blob(int(js / 3)))
            remaining -= 1
        elif kind < 0.88:
            w.write(os.path.join(d, stem + rng.choice((".mjs", ".cjs"))), w.blob(js))
            remaining -= 1
        elif kind < 0.93:
            w.write(os.path.join(d, stem + ".ts"), w.blob(js))
            remaining -= 1
        elif kind < 0.97:
            w.write(os.path.join(d, stem + ".json"), w.blob(int(js / 2)))
            remaining -= 1
        elif kind < 0.985:
            w.write(os.path.join(d, stem + rng.choice((".md", ".txt", ".yml", ".flow"))), w.blob(600))
            remaining -= 1
        else:
            # Binary-ish non-ELF files that a scanner must open and reject.
            ext, magic = rng.choice(((".wasm", b"\0asm\x01\0\0\0"), (".png", b"\x89PNG\r\n\x1a\n"),
                                     (".gz", b"\x1f\x8b\x08\0"), (".node.bak", b"MZ\x90\0")))
            w.write(os.path.join(d, stem + ext), magic + w.blob(js))
            remaining -= 1
    return meta


ELF_PLACEMENTS = [
    # (relative path template inside a package, which ELF sources fit)
    ("build/Release/{stem}.node", "addon"),
    ("build/Release/obj.target/{stem}.node", "addon"),
    ("prebuilds/linux-x64/node.napi.glibc.node", "addon"),
    ("prebuilds/linux-x64/node.napi.musl.node", "addon"),
    ("prebuilds/linux-x64/node.napi.node", "addon"),
    ("prebuilds/linux-arm64/node.napi.armv8.node", "addon"),
    ("lib/binding/napi-v6-linux-glibc-x64/{stem}.node", "addon"),
    ("lib/binding/node-v115-linux-x64/{stem}.node", "addon"),
    ("{stem}.linux-x64-gnu.node", "addon"),
    ("vendor/lib/lib{stem}.so.1", "lib"),
    ("lib/lib{stem}.so", "lib"),
    ("bin/{stem}", "exe"),
]


def classify(path):
    name = os.path.basename(path)
    if name.endswith(".node"):
        return "addon"
    if ".so" in name:
        return "lib"
    return "exe"


def generate_tree(root, rng, sources, min_packages, min_files, elf_count):
    pool = text_pool(rng)
    w = Writer(rng, pool)
    names = Names(rng)
    nm = os.path.join(root, "node_modules")
    w.mkdir(nm)
    w.write(os.path.join(root, "package.json"),
            json.dumps({"name": "bench-project", "version": "1.0.0", "private": True}, indent=2).encode())
    scopes = ["@" + names.make() for _ in range(220)] + ["@types", "@babel", "@img", "@napi-rs", "@esbuild"]

    packages = []      # (dir, name) of every package made
    top_level = []     # top-level package dirs (nested node_modules hang off these)
    pnpm_entries = []  # (store dir name, package name)
    bin_targets = []

    def version():
        return "%d.%d.%d" % (rng.randint(0, 12), rng.randint(0, 30), rng.randint(0, 20))

    while len(packages) < min_packages or w.files < min_files:
        name = names.make()
        if rng.random() < 0.14:
            name = rng.choice(scopes) + "/" + name
        r = rng.random()
        ver = version()
        if r < 0.10 and top_level:
            # Nested: node_modules/<parent>/node_modules/<name> (sometimes two levels deep).
            parent = rng.choice(top_level)
            pkg_dir = os.path.join(parent, "node_modules", name)
            if rng.random() < 0.2:
                pkg_dir = os.path.join(pkg_dir, "node_modules", names.make())
        elif r < 0.18:
            # pnpm store: node_modules/.pnpm/<name@ver>/node_modules/<name>, linked from node_modules/<name>.
            store = name.replace("/", "+") + "@" + ver
            pkg_dir = os.path.join(nm, ".pnpm", store, "node_modules", name)
            pnpm_entries.append((store, name))
            link = os.path.join(nm, name)
            w.symlink(os.path.relpath(pkg_dir, os.path.dirname(link)), link)
        else:
            pkg_dir = os.path.join(nm, name)
            top_level.append(pkg_dir)
        write_package(w, rng, pkg_dir, name, ver)
        packages.append((pkg_dir, name))
        if rng.random() < 0.05:
            bin_targets.append((pkg_dir, name))
            w.write(os.path.join(pkg_dir, "bin", "cli.js"), b"#!/usr/bin/env node\n" + w.blob(800))

    # pnpm: each store entry links a few dependencies as siblings, as pnpm does.
    for store, name in pnpm_entries:
        for _ in range(rng.randint(0, 3)):
            dep_store, dep_name = rng.choice(pnpm_entries)
            if dep_name == name:
                continue
            link = os.path.join(nm, ".pnpm", store, "node_modules", dep_name)
            if os.path.lexists(link):
                continue
            target = os.path.join(nm, ".pnpm", dep_store, "node_modules", dep_name)
            w.symlink(os.path.relpath(target, os.path.dirname(link)), link)

    # node_modules/.bin links.
    for pkg_dir, name in bin_targets:
        link = os.path.join(nm, ".bin", name.split("/")[-1])
        if not os.path.lexists(link):
            w.symlink(os.path.relpath(os.path.join(pkg_dir, "bin", "cli.js"), os.path.dirname(link)), link)

    # Real ELF files, a few hundred, in packages picked at random, named as real addons are.
    by_kind = {"addon": [], "lib": [], "exe": []}
    for s in sources:
        by_kind[classify(s)].append(s)
    elf_paths = []
    hosts = rng.sample(packages, min(len(packages), elf_count))
    for idx, (pkg_dir, name) in enumerate(hosts):
        template, kind = rng.choice(ELF_PLACEMENTS)
        choices = by_kind[kind] or sources
        source = rng.choice(choices)
        stem = name.split("/")[-1].replace("-", "_")
        rel = template.format(stem=stem)
        dest = os.path.join(pkg_dir, rel)
        if os.path.lexists(dest):
            dest = os.path.join(pkg_dir, "native%d" % idx, rel)
        w.copy(source, dest)
        elf_paths.append(os.path.relpath(dest, root))

    return {
        "files": w.files,
        "bytes": w.bytes,
        "directories": len(w.dirs),
        "symlinks": w.symlinks,
        "packages": len(packages),
        "scopedPackages": sum(1 for _, n in packages if n.startswith("@")),
        "pnpmPackages": len(pnpm_entries),
        "elfFiles": w.elf,
    }


def generate_wheels(out, fixtures, copies):
    src_dir = os.path.join(fixtures, "projects", "wheels")
    wheels = sorted(f for f in os.listdir(src_dir) if f.endswith(".whl"))
    os.makedirs(out, exist_ok=True)
    n = 0
    for build in range(1, copies + 1):
        for whl in wheels:
            # name-version-[build-]python-abi-platform.whl: a build tag keeps the name valid.
            name, ver, rest = whl.split("-", 2)
            dest = os.path.join(out, "%s-%s-%d-%s" % (name, ver, build, rest))
            shutil.copyfile(os.path.join(src_dir, whl), dest)
            n += 1
    return {"wheels": n, "distinctWheels": len(wheels)}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixtures", default=os.path.join(os.path.dirname(here), "Fixtures"))
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--min-packages", type=int, default=10_000)
    ap.add_argument("--min-files", type=int, default=150_000)
    ap.add_argument("--elf-count", type=int, default=300)
    ap.add_argument("--wheel-copies", type=int, default=11)
    ap.add_argument("--no-wheels", action="store_true")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()

    params = {"generatorVersion": GENERATOR_VERSION, "seed": args.seed, "minPackages": args.min_packages,
              "minFiles": args.min_files, "elfCount": args.elf_count,
              "wheelCopies": 0 if args.no_wheels else args.wheel_copies}
    manifest_path = os.path.join(args.out, "manifest.json")
    if not args.force and os.path.exists(manifest_path):
        try:
            with open(manifest_path) as f:
                old = json.load(f)
            if old.get("parameters") == params:
                print("gen: %s is up to date (generator v%d); not regenerated" % (args.out, GENERATOR_VERSION),
                      file=sys.stderr)
                return
        except (OSError, ValueError):
            pass

    started = time.time()
    for sub in ("tree", "wheels", "manifest.json"):
        p = os.path.join(args.out, sub)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        elif os.path.lexists(p):
            os.remove(p)
    os.makedirs(args.out, exist_ok=True)

    sources = find_elf_sources(args.fixtures)
    if not sources:
        sys.exit("gen: no ELF files found under %s" % args.fixtures)
    rng = random.Random(args.seed)
    print("gen: generating %s (seed %d, >= %d files in >= %d packages) ..." %
          (args.out, args.seed, args.min_files, args.min_packages), file=sys.stderr)
    tree = generate_tree(os.path.join(args.out, "tree"), rng, sources, args.min_packages, args.min_files,
                         args.elf_count)
    wheels = {} if args.no_wheels else generate_wheels(os.path.join(args.out, "wheels"), args.fixtures,
                                                       args.wheel_copies)
    manifest = {"parameters": params, "tree": tree, "wheels": wheels, "elfSources": len(sources),
                "seconds": round(time.time() - started, 1)}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    print("gen: done in %.0f s: %s" % (time.time() - started, json.dumps(tree)), file=sys.stderr)


if __name__ == "__main__":
    main()
