extension ImageLayers {
    /// The regular files and symbolic links one layer blob (plain tar, gzip or zstd) adds or
    /// replaces, as image paths without a leading `/` or `./`; whiteouts and directories are
    /// left out. Used to tell an application's files (layers above its base) from the base's.
    public static func addedFiles(inLayer path: String) throws(ImageLayersError) -> [String] {
        let reader = try ArchiveReader(path: path, format: .tar)
        var paths: [String] = []
        while let header = try reader.nextHeader() {
            switch header.kind {
            case .regular, .symlink, .hardlink: break
            default: continue
            }
            var name = String(decoding: header.pathBytes, as: UTF8.self)
            while name.hasPrefix("./") { name.removeFirst(2) }
            while name.hasPrefix("/") { name.removeFirst() }
            let last = name.split(separator: "/").last.map(String.init) ?? name
            if last.hasPrefix(".wh.") { continue }
            paths.append(name)
        }
        return paths
    }
}
