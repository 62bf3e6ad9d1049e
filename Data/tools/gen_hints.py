#!/usr/bin/env python3
"""Regenerate Data/package-hints.json. Run as root on a Debian 12 host; debian11/13 sizes come from apt-cache in bullseye/trixie chroots (ROOTS)."""
import json, os, subprocess
TODAY = "2026-11-23"
ROOTS = {"debian11": "/var/cache/basefit/work/bullseye-apt", "debian12": "/", "debian13": "/var/cache/basefit/work/trixie-full"}
def inst_size(rel, pkg):
    cmd = ["apt-cache", "show", "--no-all-versions", pkg]
    if ROOTS[rel] != "/": cmd = ["chroot", ROOTS[rel]] + cmd
    o = subprocess.run(cmd, capture_output=True, text=True).stdout
    v = s = None
    for line in o.splitlines():
        if line.startswith("Version:"): v = line.split()[1]
        if line.startswith("Installed-Size:"): s = int(line.split()[1])
    return (v, s * 1024) if s else (None, None)

CODENAME = {"debian11": "bullseye", "debian12": "bookworm", "debian13": "trixie", "ubuntu20.04": "focal", "ubuntu22.04": "jammy", "ubuntu24.04": "noble"}
# soname -> {release/manager key: package or None}; keys: d11 d12 d13 u20 u22 u24 alp wolfi ubi9 al2023 al2
T = [
 ("libstdc++.so.6", dict(d11="libstdc++6", d12="libstdc++6", d13="libstdc++6", u20="libstdc++6", u22="libstdc++6", u24="libstdc++6", alp="libstdc++", wolfi="libstdc++", ubi9="libstdc++", al2023="libstdc++", al2="libstdc++")),
 ("libgcc_s.so.1", dict(d11="libgcc-s1", d12="libgcc-s1", d13="libgcc-s1", u20="libgcc-s1", u22="libgcc-s1", u24="libgcc-s1", alp="libgcc", wolfi="libgcc", ubi9="libgcc", al2023="libgcc", al2="libgcc")),
 ("libz.so.1", dict(d11="zlib1g", d12="zlib1g", d13="zlib1g", u20="zlib1g", u22="zlib1g", u24="zlib1g", alp="zlib", wolfi="zlib", ubi9="zlib", al2023="zlib", al2="zlib")),
 ("libssl.so.1.1", dict(d11="libssl1.1", u20="libssl1.1", ubi9="compat-openssl11", al2="openssl11-libs")),
 ("libcrypto.so.1.1", dict(d11="libssl1.1", u20="libssl1.1", ubi9="compat-openssl11", al2="openssl11-libs")),
 ("libssl.so.3", dict(d12="libssl3", d13="libssl3t64", u22="libssl3", u24="libssl3t64", alp="libssl3", wolfi="libssl3", ubi9="openssl-libs", al2023="openssl-libs")),
 ("libcrypto.so.3", dict(d12="libssl3", d13="libssl3t64", u22="libssl3", u24="libssl3t64", alp="libcrypto3", wolfi="libcrypto3", ubi9="openssl-libs", al2023="openssl-libs")),
 ("libssl.so.10", dict(al2="openssl-libs")),
 ("libcrypto.so.10", dict(al2="openssl-libs")),
 ("libffi.so.6", dict(al2="libffi")),
 ("libffi.so.7", dict(d11="libffi7", u20="libffi7", u22="libffi7")),
 ("libffi.so.8", dict(d12="libffi8", d13="libffi8", u22="libffi8", u24="libffi8", alp="libffi", wolfi="libffi", ubi9="libffi", al2023="libffi")),
 ("libpq.so.5", dict(d11="libpq5", d12="libpq5", d13="libpq5", u20="libpq5", u22="libpq5", u24="libpq5", alp="libpq", wolfi="libpq", ubi9="libpq", al2023="libpq", al2="postgresql-libs")),
 ("libsqlite3.so.0", dict(d11="libsqlite3-0", d12="libsqlite3-0", d13="libsqlite3-0", u20="libsqlite3-0", u22="libsqlite3-0", u24="libsqlite3-0", alp="sqlite-libs", wolfi="sqlite-libs", ubi9="sqlite-libs", al2023="sqlite-libs", al2="sqlite")),
 ("libxml2.so.2", dict(d11="libxml2", d12="libxml2", d13="libxml2", u20="libxml2", u22="libxml2", u24="libxml2", alp="libxml2", wolfi="libxml2", ubi9="libxml2", al2023="libxml2", al2="libxml2")),
 ("libxslt.so.1", dict(d11="libxslt1.1", d12="libxslt1.1", d13="libxslt1.1", u20="libxslt1.1", u22="libxslt1.1", u24="libxslt1.1", alp="libxslt", wolfi="libxslt", ubi9="libxslt", al2023="libxslt", al2="libxslt")),
 ("libjpeg.so.62", dict(d11="libjpeg62-turbo", d12="libjpeg62-turbo", d13="libjpeg62-turbo", u20="libjpeg62", u22="libjpeg62", u24="libjpeg62", ubi9="libjpeg-turbo", al2023="libjpeg-turbo", al2="libjpeg-turbo")),
 ("libjpeg.so.8", dict(u20="libjpeg-turbo8", u22="libjpeg-turbo8", u24="libjpeg-turbo8", alp="libjpeg-turbo", wolfi="libjpeg-turbo")),
 ("libpng16.so.16", dict(d11="libpng16-16", d12="libpng16-16", d13="libpng16-16t64", u20="libpng16-16", u22="libpng16-16", u24="libpng16-16t64", alp="libpng", wolfi="libpng", ubi9="libpng", al2023="libpng", al2="libpng")),
 ("libvips.so.42", dict(d11="libvips42", d12="libvips42", d13="libvips42t64", u20="libvips42", u22="libvips42", u24="libvips42t64", alp="vips", wolfi="vips")),
 ("libvips-cpp.so.42", dict(d11="libvips42", d12="libvips42", d13="libvips42t64", u20="libvips42", u22="libvips42", u24="libvips42t64", alp="vips-cpp", wolfi="vips-cpp")),
 ("libre2.so.5", dict(u20="libre2-5")),
 ("libre2.so.9", dict(d11="libre2-9", d12="libre2-9", u22="libre2-9")),
 ("libre2.so.10", dict(u24="libre2-10")),
 ("libre2.so.11", dict(d13="libre2-11", alp="re2", wolfi="re2")),
 ("libgomp.so.1", dict(d11="libgomp1", d12="libgomp1", d13="libgomp1", u20="libgomp1", u22="libgomp1", u24="libgomp1", alp="libgomp", wolfi="libgomp", ubi9="libgomp", al2023="libgomp", al2="libgomp")),
 ("libatomic.so.1", dict(d11="libatomic1", d12="libatomic1", d13="libatomic1", u20="libatomic1", u22="libatomic1", u24="libatomic1", alp="libatomic", wolfi="libatomic", ubi9="libatomic", al2023="libatomic", al2="libatomic")),
 ("libuuid.so.1", dict(d11="libuuid1", d12="libuuid1", d13="libuuid1", u20="libuuid1", u22="libuuid1", u24="libuuid1", alp="libuuid", wolfi="libuuid", ubi9="libuuid", al2023="libuuid", al2="libuuid")),
 ("libbz2.so.1.0", dict(d11="libbz2-1.0", d12="libbz2-1.0", d13="libbz2-1.0", u20="libbz2-1.0", u22="libbz2-1.0", u24="libbz2-1.0")),
 ("libbz2.so.1", dict(d11="libbz2-1.0", d12="libbz2-1.0", d13="libbz2-1.0", u20="libbz2-1.0", u22="libbz2-1.0", u24="libbz2-1.0", alp="libbz2", wolfi="libbz2-1", ubi9="bzip2-libs", al2023="bzip2-libs", al2="bzip2-libs")),
 ("liblzma.so.5", dict(d11="liblzma5", d12="liblzma5", d13="liblzma5", u20="liblzma5", u22="liblzma5", u24="liblzma5", alp="xz-libs", wolfi="xz", ubi9="xz-libs", al2023="xz-libs", al2="xz-libs")),
 ("libzstd.so.1", dict(d11="libzstd1", d12="libzstd1", d13="libzstd1", u20="libzstd1", u22="libzstd1", u24="libzstd1", alp="zstd-libs", wolfi="zstd", ubi9="libzstd", al2023="libzstd", al2="libzstd")),
 ("libexpat.so.1", dict(d11="libexpat1", d12="libexpat1", d13="libexpat1", u20="libexpat1", u22="libexpat1", u24="libexpat1", alp="libexpat", wolfi="libexpat1", ubi9="expat", al2023="expat", al2="expat")),
 ("libcurl.so.4", dict(d11="libcurl4", d12="libcurl4", d13="libcurl4t64", u20="libcurl4", u22="libcurl4", u24="libcurl4t64", alp="libcurl", wolfi="libcurl-openssl4", ubi9="libcurl-minimal", al2023="libcurl-minimal", al2="libcurl")),
 ("libreadline.so.8", dict(d11="libreadline8", d12="libreadline8", d13="libreadline8t64", u20="libreadline8", u22="libreadline8", u24="libreadline8t64", alp="readline", wolfi="readline", ubi9="readline", al2023="readline")),
 ("libncursesw.so.6", dict(d11="libncursesw6", d12="libncursesw6", d13="libncursesw6", u20="libncursesw6", u22="libncursesw6", u24="libncursesw6", alp="ncurses-libs", wolfi="ncurses", ubi9="ncurses-libs", al2023="ncurses-libs", al2="ncurses-libs")),
 ("libtinfo.so.6", dict(d11="libtinfo6", d12="libtinfo6", d13="libtinfo6", u20="libtinfo6", u22="libtinfo6", u24="libtinfo6", alp="ncurses-libs", wolfi="ncurses", ubi9="ncurses-libs", al2023="ncurses-libs", al2="ncurses-libs")),
 ("libgdbm.so.6", dict(d11="libgdbm6", d12="libgdbm6", d13="libgdbm6t64", u20="libgdbm6", u22="libgdbm6", u24="libgdbm6t64", alp="gdbm", wolfi="gdbm", ubi9="gdbm-libs", al2023="gdbm-libs")),
 ("libglib-2.0.so.0", dict(d11="libglib2.0-0", d12="libglib2.0-0", d13="libglib2.0-0t64", u20="libglib2.0-0", u22="libglib2.0-0", u24="libglib2.0-0t64", alp="glib", wolfi="glib", ubi9="glib2", al2023="glib2", al2="glib2")),
 ("libkrb5.so.3", dict(d11="libkrb5-3", d12="libkrb5-3", d13="libkrb5-3", u20="libkrb5-3", u22="libkrb5-3", u24="libkrb5-3", alp="krb5-libs", wolfi="krb5-libs", ubi9="krb5-libs", al2023="krb5-libs", al2="krb5-libs")),
 ("libgssapi_krb5.so.2", dict(d11="libgssapi-krb5-2", d12="libgssapi-krb5-2", d13="libgssapi-krb5-2", u20="libgssapi-krb5-2", u22="libgssapi-krb5-2", u24="libgssapi-krb5-2", alp="krb5-libs", wolfi="krb5-libs", ubi9="krb5-libs", al2023="krb5-libs", al2="krb5-libs")),
 ("libsodium.so.23", dict(d11="libsodium23", d12="libsodium23", d13="libsodium23", u20="libsodium23", u22="libsodium23", u24="libsodium23", alp="libsodium", wolfi="libsodium")),
 ("libyaml-0.so.2", dict(d11="libyaml-0-2", d12="libyaml-0-2", d13="libyaml-0-2", u20="libyaml-0-2", u22="libyaml-0-2", u24="libyaml-0-2", alp="yaml", wolfi="yaml", ubi9="libyaml", al2023="libyaml", al2="libyaml")),
 ("libmagic.so.1", dict(d11="libmagic1", d12="libmagic1", d13="libmagic1t64", u20="libmagic1", u22="libmagic1", u24="libmagic1t64", alp="libmagic", wolfi="libmagic", ubi9="file-libs", al2023="file-libs", al2="file-libs")),
 ("libgmp.so.10", dict(d11="libgmp10", d12="libgmp10", d13="libgmp10", u20="libgmp10", u22="libgmp10", u24="libgmp10", alp="gmp", wolfi="gmp", ubi9="gmp", al2023="gmp", al2="gmp")),
 ("libfreetype.so.6", dict(d11="libfreetype6", d12="libfreetype6", d13="libfreetype6", u20="libfreetype6", u22="libfreetype6", u24="libfreetype6", alp="freetype", wolfi="freetype", ubi9="freetype", al2023="freetype", al2="freetype")),
 ("libfontconfig.so.1", dict(d11="libfontconfig1", d12="libfontconfig1", d13="libfontconfig1", u20="libfontconfig1", u22="libfontconfig1", u24="libfontconfig1", alp="fontconfig", wolfi="fontconfig", ubi9="fontconfig", al2023="fontconfig", al2="fontconfig")),
 ("libwebp.so.7", dict(d12="libwebp7", d13="libwebp7", u22="libwebp7", u24="libwebp7", alp="libwebp", wolfi="libwebp", ubi9="libwebp", al2023="libwebp")),
 ("libtiff.so.6", dict(d12="libtiff6", d13="libtiff6", u24="libtiff6", alp="tiff", wolfi="tiff", al2023="libtiff")),
 ("libtiff.so.5", dict(d11="libtiff5", u20="libtiff5", u22="libtiff5", ubi9="libtiff", al2="libtiff")),
 ("libmariadb.so.3", dict(d11="libmariadb3", d12="libmariadb3", d13="libmariadb3", u20="libmariadb3", u22="libmariadb3", u24="libmariadb3", alp="mariadb-connector-c", wolfi="mariadb-connector-c", ubi9="mariadb-connector-c", al2023="mariadb-connector-c")),
 ("libnuma.so.1", dict(d11="libnuma1", d12="libnuma1", d13="libnuma1", u20="libnuma1", u22="libnuma1", u24="libnuma1", alp="numactl", wolfi="numactl", ubi9="numactl-libs", al2023="numactl-libs", al2="numactl-libs")),
 ("libaio.so.1", dict(d11="libaio1", d12="libaio1", u20="libaio1", u22="libaio1", alp="libaio", wolfi="libaio", ubi9="libaio", al2023="libaio", al2="libaio")),
 ("libcap.so.2", dict(d11="libcap2", d12="libcap2", d13="libcap2", u20="libcap2", u22="libcap2", u24="libcap2", alp="libcap2", wolfi="libcap", ubi9="libcap", al2023="libcap", al2="libcap")),
 ("libpcre2-8.so.0", dict(d11="libpcre2-8-0", d12="libpcre2-8-0", d13="libpcre2-8-0", u20="libpcre2-8-0", u22="libpcre2-8-0", u24="libpcre2-8-0", alp="pcre2", wolfi="pcre2", ubi9="pcre2", al2023="pcre2", al2="pcre2")),
 ("libgfortran.so.5", dict(d11="libgfortran5", d12="libgfortran5", d13="libgfortran5", u20="libgfortran5", u22="libgfortran5", u24="libgfortran5", alp="libgfortran", wolfi="libgfortran", ubi9="libgfortran", al2023="libgfortran")),
 ("libquadmath.so.0", dict(d11="libquadmath0", d12="libquadmath0", d13="libquadmath0", u20="libquadmath0", u22="libquadmath0", u24="libquadmath0", alp="libquadmath", wolfi="libquadmath", ubi9="libquadmath", al2023="libquadmath", al2="libquadmath")),
 ("libcrypt.so.1", dict(d11="libcrypt1", d12="libcrypt1", d13="libcrypt1", u20="libcrypt1", u22="libcrypt1", u24="libcrypt1", alp="libxcrypt", wolfi="libxcrypt", ubi9="libxcrypt-compat", al2023="libxcrypt-compat", al2="glibc")),
 ("libnsl.so.2", dict(d11="libnsl2", d12="libnsl2", d13="libnsl2", u20="libnsl2", u22="libnsl2", u24="libnsl2", ubi9="libnsl2", al2023="libnsl2")),
 ("libbrotlidec.so.1", dict(d11="libbrotli1", d12="libbrotli1", d13="libbrotli1", u20="libbrotli1", u22="libbrotli1", u24="libbrotli1", alp="brotli-libs", wolfi="libbrotlidec1", ubi9="brotli", al2023="libbrotli", al2="brotli")),
 ("libnghttp2.so.14", dict(d11="libnghttp2-14", d12="libnghttp2-14", d13="libnghttp2-14", u20="libnghttp2-14", u22="libnghttp2-14", u24="libnghttp2-14", alp="nghttp2-libs", wolfi="libnghttp2-14", ubi9="libnghttp2", al2023="libnghttp2", al2="libnghttp2")),
 ("libevent-2.1.so.7", dict(d11="libevent-2.1-7", d12="libevent-2.1-7", d13="libevent-2.1-7t64", u20="libevent-2.1-7", u22="libevent-2.1-7", u24="libevent-2.1-7t64", alp="libevent", wolfi="libevent", ubi9="libevent", al2023="libevent")),
 ("libarchive.so.13", dict(d11="libarchive13", d12="libarchive13", d13="libarchive13t64", u20="libarchive13", u22="libarchive13", u24="libarchive13t64", alp="libarchive", wolfi="libarchive", ubi9="libarchive", al2023="libarchive", al2="libarchive")),
 ("libicuuc.so.72", dict(d12="libicu72")),
 ("libicuuc.so.76", dict(d13="libicu76")),
 ("libicuuc.so.70", dict(u22="libicu70")),
 ("libicuuc.so.74", dict(u24="libicu74")),
 ("libicuuc.so.67", dict(d11="libicu67", ubi9=None)),
]
KEYS = {"d11": ("apt", "debian11"), "d12": ("apt", "debian12"), "d13": ("apt", "debian13"), "u20": ("apt", "ubuntu20.04"),
        "u22": ("apt", "ubuntu22.04"), "u24": ("apt", "ubuntu24.04"), "alp": ("apk", "alpine"), "wolfi": ("apk", "wolfi"),
        "ubi9": ("dnf", "ubi9"), "al2023": ("dnf", "amazonlinux2023"), "al2": ("yum", "amazonlinux2")}
# alpine/dnf/yum size factors relative to the debian12 Installed-Size (rough; estimates)
FACTOR = {"apk": 0.8, "dnf": 1.1, "yum": 1.0}
hints = []
sizes12 = {}
for so, m in T:
    provs = []
    for k, pkg in m.items():
        if pkg is None: continue
        mgr, rel = KEYS[k]
        p = {"manager": mgr, "release": rel, "package": pkg}
        if rel in ROOTS:
            v, b = inst_size(rel, pkg)
            if b:
                src = (f"apt-cache show {pkg} on Debian 12, {TODAY} (Version {v}, Installed-Size × 1024)" if rel == "debian12" else
                       f"apt-cache show {pkg} in a {CODENAME[rel]} chroot against deb.debian.org, {TODAY} (Version {v}, Installed-Size × 1024)")
                p.update(installedBytes=b, estimate=False, source=src)
                if rel == "debian12": sizes12[so] = b
            else:
                p.update(installedBytes=None, estimate=True, source=f"packages.debian.org/{CODENAME[rel]}/{pkg} (not found by apt-cache; name expected)")
        provs.append(p)
    # estimates for the rest, seeded from the measured Debian sizes
    ref = sizes12.get(so)
    if ref is None:
        for p in provs:
            if p.get("installedBytes"): ref = p["installedBytes"]; break
    for p in provs:
        if "installedBytes" in p and p["installedBytes"] is not None: continue
        mgr, rel = p["manager"], p["release"]
        base = ref or 500_000
        p["installedBytes"] = int(round(base * FACTOR.get(mgr, 1.0), -3))
        p["estimate"] = True
        if mgr == "apt":
            p["source"] = f"estimate from the measured Debian size; check packages.ubuntu.com/{CODENAME[rel]}/{p['package']}" if rel.startswith("ubuntu") else p.get("source", "")
        elif rel == "alpine":
            p["source"] = f"estimate; package name per pkgs.alpinelinux.org (same name on alpine 3.19–3.22): pkgs.alpinelinux.org/packages?name={p['package']}&branch=v3.22"
        elif rel == "wolfi":
            p["source"] = "estimate; Wolfi package name (wolfi-dev/os), may differ — verify with `apk search so:" + so + "` in cgr.dev/chainguard/wolfi-base"
        elif rel == "ubi9":
            p["source"] = f"estimate; RHEL 9 package {p['package']} (dnf provides '*/{so}'); may need a RHEL subscription if not in the UBI repos"
        elif rel == "amazonlinux2023":
            p["source"] = f"estimate; Amazon Linux 2023 package {p['package']} (dnf provides '*/{so}')"
        else:
            p["source"] = f"estimate; Amazon Linux 2 package {p['package']} (yum provides '*/{so}')"
    for p in list(provs):
        if p["release"] == "ubi9":  # ubi-minimal uses microdnf with the same package names
            q = dict(p); q["manager"] = "microdnf"; provs.insert(provs.index(p) + 1, q)
    hints.append({"soname": so, "providers": provs})

notes = ("For a soname a binary needs but an image lacks: which package provides it, per package manager and release. "
         "debian11/12/13 installedBytes are real (apt-cache Installed-Size in KiB × 1024); all others are estimates seeded from the Debian "
         "size (apk ×0.8, dnf ×1.1). release \"alpine\" means the same package name on alpine 3.19–3.22. Sonames missing for a "
         "release (e.g. libssl.so.1.1 on debian12, libbz2.so.1.0 on alpine) have no provider row there: the fix is a rebuild, not a package.")
out = {"notes": notes, "generated": TODAY, "hints": hints}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "package-hints.json"), "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False); f.write("\n")
print(len(hints), "sonames", sum(len(h["providers"]) for h in hints), "providers",
      sum(1 for h in hints for p in h["providers"] if not p["estimate"]), "measured")
for h in hints:
    for p in h["providers"]:
        if p["release"].startswith("debian") and p["estimate"]: print("MISSING", h["soname"], p)
