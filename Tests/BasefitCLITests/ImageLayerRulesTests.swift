import Foundation
import Testing
import TestSupport

/// What a layer does to the files below it, judged through `--image` on the bookworm (and musl)
/// images of the local registry with one more layer: a tar written entry by entry with Python's
/// tarfile (devices, FIFOs, names that are not UTF-8, paths spelled `app/./x`, exactly as
/// stored), real ELF files from Fixtures/elf. Each image is also what the real loader sees in
/// umoci's unpack of it (the review's oracle): a special file or an unusable file first in the
/// search is no library, whatever lies below or later.
@Suite(.serialized) struct ImageLayerRulesTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    /// One layer entry for `layer(_:at:)`: kind ("file", "suid" (a file with mode 4755), "sym", "chr", "fifo"), name (`\xNN`
    /// escapes for raw bytes), and the source file (fixture path), link target or file bytes.
    struct Entry {
        var kind: String
        var name: String
        var argument: String = ""
    }

    /// Writes a plain tar of `entries` (names and link targets as bytes: `\xff` stays one byte).
    func layer(_ entries: [Entry], at path: String) throws {
        let script = """
            import io, json, sys, tarfile
            entries, out = json.loads(sys.argv[1]), sys.argv[2]
            raw = lambda text: text.encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8", "surrogateescape")
            with tarfile.open(out, "w", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as tar:
                for kind, name, argument in entries:
                    info = tarfile.TarInfo(raw(name)); info.mtime = 1700000000; info.mode = 0o755
                    data = None
                    if kind == "suid":
                        kind, info.mode = "file", 0o4755
                    if kind == "file":
                        data = open(argument, "rb").read() if argument.startswith("/") else argument.encode()
                        info.size = len(data)
                    elif kind == "sym":
                        info.type, info.linkname = tarfile.SYMTYPE, raw(argument)
                    elif kind == "chr":
                        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 0, 0
                    elif kind == "fifo":
                        info.type = tarfile.FIFOTYPE
                    tar.addfile(info, io.BytesIO(data) if data is not None else None)
            """
        let json = try JSONSerialization.data(withJSONObject: entries.map { [$0.kind, $0.name, $0.argument] })
        let result = try Run.program("/usr/bin/python3", ["-c", script, String(decoding: json, as: UTF8.self), path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func home(_ name: String) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return home
    }

    func problems(_ output: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
    }

    /// F1: a FIFO, or the `c 0 0` device overlay layers use as a whiteout, over bookworm's
    /// libstdc++.so.6 replaces it: a C++ library is not judged loadable there (before, the lower
    /// library stayed in basefit's tree and the check passed).
    @Test func aSpecialFileReplacesTheLibraryBelowIt() throws {
        guard let registry else { return }
        let home = try home("special")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let cxx = TestPaths.elf("libcxxdemo.so")
        let plain = try LocalRegistry.basefit(["check", cxx, "--image", "docker://\(registry.open)/debian:bookworm", "--tls-verify=false",
                                               "--runtime", "none"], home: home)
        #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
        for kind in ["fifo", "chr"] {
            try layer([Entry(kind: kind, name: "usr/lib/x86_64-linux-gnu/libstdc++.so.6")], at: home + "/\(kind).tar")
            let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/\(kind).tar", tag: "special-\(kind)",
                                                   repository: "team/special-\(kind)")
            for run in ["measured", "from the cache"] {
                let check = try LocalRegistry.basefit(["check", cxx, "--image", image, "--tls-verify=false", "--runtime", "none",
                                                       "--format", "json"], home: home)
                #expect(check.status == 1, "\(kind), \(run): \(check.stdout)\(check.stderr)")
                let found = problems(check.stdout)
                #expect(found.count == 1 && found.first?["library"] as? String == "libstdc++.so.6", "\(kind), \(run): \(found)")
                #expect((found.first?["message"] as? String)?.contains("libstdc++.so.6 first and stops there: it is not a regular file") == true,
                        "\(kind), \(run): \(found)")
            }
        }
    }

    /// F2: a program whose name is not UTF-8 (`app/\xffserver`, needing a library the image
    /// lacks) and a link whose target is not UTF-8 replacing libstdc++.so.6: the image is not
    /// judged (exit 2, the entry named), never passed.
    @Test func anEntryNamedInBytesThatAreNotUTF8LeavesTheImageUnjudged() throws {
        guard let registry else { return }
        let home = try home("nonutf8")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try layer([Entry(kind: "file", name: "app/\\xffserver", argument: TestPaths.elf("chain/bin/app"))], at: home + "/program.tar")
        let program = try registry.pushWithLayer(base: "bookworm", layer: home + "/program.tar", tag: "nonutf8-program",
                                                 repository: "team/nonutf8-program")
        let gate = try LocalRegistry.basefit(["check", "--image", program, "--tls-verify=false"], home: home)
        #expect(gate.status == 2, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stderr.contains("app/\\xffserver") && gate.stderr.contains("not valid UTF-8"), "\(gate.stderr)")

        try layer([Entry(kind: "sym", name: "usr/lib/x86_64-linux-gnu/libstdc++.so.6", argument: "libstdc++.so.6.0.30\\xff")],
                  at: home + "/link.tar")
        let link = try registry.pushWithLayer(base: "bookworm", layer: home + "/link.tar", tag: "nonutf8-link", repository: "team/nonutf8-link")
        let check = try LocalRegistry.basefit(["check", TestPaths.elf("libcxxdemo.so"), "--image", link, "--tls-verify=false",
                                               "--runtime", "none"], home: home)
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains("libstdc++.so.6.0.30\\xff"), "\(check.stderr)")
    }

    /// F3: the image's LD_LIBRARY_PATH names a directory holding a Git LFS pointer under
    /// libstdc++.so.6: glibc stops there ("invalid ELF header"), it never reaches the system
    /// directory's good copy. The problem names the pointer, measured and from the cache alike.
    @Test func anUnusableFileFirstOnTheLoadersSearchStopsIt() throws {
        guard let registry else { return }
        let home = try home("refused")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
        try layer([Entry(kind: "file", name: "opt/lib/libstdc++.so.6", argument: pointer)], at: home + "/pointer.tar")
        let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/pointer.tar", tag: "refused-pointer",
                                               repository: "team/refused-pointer", environment: ["LD_LIBRARY_PATH=/opt/lib"])
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", TestPaths.elf("libcxxdemo.so"), "--image", image, "--tls-verify=false",
                                                   "--runtime", "none", "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let found = problems(check.stdout)
            #expect(found.count == 1 && found.first?["library"] as? String == "libstdc++.so.6", "\(run): \(found)")
            let message = found.first?["message"] as? String ?? ""
            #expect(message.contains("/opt/lib/libstdc++.so.6 first and stops there") && message.contains("Git LFS pointer"), "\(run): \(message)")
        }
    }

    /// F5: a `glibc-hwcaps/x86-64-v2/` copy beside the system directory's library is what glibc
    /// loads on a capable CPU; basefit does not know the CPU, so an old copy there (without the
    /// VERS_2.0 the program needs) is a problem although the plain copy has it.
    @Test func aGlibcHwcapsCopyMustDoToo() throws {
        guard let registry else { return }
        let home = try home("hwcaps")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let directory = "usr/lib/x86_64-linux-gnu"
        let program = TestPaths.elf("versions/bin/app")
        try layer([Entry(kind: "file", name: directory + "/libvers.so.1", argument: TestPaths.elf("versions/new/libvers.so.1"))],
                  at: home + "/plain.tar")
        let plain = try registry.pushWithLayer(base: "bookworm", layer: home + "/plain.tar", tag: "hwcaps-plain", repository: "team/hwcaps-plain")
        let passes = try LocalRegistry.basefit(["check", program, "--image", plain, "--tls-verify=false", "--runtime", "none"], home: home)
        #expect(passes.status == 0, "\(passes.stdout)\(passes.stderr)")
        try layer([Entry(kind: "file", name: directory + "/libvers.so.1", argument: TestPaths.elf("versions/new/libvers.so.1")),
                   Entry(kind: "file", name: directory + "/glibc-hwcaps/x86-64-v2/libvers.so.1", argument: TestPaths.elf("versions/lib/libvers.so.1"))],
                  at: home + "/hwcaps.tar")
        let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/hwcaps.tar", tag: "hwcaps-old", repository: "team/hwcaps-old")
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", program, "--image", image, "--tls-verify=false", "--runtime", "none",
                                                   "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            #expect(problems(check.stdout).contains { ($0["message"] as? String)?.contains("VERS_2.0") == true }, "\(run): \(check.stdout)")
        }
    }

    /// F6: the image's configuration preloads a library (`LD_PRELOAD`) that needs one the image
    /// lacks: the loader maps it into every program and stops ("error while loading shared
    /// libraries: libchainb.so.1"), so a project program that itself loads is not compatible.
    @Test func aPreloadedLibraryIsHeldToTheImageForEveryProgram() throws {
        guard let registry else { return }
        let home = try home("preload")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try layer([Entry(kind: "file", name: "opt/lib/libchaina.so.1", argument: TestPaths.elf("chain/lib/libchaina.so.1"))],
                  at: home + "/preload.tar")
        let program = TestPaths.elf("hello-glibc")
        let quiet = try registry.pushWithLayer(base: "bookworm", layer: home + "/preload.tar", tag: "preload-none", repository: "team/preload-none")
        let passes = try LocalRegistry.basefit(["check", program, "--image", quiet, "--tls-verify=false", "--runtime", "none"], home: home)
        #expect(passes.status == 0, "\(passes.stdout)\(passes.stderr)")
        let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/preload.tar", tag: "preload-broken",
                                               repository: "team/preload-broken", environment: ["LD_PRELOAD=/opt/lib/libchaina.so.1"])
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", program, "--image", image, "--tls-verify=false", "--runtime", "none",
                                                   "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let found = problems(check.stdout)
            #expect(found.count == 1 && found.first?["library"] as? String == "libchainb.so.1"
                    && found.first?["artifact"] as? String == "/opt/lib/libchaina.so.1", "\(run): \(found)")
            #expect((found.first?["message"] as? String)?.hasSuffix("(the image's LD_PRELOAD loads it into every program)") == true, "\(run): \(found)")
        }
    }

    /// F7: a setuid program that finds its library only through the configuration's
    /// LD_LIBRARY_PATH: glibc's secure mode ignores it ("error while loading shared libraries:
    /// libchaina.so.1" as any other user), so the image's own gate fails; the same program
    /// without the bit passes.
    @Test func aSetuidProgramGetsNothingFromLDLibraryPath() throws {
        guard let registry else { return }
        let home = try home("setuid")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let libraries = [Entry(kind: "file", name: "opt/lib/libchaina.so.1", argument: TestPaths.elf("chain/lib/libchaina.so.1")),
                         Entry(kind: "file", name: "opt/lib/libchainb.so.1", argument: TestPaths.elf("chain/lib/libchainb.so.1"))]
        for (kind, expected) in [("file", Int32(0)), ("suid", Int32(1))] {
            try layer(libraries + [Entry(kind: kind, name: "app/app", argument: TestPaths.elf("chain/bin/app"))], at: home + "/\(kind).tar")
            let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/\(kind).tar", tag: "setid-\(kind)",
                                                   repository: "team/setid-\(kind)", environment: ["LD_LIBRARY_PATH=/opt/lib"])
            for run in ["measured", "from the cache"] {
                let check = try LocalRegistry.basefit(["check", "--image", image, "--tls-verify=false", "--format", "json"], home: home)
                #expect(check.status == expected, "\(kind), \(run): \(check.stdout)\(check.stderr)")
                guard expected == 1 else { continue }
                let found = problems(check.stdout)
                #expect(found.count == 1 && found.first?["artifact"] as? String == "/app/app"
                        && found.first?["library"] as? String == "libchaina.so.1", "\(run): \(found)")
                #expect((found.first?["message"] as? String)?.contains("setuid or setgid") == true, "\(run): \(found)")
            }
        }
    }

    /// F4: `--app-only` keeps the app layer's files however the layer spells their paths:
    /// `app/./bad`, `app//bad2` and `bin/bad3` written through bookworm's `bin -> usr/bin`
    /// (a program needing libchaina.so.1, which the image lacks); before, only `app/ok` was
    /// judged and the gate passed.
    @Test func appOnlyKeepsTheAppLayersFilesHoweverTheirPathsAreSpelled() throws {
        guard let registry else { return }
        let home = try home("apppaths")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let bad = TestPaths.elf("chain/bin/app")
        try layer([Entry(kind: "file", name: "app/ok", argument: TestPaths.elf("hello-glibc")),
                   Entry(kind: "file", name: "app/./bad", argument: bad),
                   Entry(kind: "file", name: "app//bad2", argument: bad),
                   Entry(kind: "file", name: "bin/bad3", argument: bad)], at: home + "/app.tar")
        let image = try registry.pushWithLayer(base: "bookworm", layer: home + "/app.tar", tag: "app-paths", repository: "team/app-paths")
        let catalog = home + "/team.sqlite"
        let imported = try LocalRegistry.basefit(["catalog", "import", "--image", "docker://\(registry.open)/debian:bookworm", "--name", "team/bookworm:1",
                                                  "--tls-verify=false", "--catalog", catalog], home: home)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", "--image", image, "--app-only", "--tls-verify=false", "--catalog", catalog,
                                                   "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let found = problems(check.stdout)
            #expect(found.count == 1 && found.first?["library"] as? String == "libchaina.so.1", "\(run): \(found)")
            #expect(Set(found.first?["artifacts"] as? [String] ?? []) == ["/app/bad", "/app/bad2", "/usr/bin/bad3"], "\(run): \(found)")
        }
    }
}
