/// A `CMD` in exec form (`CMD ["node", "/app/index.js"]`): on an image with an ENTRYPOINT
/// (distroless runtimes: `/nodejs/bin/node`), its words are that program's arguments.
public struct DockerfileCommand: Sendable, Hashable {
    /// 1-based line of the `CMD`.
    public var line: Int
    public var words: [String]

    public init(line: Int, words: [String]) {
        self.line = line
        self.words = words
    }

    /// The `CMD` instruction at `line`, when it is in exec form.
    init?(_ instruction: String, line: Int) {
        let rest = instruction.drop { !Dockerfile.isSeparator($0) }.drop(while: Dockerfile.isSeparator)
        guard rest.hasPrefix("["), let words = try? JSONDecoderArray.strings(String(rest)), !words.isEmpty else { return nil }
        self.init(line: line, words: words)
    }

    /// `["node", "/app/index.js"]`, as written in the Dockerfile.
    public var written: String {
        "[" + words.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}
