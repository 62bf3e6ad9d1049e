/// A file name (or link target) that is not valid UTF-8, shown as `ls -b` shows it: printable
/// ASCII bytes as they are, every other byte (and `\`) as `\xNN`.
public enum EscapedName {
    public static func of(_ rawName: [UInt8]) -> String {
        var text = ""
        for byte in rawName {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text
    }
}
