import Foundation

/// `Pipfile.lock` (pipenv, `pipfile-spec` 6): JSON whose categories (`default`, `develop`, any
/// other a Pipfile names) map each project to `{"version": "==X", "hashes": ["sha256:…"], "markers": "…", "index": "name"}`.
/// It names no files: pipenv has pip install each pin from one of `_meta.sources` with its
/// hashes required, so the index lists the files and only those with a listed hash may be picked.
extension PythonLockfile {
    public static func parsePipfileLock(_ data: Data, path: String) throws(ParseError) -> PythonLockfile {
        guard !data.isEmpty else { throw ParseError(path: path, detail: "the file is empty: not a Pipfile.lock") }
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            throw ParseError(path: path, detail: "not JSON: not a Pipfile.lock")
        }
        guard let top = object as? [String: Any], let meta = top["_meta"] as? [String: Any] else {
            throw ParseError(path: path, detail: "no _meta object: not a Pipfile.lock")
        }
        if let spec = meta["pipfile-spec"], (spec as? Int ?? (spec as? String).flatMap { Int($0) }) != 6 {
            throw ParseError(path: path, detail: "pipfile-spec \(spec) (basefit reads 6)")
        }
        guard meta["sources"] == nil || meta["sources"] is [[String: Any]] else {
            throw ParseError(path: path, detail: "_meta.sources is not a list of sources")
        }
        // pipenv has pip install each package from one source: the one its `index` names, else
        // the first (`pip install -i` that source and nothing else).
        let sources = (meta["sources"] as? [[String: Any]] ?? []).compactMap { source -> (name: String, url: String)? in
            guard let url = source["url"] as? String else { return nil }
            return (source["name"] as? String ?? "", url)
        }
        let display = PathText.fileName(of: path)
        var pins: [Pin] = []
        var warnings: [String] = []
        // `pipenv install --deploy` installs `default`; `--dev` adds `develop`, and
        // `--categories` any other section (a Pipfile's `[docs]` is locked as `docs`). Every
        // one is judged, as every group of uv.lock, poetry.lock and pdm.lock is.
        let sections = ["default", "develop"] + top.keys.filter { $0 != "_meta" && $0 != "default" && $0 != "develop" }.sorted()
        for section in sections {
            guard let entries = top[section] else { continue }
            guard let entries = entries as? [String: Any] else {
                throw ParseError(path: path, detail: "\"\(section)\" is not an object")
            }
            var sectionPins: [Pin] = []
            for name in entries.keys.sorted() {
                let origin = "\(display) \(section) \(name)"
                guard let entry = entries[name] as? [String: Any] else {
                    warnings.append("\(origin): not an object; not judged")
                    continue
                }
                // The project itself (`pipenv install -e .`): its own build is not judged here.
                if let local = entry["path"] as? String, [".", "./"].contains(local) {
                    warnings.append("\(origin) is the project itself (path \(local)): its own build is not judged "
                                    + "(scan the built wheel, or --allow-unjudged when it is pure Python)")
                    continue
                }
                if let index = entry["index"] as? String, let first = sources.first, index != first.name {
                    warnings.append("\(origin) installs from the source \(index), not the lock's first source; "
                                    + "basefit asks the first one (or --index-url) for every pin; not judged")
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
                var pin = Pin(name: name, version: version, marker: marker, hashes: hashes, origin: origin)
                // pipenv installs a `no_binary` package with pip's --no-binary (its sdist).
                if truthy(entry["no_binary"]) { pin.binary = .noBinary }
                sectionPins.append(pin)
            }
            // Two versions in one section: pip refuses the pair. pipenv installs each category
            // with a pip run of its own, so two categories' versions are both judged.
            let (unique, conflicts) = onePinEach(sectionPins)
            warnings += conflicts
            for pin in unique where !pins.contains(where: { $0.name == pin.name && $0.version == pin.version && $0.marker == pin.marker }) {
                pins.append(pin)
            }
        }
        let requires = meta["requires"] as? [String: Any]
        func text(_ value: Any?) -> String? { (value as? String) ?? (value as? NSNumber).map { "\($0)" } }
        let python = pipenvPython(full: text(requires?["python_full_version"]), version: text(requires?["python_version"]))
        return PythonLockfile(format: .pipfile, path: path, pins: pins, indexURL: sources.first?.url,
                              extraIndexURLs: [], warnings: warnings, requiresPython: python)
    }

    /// `[requires]` as pipenv holds an interpreter to it: a specifier as written (`>=3.10`),
    /// else only the components given (`3.11` is any 3.11.x, `3.11.7` exactly that).
    /// (pipenv's `_python_version_matches_required`: an empty full version falls back to
    /// `python_version`; `*` is any; text that is neither is matched as a string, so it
    /// refuses every interpreter, and `decides` does not read it either.)
    static func pipenvPython(full: String?, version: String?) -> String? {
        let given = [full, version].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        guard let text = given, text != "*" else { return nil }
        // Matched as a string: PEP 440's arbitrary equality says the same (`decides` leaves it undecided).
        let asText = "===" + text.drop { $0 == "=" }
        // `||` is no PEP 440 operator: pipenv's SpecifierSet refuses the text, and it is matched as a string.
        if text.contains("||") { return asText }
        if [">=", "<=", "!=", "~=", ">", "<"].contains(where: text.contains) { return text }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return asText }
        return parts.count >= 3 ? "==" + text : "==" + text + ".*"
    }

    /// Python's truth of a JSON value, as pipenv tests `entry.get("no_binary")`.
    static func truthy(_ value: Any?) -> Bool {
        switch value {
        case let flag as Bool: return flag
        case let text as String: return !text.isEmpty
        case let number as NSNumber: return number != 0
        case let list as [Any]: return !list.isEmpty
        case let object as [String: Any]: return !object.isEmpty
        default: return false
        }
    }
}
