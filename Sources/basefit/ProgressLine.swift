import Dispatch
import Foundation
import ProjectScan
#if canImport(Glibc)
import Glibc
#endif

/// A progress line on stderr during long scans — only when stderr is a terminal,
/// so CI logs and piped output never see it.
enum ProgressLine {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var lastDraw: UInt64 = 0
        var drawn = false
        let start = DispatchTime.now().uptimeNanoseconds
    }

    private static let state = State()

    static func make(_ options: GlobalOptions) -> ProjectScan.Scanner.Progress? {
        guard !options.quiet, isatty(2) == 1 else { return nil }
        let state = self.state
        return { done, elf, total in
            let now = DispatchTime.now().uptimeNanoseconds
            state.lock.lock()
            defer { state.lock.unlock() }
            guard now - state.lastDraw > 200_000_000 || done == total else { return }
            state.lastDraw = now
            state.drawn = true
            let seconds = max(Double(now - state.start) / 1e9, 0.001)
            let files = total > 0 ? "\(done)/\(total) files" : "\(done) files"
            let line = "\r\u{1b}[Kbasefit: \(files), \(elf) ELF, \(Int(Double(done) / seconds)) files/s"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
    }

    /// Clears the line so the next output starts clean.
    static func finish(_ options: GlobalOptions) {
        state.lock.lock()
        defer { state.lock.unlock() }
        if state.drawn {
            _ = "\r\u{1b}[K".withCString { write(2, $0, strlen($0)) }
            state.drawn = false
        }
    }
}
