// swift-tools-version:6.1
// libFuzzer targets for basefit's parsers of untrusted input. Build and run them with
// `bash scripts/fuzz.sh` (it passes -sanitize=fuzzer,address; each target's
// top-level code starts libFuzzer through LLVMFuzzerRunDriver). Kept apart from the main package so that the product
// and its tests never link the fuzzer runtime.
import PackageDescription

let package = Package(
    name: "basefit-fuzz",
    dependencies: [.package(name: "basefit", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzELF", dependencies: ["FuzzSupport", .product(name: "ELFInspection", package: "basefit")]),
        .executableTarget(name: "FuzzWheel", dependencies: ["FuzzSupport", .product(name: "ProjectScan", package: "basefit")]),
        .executableTarget(name: "FuzzDeflateTail", dependencies: ["FuzzSupport", .product(name: "ProjectScan", package: "basefit")]),
        .executableTarget(name: "FuzzDockerfile", dependencies: ["FuzzSupport", .product(name: "ProjectScan", package: "basefit")]),
        .executableTarget(name: "FuzzCatalogData", dependencies: ["FuzzSupport", .product(name: "ImageCatalog", package: "basefit")]),
        .executableTarget(name: "FuzzPnPState", dependencies: ["FuzzSupport", .product(name: "ProjectScan", package: "basefit")]),
    ]
)
