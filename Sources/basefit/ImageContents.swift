import Foundation
import ImageMeasurement
import ProjectScan

/// The image's own files as a project: what every ELF file in the unpacked root needs.
enum ImageContents {
    /// Scans the unpacked root with paths as they are inside the image (`usr/bin/app`).
    static func scan(root: String, global: GlobalOptions) throws -> Requirements {
        let manager = FileManager.default
        let previous = manager.currentDirectoryPath
        guard manager.changeCurrentDirectoryPath(root) else {
            throw CLIError.usage("\(root): cannot enter the unpacked image")
        }
        defer { _ = manager.changeCurrentDirectoryPath(previous) }
        let report = try ProjectScan.Scanner().scan(["."])
        Output.warnings(report.warnings, options: global)
        let scanned = report.requirements
        // Paths as the image has them: ./usr/bin/app → /usr/bin/app.
        let files = scanned.files.map { file in
            var file = file
            file.path = "/" + normalised(file.path)
            return file
        }
        let unjudged = scanned.unjudged.map { UnjudgedFile(path: "/" + normalised($0.path), reason: $0.reason) }
        return Requirements(files: files, node: scanned.node, python: scanned.python, hints: scanned.hints, unjudged: unjudged)
    }

    /// What each library the measurement found needs, by its path inside the image as the
    /// measurement names it (often a symbolic link: `/lib/x86_64-linux-gnu/libz.so.1`), and what
    /// each runtime's program needs (what its process loads before an addon or extension module).
    static func libraryNeeds(root: String, measured: RootfsMeasurer.Result) throws -> [String: FileNeeds] {
        let measurer = try RootfsMeasurer(root: root)
        var result: [String: FileNeeds] = [:]
        for inside in Set(measured.libraries.compactMap(\.path) + measured.preloads + measured.runtimes.map(\.path)) {
            result[inside] = libraryNeeds(inside, named: inside, in: measurer)
        }
        return result
    }

    /// What the root's library at `inside` needs, read where the path leads inside the root and
    /// named `name`. What its own RUNPATH (else RPATH) finds in the root, `$ORIGIN` being the
    /// directory of `inside` (the path the loader opens: a cache entry, or a directory of its
    /// search joined with the name; for a link to a file, the link's directory, as glibc has it),
    /// is not asked of the image.
    static func libraryNeeds(_ inside: String, named name: String, in measurer: RootfsMeasurer) -> FileNeeds? {
        guard let host = measurer.hostPath(of: inside),
              let artifact = (try? ProjectScan.Scanner().scan([host]))?.artifacts.first else { return nil }
        var needs = FileNeeds(artifact)
        needs.path = name
        if let list = artifact.facts.runpath ?? artifact.facts.rpath {
            let origin = String(inside[..<(inside.lastIndex(of: "/") ?? inside.startIndex)])
            needs.external.removeAll { soname in measurer.found(soname, searchList: list, origin: origin) != nil }
        }
        return needs
    }

    /// Keeps only the files under `paths` (image paths without a leading slash).
    static func restrict(_ requirements: Requirements, to paths: Set<String>) -> Requirements {
        let kept = requirements.restricted(to: requirements.files.filter { paths.contains(normalised($0.path)) })
        // A wheel member not judged is named by its wheel's path, the file in the layer; a
        // directory not read, by the directory, kept when an app-layer file lies under it.
        let unjudged = requirements.unjudged.filter { file in
            let path = normalised(file.path)
            return paths.contains(path) || paths.contains { $0.hasPrefix(path + "/") }
        }
        return Requirements(files: kept.files, node: kept.node, python: kept.python, hints: kept.hints, lockfiles: kept.lockfiles,
                            unjudged: unjudged)
    }

    static func normalised(_ path: String) -> String {
        var text = path
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasPrefix("/") { text.removeFirst() }
        return text
    }
}
