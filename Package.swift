// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SixNines",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EVM", targets: ["EVM"]),
        .library(name: "EVMSigner", targets: ["EVMSigner"]),
        // The libsecp256k1 module itself, so benchmarks can time the bare C calls through the same module.
        .library(name: "CSecp256k1", targets: ["CSecp256k1"]),
        .library(name: "Receipts", targets: ["Receipts"]),
        .library(name: "PredictionCore", targets: ["PredictionCore"]),
        .library(name: "EVMRPC", targets: ["EVMRPC"]),
        .executable(name: "sixnines", targets: ["sixnines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // The EVM layer: pure Swift, no dependencies at all.
        .target(
            name: "EVM"
        ),
        // Debian's libsecp256k1 (with the recovery module), through pkg-config.
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        // OpenSSL's libcrypto: scrypt, PBKDF2, AES-128-CTR for keystores.
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libsodium: SIMD scrypt for keystores (about 30% faster than OpenSSL's, and accepts geth's r = 1 files).
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Keys, recoverable signatures, typed transactions, EIP-191 and keystores.
        .target(
            name: "EVMSigner",
            dependencies: ["EVM", "CSecp256k1", "CLibcrypto", "CSodium"]
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
        // Chain access: JSON-RPC over HTTP (async-http-client) and WebSocket (NIOWebSocket).
        .target(
            name: "EVMRPC",
            dependencies: [
                "EVM",
                "EVMSigner",
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
                "EVMSigner",
                "Receipts",
                "PredictionCore",
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
            name: "EVMSignerTests",
            dependencies: ["EVMSigner", "EVM", "TestSupport"]
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
            name: "EVMRPCTests",
            dependencies: [
                "EVM",
                "EVMSigner",
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
            dependencies: ["sixnines", "EVM", "EVMSigner", "PredictionCore", "Receipts", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
