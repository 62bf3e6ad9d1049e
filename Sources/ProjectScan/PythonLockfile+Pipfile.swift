import Foundation

/// `Pipfile.lock` (pipenv, `pipfile-spec` 6): JSON whose `default` and `develop` sections map
/// each project to `{"version": "==X", "hashes": ["sha256:…"], "markers": "…", "index": "name"}`.
/// It names no files: pipenv has pip install each pin from `_meta.sources` with its hashes
/// required, so the index lists the files and only those with a listed hash may be picked.
extension PythonLockfile {
    public static func parsePipfileLock(_ data: Data, path: String) throws(ParseError) -> PythonLockfile {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ParseError(path: path, detail: "not JSON (\(error.localizedDescription)): not a Pipfile.lock")
        }
        guard let top = object as? [String: Any], let meta = top["_meta"] as? [String: Any] else {
            throw ParseError(path: path, detail: "no _meta object: not a Pipfile.lock")
        }
        if let spec = meta["pipfile-spec"] as? Int, spec != 6 {
            throw ParseError(path: path, detail: "pipfile-spec \(spec) (basefit reads 6)")
        }
        // pipenv installs from the first source and looks in the others too.
        let sources = (meta["sources"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String }
        let display = PathText.fileName(of: path)
        var pins: [Pin] = []
        var warnings: [String] = []
        // `pipenv install --deploy` installs `default`; `--dev` adds `develop`. Both are judged,
        // as every group of uv.lock, poetry.lock and pdm.lock is.
        for section in ["default", "develop"] {
            guard let entries = top[section] else { continue }
            guard let entries = entries as? [String: Any] else {
                throw ParseError(path: path, detail: "\"\(section)\" is not an object")
            }
            for name in entries.keys.sorted() {
                let origin = "\(display) \(section) \(name)"
                guard let entry = entries[name] as? [String: Any] else {
                    warnings.append("\(origin): not an object; not judged")
                    continue
                }
                if let source = ["git", "hg", "svn", "bzr", "path", "file"].first(where: { entry[$0] != nil }) {
                    warnings.append("\(origin) installs from its \(source) source, not from an index; not judged (scan the built wheel)")
                    continue
                }
                guard let specifier = entry["version"] as? String, specifier.hasPrefix("=="), !specifier.hasPrefix("===") else {
                    let text = (entry["version"] as? String).map { " (\($0))" } ?? ""
                    warnings.append("\(origin) is not pinned with ==\(text); not judged")
                    continue
                }
                let version = specifier.dropFirst(2).trimmingCharacters(in: .whitespaces)
                guard !version.isEmpty, !version.contains("*") else {
                    warnings.append("\(origin) is not pinned to one version (\(specifier)); not judged")
                    continue
                }
                let hashes = (entry["hashes"] as? [String] ?? []).compactMap { hash -> String? in
                    hash.hasPrefix("sha256:") ? String(hash.dropFirst(7)).lowercased() : nil
                }
                let marker = (entry["markers"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                pins.append(Pin(name: name, version: version, marker: marker, hashes: hashes, origin: origin))
            }
        }
        // A project in both sections at one version is one pin; at two (pipenv resolves
        // `develop` with `default`'s pins, so only an edited lock has them) pip refuses the pair.
        let (unique, conflicts) = onePinEach(pins)
        pins = unique
        warnings += conflicts
        let requires = meta["requires"] as? [String: Any]
        let python = pipenvPython(full: requires?["python_full_version"] as? String, version: requires?["python_version"] as? String)
        return PythonLockfile(format: .pipfile, path: path, pins: pins, indexURL: sources.first,
                              extraIndexURLs: Array(sources.dropFirst()), warnings: warnings, requiresPython: python)
    }

    /// `[requires]` as pipenv holds an interpreter to it: a specifier as written (`>=3.10`),
    /// else only the components given (`3.11` is any 3.11.x, `3.11.7` exactly that).
    static func pipenvPython(full: String?, version: String?) -> String? {
        guard let text = (full ?? version)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.contains(where: { "<>=!~".contains($0) }) { return text }
        return full != nil ? "==" + text : "==" + text + ".*"
    }
}
