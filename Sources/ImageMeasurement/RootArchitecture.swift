import Domain
import ImageCatalog
import ELFInspection
import POSIXFiles
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
        guard let prefix = try? OpenFile(hostPath).read(count: ELFIdentity.prefixLength, at: 0),
              let identity = ELFIdentity(prefix: prefix) else { return nil }
        machine = identity.machine
        isLoadable = identity.isLoadable
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
            guard let names = try? Directory.names(hostDirectory) else { continue }
            for name in names.sorted() where visited < budget {
                visited += 1
                let inside = (directory == "/" ? "" : directory) + "/" + name
                let host = paths.root + inside
                guard let status = FileStatus.ofLink(host) else { continue }
                switch status.kind {
                case .directory:
                    if !skipped.contains(inside) { queue.append(inside) }
                case .regular where status.size >= 64:
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
