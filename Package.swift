// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SixNines",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EVM", targets: ["EVM"]),
        .library(name: "Receipts", targets: ["Receipts"]),
        .library(name: "PredictionCore", targets: ["PredictionCore"]),
        .executable(name: "sixnines", targets: ["sixnines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // The EVM layer: pure Swift, no dependencies at all.
        .target(
            name: "EVM"
        ),
        // Receipts, Merkle trees and proofs (docs/PROTOCOL.md §2–4).
        .target(
            name: "Receipts",
            dependencies: ["EVM"]
        ),
        // The off-chain prediction core: schedule, prices, rounds, pari-mutuel settlement, ledger, receipts.
        .target(
            name: "PredictionCore",
            dependencies: ["EVM", "Receipts", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "sixnines",
            dependencies: [
                "EVM",
                "PredictionCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared test helpers: the Python reference oracle, fixtures, seeded randomness.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "EVMTests",
            dependencies: ["EVM", "TestSupport"]
        ),
        .testTarget(
            name: "ReceiptsTests",
            dependencies: ["Receipts", "EVM", "TestSupport"]
        ),
        .testTarget(
            name: "PredictionCoreTests",
            dependencies: ["PredictionCore", "Receipts", "EVM", "TestSupport"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["sixnines", "EVM", "PredictionCore", "Receipts"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
