// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "basefit",
    products: [
        .executable(name: "basefit", targets: ["basefit"]),
        .library(name: "ELFInspection", targets: ["ELFInspection"]),
        .library(name: "ProjectScan", targets: ["ProjectScan"]),
        .library(name: "ImageCatalog", targets: ["ImageCatalog"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "PackageKnowledge", targets: ["PackageKnowledge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
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
        .target(name: "ImageLayers", dependencies: ["CLibArchive", "Domain"]),
        .target(name: "ProjectScan", dependencies: ["Domain", "ELFInspection", "POSIXFiles", "ZIPFoundation"]),
        .target(
            name: "ImageCatalog",
            dependencies: ["Domain", "ELFInspection", "PackageKnowledge", "POSIXFiles", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Measuring real images: root filesystems, OCI layouts and docker archives (through
        // ImageLayers, the libarchive edge) into catalog `Image`s. Nothing here judges.
        .target(name: "ImageMeasurement", dependencies: ["Domain", "ELFInspection", "ImageCatalog", "ImageLayers", "PackageKnowledge", "POSIXFiles"]),
        // Debian's zlib1g-dev. Only PackageKnowledge/Gzip.swift imports it.
        .systemLibrary(name: "CBasefitZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "PackageKnowledge", dependencies: ["Domain", "ELFInspection", "CBasefitZlib"]),
        .target(name: "Advisor", dependencies: ["Domain", "ImageCatalog", "PackageKnowledge", "ProjectScan", "ELFInspection"]),
        .target(name: "Reporting", dependencies: ["Domain", "Advisor", "ImageCatalog", "ProjectScan", "ELFInspection"]),
        .executableTarget(
            name: "basefit",
            dependencies: [
                "Domain", "ELFInspection", "ProjectScan", "ImageCatalog", "ImageMeasurement", "Advisor", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ELFInspectionTests", dependencies: ["ELFInspection", "TestSupport"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "ELFInspection"]),
        .testTarget(name: "ProjectScanTests", dependencies: ["Domain", "ProjectScan", "ELFInspection", "TestSupport"]),
        .testTarget(name: "PackageKnowledgeTests", dependencies: ["Domain", "PackageKnowledge", "ELFInspection", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ImageLayersTests", dependencies: ["ImageLayers", "TestSupport"]),
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
