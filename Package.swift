// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "basefit",
    products: [
        .executable(name: "basefit", targets: ["basefit"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "ELFInspection", targets: ["ELFInspection"]),
        .library(name: "ProjectScan", targets: ["ProjectScan"]),
        .library(name: "ImageCatalog", targets: ["ImageCatalog"]),
        .library(name: "ImageMeasurement", targets: ["ImageMeasurement"]),
        .library(name: "Advisor", targets: ["Advisor"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "PackageKnowledge", targets: ["PackageKnowledge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // HTTP for registries and PyPI: only the HTTPTransport target imports it (see Sources/HTTPTransport/README.md; not named Network, which is Apple's module AsyncHTTPClient probes for).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Debian's libelf-dev (elfutils). Only ELFInspection/LibElf.swift imports it.
        .systemLibrary(
            name: "CLibElf",
            pkgConfig: "libelf",
            providers: [.apt(["libelf-dev"])]
        ),
        .target(name: "ELFInspection", dependencies: ["CLibElf"]),
        // The shared vocabulary: image references, runtimes, package managers, the clock.
        .target(name: "Domain"),
        // The POSIX file calls (open/fstat/pread/lstat/readdir/rename) behind one gateway.
        .target(name: "POSIXFiles"),
        // Debian's libarchive-dev. Only ImageLayers/LibArchive.swift imports it.
        .systemLibrary(name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .target(name: "ImageLayers", dependencies: ["CLibArchive", "Domain", "POSIXFiles", .product(name: "Crypto", package: "swift-crypto")]),
        // HTTP(S) with proxies, timeouts, size caps and verified downloads. The only importer
        // of AsyncHTTPClient.
        .target(
            name: "HTTPTransport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                "POSIXFiles",
            ],
            exclude: ["README.md"]
        ),
        // Registries (OCI distribution spec), image transports, the content-addressed blob cache.
        // Python package indexes (PEP 691 Simple API, ranges into remote wheels) for lockfile pins.
        .target(name: "PackageIndexClient", dependencies: ["ProjectScan", "ELFInspection", "HTTPTransport"]),
        .target(name: "Registry", dependencies: ["Domain", "HTTPTransport", "ImageLayers", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ProjectScan", dependencies: ["Domain", "ELFInspection", "POSIXFiles", "CBasefitZlib", "CLibDeflate"]),
        .target(
            name: "ImageCatalog",
            dependencies: ["Domain", "ELFInspection", "PackageKnowledge", "POSIXFiles", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Measuring real images: root filesystems, OCI layouts and docker archives (through
        // ImageLayers, the libarchive edge) into catalog `Image`s. Nothing here judges.
        .target(name: "ImageMeasurement", dependencies: ["Domain", "ELFInspection", "ImageCatalog", "ImageLayers", "PackageKnowledge", "POSIXFiles", "ProjectScan", "Registry"]),
        // Debian's zlib1g-dev. PackageKnowledge/Gzip.swift and ProjectScan/Inflater.swift import it.
        .systemLibrary(name: "CBasefitZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "PackageKnowledge", dependencies: ["Domain", "ELFInspection", "CBasefitZlib"]),
        // Debian's libdeflate-dev: whole wheel members inflated at twice zlib's speed. Only
        // ProjectScan/Inflater.swift imports it.
        .systemLibrary(name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .target(name: "Advisor", dependencies: ["Domain", "ImageCatalog", "PackageKnowledge", "ProjectScan", "ELFInspection"]),
        .target(name: "Reporting", dependencies: ["Domain", "Advisor", "ImageCatalog", "ProjectScan", "ELFInspection"]),
        .executableTarget(
            name: "basefit",
            dependencies: [
                "Domain", "ELFInspection", "ProjectScan", "ImageCatalog", "ImageMeasurement", "Advisor", "Reporting", "ImageLayers",
                "Registry", "HTTPTransport", "PackageIndexClient", "POSIXFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ELFInspectionTests", dependencies: ["ELFInspection", "TestSupport"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "ELFInspection"]),
        .testTarget(name: "ProjectScanTests", dependencies: ["Domain", "ProjectScan", "ELFInspection", "TestSupport"]),
        .testTarget(name: "PackageKnowledgeTests", dependencies: ["Domain", "PackageKnowledge", "ELFInspection", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ImageLayersTests", dependencies: ["ImageLayers", "TestSupport"]),
        .testTarget(name: "PackageIndexClientTests", dependencies: ["PackageIndexClient", "ProjectScan", "ELFInspection", "HTTPTransport", "TestSupport"]),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "TestSupport"], exclude: ["fault_server.py"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "HTTPTransport", "Domain", "TestSupport"], exclude: ["fake_registry.py", "push_registry.py"]),
        .testTarget(name: "AdvisorTests", dependencies: ["Domain", "Advisor", "ImageCatalog", "ProjectScan", "ELFInspection", "TestSupport"]),
        .testTarget(
            name: "ImageCatalogTests",
            dependencies: ["Domain", "ImageCatalog", "ImageMeasurement", "ELFInspection", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "BasefitCLITests",
            dependencies: ["ProjectScan", "Reporting", "ELFInspection", "TestSupport"],
            exclude: ["Golden"]
        ),
    ]
)
