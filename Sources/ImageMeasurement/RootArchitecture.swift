import Domain
import ImageCatalog
import ELFInspection
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The machine of one ELF file, read from its header alone (`e_ident`, `e_type`, `e_machine`).
struct ELFHeaderPeek {
    let machine: String
    /// ET_EXEC or ET_DYN: a program or a shared object (not an object file or a core dump).
    let isLoadable: Bool

    init?(hostPath: String) {
        guard let file = fopen(hostPath, "r") else { return nil }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 20)
        guard fread(&header, 1, 20, file) == 20, header[0] == 0x7F, header[1] == 0x45, header[2] == 0x4C, header[3] == 0x46,
              header[4] == 1 || header[4] == 2, header[5] == 1 || header[5] == 2 else { return nil }
        let little = header[5] == 1
        func half(_ at: Int) -> UInt16 {
            little ? UInt16(header[at]) | UInt16(header[at + 1]) << 8 : UInt16(header[at]) << 8 | UInt16(header[at + 1])
        }
        let type = half(16)
        machine = Machine.name(code: half(18), is64Bit: header[4] == 2, littleEndian: little)
        isLoadable = type == 2 || type == 3
    }
}

/// Which machine a root's programs are built for, and the file that says so.
struct RootArchitecture {
    let paths: RootPath

    /// The machine and the file (inside the root) it was read from: the shell or a
    /// well-known program first, then the loader, then the commonest machine among
    /// the programs and libraries anywhere in the root (a scratch or distroless/static
    /// export has no shell and no loader). nil when the root holds no ELF file.
    func detect() -> (machine: String, evidence: String)? {
        for candidate in ["/bin/sh", "/bin/busybox", "/usr/bin/env"] {
            if let host = paths.resolve(candidate), let peek = ELFHeaderPeek(hostPath: host), peek.isLoadable {
                return (peek.machine, candidate)
            }
        }
        for directory in ["/lib", "/usr/lib", "/lib64"] {
            for name in paths.list(directory) where name.hasPrefix("ld-") {
                let inside = directory + "/" + name
                if let host = paths.resolve(inside), let peek = ELFHeaderPeek(hostPath: host), peek.isLoadable {
                    return (peek.machine, inside)
                }
            }
        }
        return commonestMachine()
    }

    /// Walks the root (without following links, at most `budget` entries) and counts
    /// the machines of its loadable ELF files; ties go to the machine seen first.
    private func commonestMachine(budget: Int = 50_000) -> (machine: String, evidence: String)? {
        var counts: [String: Int] = [:]
        var firstSeen: [(machine: String, evidence: String)] = []
        var queue = ["/"]
        var visited = 0
        let skipped: Set<String> = ["/proc", "/sys", "/dev"]
        while !queue.isEmpty, visited < budget {
            let directory = queue.removeFirst()
            let hostDirectory = directory == "/" ? paths.root : paths.root + directory
            guard let handle = opendir(hostDirectory) else { continue }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names.sorted() where visited < budget {
                visited += 1
                let inside = (directory == "/" ? "" : directory) + "/" + name
                let host = paths.root + inside
                var info = stat()
                guard lstat(host, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if !skipped.contains(inside) { queue.append(inside) }
                case S_IFREG where info.st_size >= 64:
                    guard let peek = ELFHeaderPeek(hostPath: host), peek.isLoadable else { continue }
                    if counts[peek.machine] == nil { firstSeen.append((peek.machine, inside)) }
                    counts[peek.machine, default: 0] += 1
                default:
                    continue
                }
            }
        }
        let best = counts.values.max()
        return firstSeen.first { counts[$0.machine] == best }
    }

    /// The Docker platform architecture (`amd64`, `arm64`, `arm/v7` …) of a machine in
    /// this root. 32-bit ARM is told apart by the root's multiarch directories (Debian
    /// armhf is ARMv7, armel ARMv5); nil when the root does not say which ARM it is.
    func dockerName(machine: String) -> String? {
        guard machine == "arm" else { return Machine.platformArchitecture(machine) }
        let names = Set(paths.list("/lib") + paths.list("/usr/lib"))
        if names.contains("arm-linux-gnueabihf") || names.contains("ld-linux-armhf.so.3") { return "arm/v7" }
        if names.contains("arm-linux-gnueabi") { return "arm/v5" }
        return nil
    }
}
