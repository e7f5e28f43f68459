// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SixNines",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EVM", targets: ["EVM"]),
        .library(name: "Receipts", targets: ["Receipts"]),
        .library(name: "EVMRPC", targets: ["EVMRPC"]),
        .executable(name: "sixnines", targets: ["sixnines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
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
        // Chain access: JSON-RPC over HTTP (async-http-client) and WebSocket (NIOWebSocket).
        .target(
            name: "EVMRPC",
            dependencies: [
                "EVM",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sixnines",
            dependencies: [
                "EVM",
                "Receipts",
                "EVMRPC",
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
            name: "EVMRPCTests",
            dependencies: [
                "EVM",
                "EVMRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Support/signer.py"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["sixnines", "EVM", "Receipts", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
