/// A missing library no package of the release and architecture provides, and why.
public struct UnresolvedLibrary: Sendable, Hashable {
    public var soname: String
    public var reason: String

    public init(soname: String, reason: String) {
        self.soname = soname
        self.reason = reason
    }
}
