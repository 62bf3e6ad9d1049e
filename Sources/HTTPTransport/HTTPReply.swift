import Foundation

/// A complete answer to a GET: status, headers (names as sent), the body, and the URL it
/// finally came from after redirects.
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
    public var finalURL: String

    public init(status: Int, headers: [(String, String)], body: Data, finalURL: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
    }

    /// The first value of a header, names compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}
