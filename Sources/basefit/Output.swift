#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import POSIXFiles
import ProjectScan

/// Writes to stdout and stderr. Warnings go to stderr only, one line each.
enum Output {
    static func standard(_ text: String) { write(text, to: 1) }

    static func error(_ message: String) {
        write("basefit: error: \(message)\(message.hasSuffix("\n") ? "" : "\n")", to: 2)
    }

    static func warning(_ message: String) {
        write("basefit: warning: \(message)\n", to: 2)
    }

    /// Something the user must know to use the output, not a problem.
    static func note(_ message: String) {
        write("basefit: note: \(message)\n", to: 2)
    }

    static func verbose(_ message: String, options: GlobalOptions) {
        guard options.verbose else { return }
        write("basefit: \(message)\n", to: 2)
    }

    static func warnings(_ warnings: [ScanWarning], options: GlobalOptions) {
        guard !options.quiet else { return }
        var text = ""
        for warning in warnings {
            text += "basefit: warning: \(warning.path): \(warning.message)\n"
        }
        write(text, to: 2)
    }

    /// Writes all of `text`, retrying short writes and EINTR. A closed pipe ends quietly.
    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            _ = FileWrite.all(UnsafeRawBufferPointer(buffer), to: descriptor)
        }
    }
}
