import ArgumentParser

/// Where Python lockfile pins are looked up (pip's own flags and environment variables).
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: "Python package index (Simple API) for lockfile pins (default: PIP_INDEX_URL, the lockfile's, or PyPI).")
    var indexURL: String?

    @Option(name: .long, help: "An additional Python package index (repeatable; PIP_EXTRA_INDEX_URL is read too).")
    var extraIndexURL: [String] = []

    @Flag(name: .long, help: "Do not ask a package index: judge lockfiles from what they list (uv.lock, poetry.lock, pylock.toml).")
    var offline = false
}
