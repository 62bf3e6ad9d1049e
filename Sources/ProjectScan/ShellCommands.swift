/// A shell script cut into its simple commands, each a list of words (quotes kept, as
/// `Dockerfile.shellWords` keeps them): split at unquoted `;`, `&`, `|`, `(`, `)` and line
/// ends, words at unquoted blanks. Enough to find which programs a `RUN` calls and with what
/// arguments; no expansion is done.
enum ShellCommands {
    static func split(_ script: String) -> [[String]] {
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty { commands.append(words) }
            words = []
        }
        for character in script {
            if escaped {
                // A backslash before a line end joins the lines.
                if character != "\n" { word.append(character); inWord = true }
                escaped = false
                continue
            }
            if let open = quote {
                word.append(character)
                if character == "\\" && open == "\"" { escaped = true; continue }
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\\":
                escaped = true
            case "\"", "'":
                quote = character
                word.append(character)
                inWord = true
            case ";", "&", "|", "(", ")", "\n":
                endCommand()
            case " ", "\t", "\r", "\u{0B}", "\u{0C}":
                endWord()
            default:
                word.append(character)
                inWord = true
            }
        }
        endCommand()
        return commands
    }
}
