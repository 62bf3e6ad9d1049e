import Domain
/// A distribution release a base image is built on. Raw values are the release keys of
/// Data/package-hints.json (`debian12`, `ubuntu24.04`, `alpine`, …).
public enum Release: String, Sendable, Hashable, CaseIterable, Codable {
    case debian11, debian12, debian13
    case ubuntu2004 = "ubuntu20.04", ubuntu2204 = "ubuntu22.04", ubuntu2404 = "ubuntu24.04"
    case alpine, wolfi, ubi9
    case amazonLinux2 = "amazonlinux2", amazonLinux2023 = "amazonlinux2023"

    public enum Family: String, Sendable { case debian, ubuntu, alpine, wolfi, redhat, amazon }

    public var family: Family {
        switch self {
        case .debian11, .debian12, .debian13: return .debian
        case .ubuntu2004, .ubuntu2204, .ubuntu2404: return .ubuntu
        case .alpine: return .alpine
        case .wolfi: return .wolfi
        case .ubi9: return .redhat
        case .amazonLinux2, .amazonLinux2023: return .amazon
        }
    }

    /// The suite name in the archive (`bookworm`), for Debian-format distributions.
    public var codename: String? {
        switch self {
        case .debian11: return "bullseye"
        case .debian12: return "bookworm"
        case .debian13: return "trixie"
        case .ubuntu2004: return "focal"
        case .ubuntu2204: return "jammy"
        case .ubuntu2404: return "noble"
        default: return nil
        }
    }

    public var packageManager: PackageManager {
        switch family {
        case .debian, .ubuntu: return .apt
        case .alpine, .wolfi: return .apk
        case .redhat: return .microdnf
        case .amazon: return self == .amazonLinux2 ? .yum : .dnf
        }
    }

    /// `bookworm`, `debian12`, `12`, `debian:12`… → `.debian12`.
    public init?(name: String) {
        let text = name.lowercased()
        if let exact = Release(rawValue: text) { self = exact; return }
        if let byCodename = Release.allCases.first(where: { $0.codename == text }) { self = byCodename; return }
        switch text {
        case "11", "debian:11": self = .debian11
        case "12", "debian:12": self = .debian12
        case "13", "debian:13": self = .debian13
        default: return nil
        }
    }

    /// From `/etc/os-release` fields `ID` and `VERSION_ID` (`debian` + `12`, `ubuntu` + `24.04`).
    /// Debian testing/sid roots have no VERSION_ID; their `VERSION_CODENAME` is accepted instead.
    public init?(osReleaseID id: String, versionID: String?, codename: String? = nil) {
        switch id.lowercased() {
        case "debian":
            if let versionID, let release = Release(rawValue: "debian" + versionID.split(separator: ".")[0]) {
                self = release
            } else if let codename, let release = Release.allCases.first(where: { $0.codename == codename }) {
                self = release
            } else { return nil }
        case "ubuntu":
            guard let versionID, let release = Release(rawValue: "ubuntu" + versionID) else { return nil }
            self = release
        case "alpine": self = .alpine
        case "wolfi": self = .wolfi
        case "rhel": self = .ubi9
        case "amzn": 
            guard let versionID else { return nil }
            if versionID == "2" { self = .amazonLinux2 } else if versionID == "2023" { self = .amazonLinux2023 } else { return nil }
        default: return nil
        }
    }
}
