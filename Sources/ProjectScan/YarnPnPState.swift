import Foundation

/// What a Yarn Plug'n'Play install records of its packages, read from the file Yarn wrote
/// beside `yarn.lock`. Only the packages' names, references and locations are read.
///
/// The state is JSON in every version, held in one of these forms:
/// - `.pnp.cjs`, Yarn 3.2+/4: `const RAW_RUNTIME_STATE =` a single-quoted JavaScript string
///   (Yarn escapes `\`, `'` and ends each line with a `\` continuation);
/// - `.pnp.cjs`, Yarn 3.0–3.1: the same string inside `hydrateRuntimeState(JSON.parse(…))`;
/// - `.pnp.cjs`, Yarn 6: `const RAW_RUNTIME_STATE =` a double-quoted (JSON) string;
/// - `.pnp.js`, Yarn 2: `hydrateRuntimeState({…})`, the JSON written as an object literal;
/// - `.pnp.data.json` beside a loader that `require`s it (`pnpEnableInlining: false`).
struct YarnPnPState: Sendable, Equatable {
    struct Package: Sendable, Equatable {
        var name: String
        var reference: String
        /// `packageLocation` as Yarn wrote it: relative to the directory of the PnP file, a
        /// cache zip's package (`./.yarn/cache/x-npm-1.0.0-….zip/node_modules/x/`), an unplugged
        /// directory, or a `__virtual__` alias of either.
        var location: String
        /// `linkType` HARD: Yarn put the package's files at `location` (a zip or an unplugged
        /// directory). SOFT: a workspace or `portal:`/`link:` target, the project's own files.
        var isHard: Bool
    }

    var packages: [Package]

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var detail: String
        /// The file is a loader whose state is in a file beside it (`.pnp.data.json`, or the
        /// path `dataLocation` names).
        var isSplitState = false
        var dataLocation: String?
        var description: String { detail }
    }

    /// The file names Yarn writes, in the order they are read when several lie side by side.
    static let fileNames = [".pnp.cjs", ".pnp.js", ".pnp.data.json"]

    /// A state file larger than this is not read (a monorepo's `.pnp.cjs` is a few MB).
    static let sizeLimit = 256 * 1024 * 1024

    /// The state in `text`, a file named `fileName`. A loader whose state lives in
    /// `.pnp.data.json` (split mode) throws `.splitState`.
    static func parse(_ text: String, fileName: String) throws(ParseError) -> YarnPnPState {
        let json: String
        if fileName == ".pnp.data.json" {
            json = text
        } else {
            json = try embeddedJSON(in: text)
        }
        return try parseJSON(Data(json.utf8))
    }

    /// Thrown when a loader keeps its state in `.pnp.data.json`.
    static let splitState = ParseError(detail: "the loader keeps its state in .pnp.data.json", isSplitState: true)

    /// A split-mode loader: Yarn 2 `require(dataLocation)`, Yarn 3/4
    /// `JSON.parse(fs.readFileSync(pnpDataFilepath, 'utf8'))`, the file named by
    /// `path.resolve(__dirname, "<location>")`.
    private static func splitLoader(_ bytes: [UInt8]) -> ParseError? {
        guard find("require(dataLocation)", in: bytes) != nil || find("readFileSync(pnpDataFilepath", in: bytes) != nil else { return nil }
        var error = splitState
        if let start = find("path.resolve(__dirname, ", in: bytes), start < bytes.count, bytes[start] == UInt8(ascii: "\"") {
            error.dataLocation = try? doubleQuoted(bytes, from: start)
        }
        return error
    }

    private static func embeddedJSON(in text: String) throws(ParseError) -> String {
        let bytes = Array(text.utf8)
        func skipSpace(_ from: Int) -> Int {
            var position = from
            while position < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[position]) { position += 1 }
            return position
        }
        func literal(at position: Int) throws(ParseError) -> String? {
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "'"): return try singleQuoted(bytes, from: position + 1)
            case UInt8(ascii: "\""): return try doubleQuoted(bytes, from: position)
            default: return nil
            }
        }
        if let start = find("const RAW_RUNTIME_STATE =", in: bytes) {
            guard let json = try literal(at: skipSpace(start)) else { throw ParseError(detail: "the runtime state is not a string literal") }
            return json
        }
        if let start = find("hydrateRuntimeState(JSON.parse(", in: bytes), let json = try literal(at: skipSpace(start)) {
            return json
        }
        if let split = splitLoader(bytes) { throw split }
        if let start = find("hydrateRuntimeState(", in: bytes) {
            let position = skipSpace(start)
            if position < bytes.count, bytes[position] == UInt8(ascii: "{") {
                return try objectLiteral(bytes, from: position)
            }
        }
        throw ParseError(detail: "no Plug'n'Play runtime state in it (not a file Yarn wrote)")
    }

    /// The index just past the first occurrence of `needle`.
    private static func find(_ needle: String, in bytes: [UInt8]) -> Int? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = 0
        while index <= bytes.count - pattern.count {
            if bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index + pattern.count }
            index += 1
        }
        return nil
    }

    /// A JavaScript single-quoted string literal's value, from just past its opening quote.
    private static func singleQuoted(_ bytes: [UInt8], from start: Int) throws(ParseError) -> String {
        var value: [UInt8] = []
        value.reserveCapacity(bytes.count - start)
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                return String(decoding: value, as: UTF8.self)
            case 0x0a, 0x0d:
                throw ParseError(detail: "the runtime state string ends at a line break (byte \(index))")
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { break }
                let escaped = bytes[index + 1]
                index += 2
                switch escaped {
                case 0x0a: continue  // a line continuation: nothing
                case 0x0d:
                    if index < bytes.count, bytes[index] == 0x0a { index += 1 }
                    continue
                case UInt8(ascii: "n"): value.append(0x0a)
                case UInt8(ascii: "r"): value.append(0x0d)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "f"): value.append(0x0c)
                case UInt8(ascii: "v"): value.append(0x0b)
                case UInt8(ascii: "0"): value.append(0x00)
                case UInt8(ascii: "x"), UInt8(ascii: "u"):
                    let digits = escaped == UInt8(ascii: "x") ? 2 : 4
                    guard index + digits <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<(index + digits)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else {
                        throw ParseError(detail: "a malformed \\\(Character(Unicode.Scalar(escaped))) escape in the runtime state string (byte \(index))")
                    }
                    value += Array(String(Character(scalar)).utf8)
                    index += digits
                default: value.append(escaped)  // \\ \' \" and any other character stand for themselves
                }
                continue
            default:
                value.append(byte)
            }
            index += 1
        }
        throw ParseError(detail: "the runtime state string is not closed")
    }

    /// A double-quoted (JSON) string literal's value, from its opening quote.
    private static func doubleQuoted(_ bytes: [UInt8], from start: Int) throws(ParseError) -> String {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < bytes.count else { throw ParseError(detail: "the runtime state string is not closed") }
        let literal = Data(bytes[start...index])
        guard let value = (try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed)) as? String else {
            throw ParseError(detail: "the runtime state string is not a valid JSON string")
        }
        return value
    }

    /// The JSON object literal starting at `start`, up to its matching brace.
    private static func objectLiteral(_ bytes: [UInt8], from start: Int) throws(ParseError) -> String {
        var depth = 0
        var index = start
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return String(decoding: bytes[start...index], as: UTF8.self) }
            }
            index += 1
        }
        throw ParseError(detail: "the runtime state object is not closed")
    }

    /// `packageRegistryData`: `[[name, [[reference, {packageLocation, linkType, …}], …]], …]`,
    /// the top-level project under the name null.
    private static func parseJSON(_ data: Data) throws(ParseError) -> YarnPnPState {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ParseError(detail: "the runtime state is not valid JSON")
        }
        guard let root = object as? [String: Any], let registry = root["packageRegistryData"] as? [Any] else {
            throw ParseError(detail: "the runtime state has no packageRegistryData")
        }
        var packages: [Package] = []
        for (position, entry) in registry.enumerated() {
            guard let pair = entry as? [Any], pair.count == 2, let references = pair[1] as? [Any] else {
                throw ParseError(detail: "packageRegistryData entry \(position) is not [name, references]")
            }
            guard let name = pair[0] as? String else { continue }  // the top-level project
            for reference in references {
                guard let item = reference as? [Any], item.count == 2, let information = item[1] as? [String: Any],
                      let location = information["packageLocation"] as? String else {
                    throw ParseError(detail: "package \(name) has an entry without a packageLocation")
                }
                let linkType = information["linkType"] as? String
                guard linkType == "HARD" || linkType == "SOFT" else {
                    throw ParseError(detail: "package \(name) has linkType \(linkType ?? "none") (HARD or SOFT expected)")
                }
                packages.append(Package(name: name, reference: item[0] as? String ?? "", location: location, isHard: linkType == "HARD"))
            }
        }
        return YarnPnPState(packages: packages)
    }

    /// A location through Yarn's `__virtual__` folder made plain, as Yarn's VirtualFS does:
    /// `a/.yarn/__virtual__/<name>-virtual-<hash>/<n>/rest` is `rest` resolved `n` directories
    /// above `a/.yarn`. A location without one is returned as it is.
    static func resolvingVirtual(_ location: String) -> String {
        var parts = location.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while let marker = parts.firstIndex(where: { $0 == "__virtual__" || $0 == "$$virtual" }) {
            // <marker>/<hash>/<depth>/rest…
            guard marker + 2 < parts.count, let depth = Int(parts[marker + 2]), depth >= 0, depth < 1024 else {
                return location
            }
            var base = Array(parts[..<marker])
            var climb = Array(repeating: "..", count: depth)
            climb += parts[(marker + 3)...]
            base += climb
            parts = base
        }
        return parts.joined(separator: "/")
    }
}
