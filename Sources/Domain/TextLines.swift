extension StringProtocol {
    /// The lines of a text file, split at every "\n", each without its "\r\n" or "\n".
    ///
    /// Not `split(separator: "\n")`: that compares Characters, and "\r\n" is one Character,
    /// so a file saved with Windows line endings would be a single line. Empty lines are
    /// kept (line numbers stay true), and a final "\n" leaves an empty last element, as
    /// `split(separator:omittingEmptySubsequences: false)` does. With `keepingCarriageReturns`
    /// a line keeps the "\r" of its "\r\n", so that joining the lines with "\n" gives the text
    /// back byte for byte (an editor keeps each line's ending; so must a patch).
    public func textLines(keepingCarriageReturns: Bool = false) -> [SubSequence] {
        var lines: [SubSequence] = []
        let bytes = utf8
        var start = bytes.startIndex
        var index = start
        var carriageReturn: String.Index?  // where the "\r" just before `index` is
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                let end = keepingCarriageReturns ? index : (carriageReturn ?? index)
                lines.append(self[start..<end])
                start = bytes.index(after: index)
            }
            carriageReturn = byte == UInt8(ascii: "\r") ? index : nil
            index = bytes.index(after: index)
        }
        lines.append(self[start..<bytes.endIndex])
        return lines
    }
}
