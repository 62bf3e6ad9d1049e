import Domain

/// A unified diff (`diff -u`) between two texts, with three lines of context, for
/// `recommend --format patch`. Lines are compared whole; the edit script is the
/// longest common subsequence (Dockerfiles are short).
public enum UnifiedDiff {
    private enum Edit {
        case keep, remove, add
    }

    public static func diff(_ old: String, _ new: String, path: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        // The edit script, with each edit's line in the old and the new text.
        var edits: [(edit: Edit, old: Int, new: Int)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                edits.append((.keep, i, j)); i += 1; j += 1
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                edits.append((.remove, i, j)); i += 1
            } else {
                edits.append((.add, i, j)); j += 1
            }
        }
        let changed = edits.indices.filter { edits[$0].edit != .keep }
        guard !changed.isEmpty else { return "" }
        var output = "--- a/\(path)\n+++ b/\(path)\n"
        var index = 0
        while index < changed.count {
            // Changes closer than twice the context share one hunk.
            var last = index
            while last + 1 < changed.count, changed[last + 1] - changed[last] <= 2 * context { last += 1 }
            let start = max(0, changed[index] - context)
            let end = min(edits.count - 1, changed[last] + context)
            var body = ""
            var oldCount = 0, newCount = 0
            for (edit, x, y) in edits[start...end] {
                switch edit {
                case .keep: body += " \(a[x].text)\n" + a[x].unterminatedMark; oldCount += 1; newCount += 1
                case .remove: body += "-\(a[x].text)\n" + a[x].unterminatedMark; oldCount += 1
                case .add: body += "+\(b[y].text)\n" + b[y].unterminatedMark; newCount += 1
                }
            }
            let first = edits[start]
            output += "@@ -\(first.old + (oldCount == 0 ? 0 : 1)),\(oldCount) +\(first.new + (newCount == 0 ? 0 : 1)),\(newCount) @@\n" + body
            index = last + 1
        }
        return output
    }

    /// A line as the diff compares it: its text (with the "\r" of a "\r\n" ending, which a
    /// patch must carry to match the file) and whether a newline ends it. Only a text's last
    /// line can lack one; it differs from the same text with a newline, and the diff marks it
    /// as `diff -u` and git do.
    private struct Line: Equatable {
        var text: Substring
        var terminated: Bool

        var unterminatedMark: String { terminated ? "" : "\\ No newline at end of file\n" }
    }

    /// The text's lines; a final newline ends the last line rather than starting an empty one.
    private static func lines(_ text: String) -> [Line] {
        var lines = text.textLines(keepingCarriageReturns: true).map { Line(text: $0, terminated: true) }
        if lines.last?.text.isEmpty == true {
            lines.removeLast()
        } else if !lines.isEmpty {
            lines[lines.count - 1].terminated = false
        }
        return lines
    }
}
