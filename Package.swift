// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SixNines",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "EVM", targets: ["EVM"]),
        .executable(name: "sixnines", targets: ["sixnines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // The EVM layer: pure Swift, no dependencies at all.
        .target(
            name: "EVM"
        ),
        .executableTarget(
            name: "sixnines",
            dependencies: [
                "EVM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EVMTests",
            dependencies: ["EVM"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["sixnines", "EVM"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
