import Foundation

/// The arguments of `pip install` (or `uv pip install`) after `install`: the requirements files
/// it reads, whether it installs the project itself (`.`, a path, `-e .`), and the packages it
/// names on the command line, other than the packaging tools (`pip install --upgrade pip poetry`
/// installs tools, not the project's packages).
struct PipArguments: Sendable, Hashable {
    var requirementFiles: [String] = []
    var installsProject = false
    var packages: [String] = []

    /// Options that take a value (the next word, unless written `--option=value`).
    static let valued: Set<String> = [
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
        "-t", "--target", "--prefix", "--root", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
        "--no-binary", "--src", "--upgrade-strategy", "--progress-bar", "--log", "--cache-dir", "--trusted-host", "--proxy", "--retries",
        "--timeout", "--exists-action", "--cert", "--client-cert", "--report", "-C", "--config-settings", "--global-option",
        "--python", "-p", "--root-user-action", "--keyring-provider", "--use-feature", "--use-deprecated", "--index", "--default-index",
        "--index-strategy", "--override", "-b", "--build-constraint", "--group", "--extra", "--exclude-newer", "--resolution",
        "--prerelease", "--link-mode", "--torch-backend", "-P", "--upgrade-package", "--reinstall-package", "--no-build-package",
        "--no-binary-package", "--only-binary-package", "--python-platform", "--excludes", "--overrides", "--constraints",
    ]

    /// Packaging tools: installing them does not install the project's packages.
    static let tools: Set<String> = [
        "pip", "setuptools", "wheel", "uv", "poetry", "poetry-core", "poetry-plugin-export", "pipenv", "pdm", "pdm-backend", "virtualenv",
        "build", "hatch", "hatchling", "flit", "flit-core", "pip-tools", "setuptools-scm", "twine", "pipx", "packaging",
    ]

    init<Words: Collection>(_ words: Words) where Words.Element == String {
        var iterator = Array(words).makeIterator()
        while let word = iterator.next() {
            if word.hasPrefix("-") {
                let (option, inline) = Self.split(word)
                guard Self.valued.contains(option) || Self.attachedShort(word) != nil else { continue }
                let value: String?
                if let inline {
                    value = inline
                } else if let attached = Self.attachedShort(word) {
                    value = attached.value
                } else {
                    value = iterator.next()
                }
                guard let value else { continue }
                switch Self.attachedShort(word)?.option ?? option {
                case "-r", "--requirement": requirementFiles.append(value)
                case "-e", "--editable": installsProject = true
                default: break
                }
            } else if Self.isPath(word) {
                installsProject = true
            } else if !Self.tools.contains(Self.name(of: word)) {
                packages.append(word)
            }
        }
    }

    /// `--option=value` → (`--option`, `value`).
    static func split(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// `-rrequirements.txt`, `-cconstraints.txt`: a short option with its value attached.
    static func attachedShort(_ word: String) -> (option: String, value: String)? {
        guard !word.hasPrefix("--"), word.count > 2 else { return nil }
        let option = String(word.prefix(2))
        guard ["-r", "-c", "-e", "-i", "-f", "-t", "-C", "-p", "-b", "-P"].contains(option) else { return nil }
        return (option, String(word.dropFirst(2)))
    }

    /// A local path or archive (the project, a wheel file), not a requirement.
    static func isPath(_ word: String) -> Bool {
        word == "." || word.hasPrefix("./") || word.hasPrefix("../") || word.hasPrefix("/") || word.hasPrefix("~")
            || word.hasSuffix(".whl") || word.hasSuffix(".tar.gz") || word.hasSuffix(".zip")
    }

    /// The normalised distribution name of a requirement (`Poetry==1.8.3` → `poetry`).
    static func name(of requirement: String) -> String {
        let raw = requirement.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return raw.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
    }
}
