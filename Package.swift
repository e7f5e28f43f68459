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
        .library(name: "PredictionStore", targets: ["PredictionStore"]),
        .library(name: "EVMRPC", targets: ["EVMRPC"]),
        .library(name: "ContractGen", targets: ["ContractGen"]),
        .library(name: "SixNinesContracts", targets: ["SixNinesContracts"]),
        .library(name: "Deployment", targets: ["Deployment"]),
        .library(name: "BatchWriter", targets: ["BatchWriter"]),
        .library(name: "Settlement", targets: ["Settlement"]),
        .library(name: "Payouts", targets: ["Payouts"]),
        .library(name: "BadgeKit", targets: ["BadgeKit"]),
        // The devnet launcher shared by the tests and the benchmark package (not for users).
        .library(name: "DevnetSupport", targets: ["DevnetSupport"]),
        .executable(name: "sixnines", targets: ["sixnines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
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
            dependencies: ["EVM", "CKeccakX4"]
        ),
        // Keccak-256 of four messages at once in AVX2 registers (C; AVX2 only in the functions that need it,
        // chosen at run time), for the prediction core's receipt leaves and commitments. The EVM layer stays pure Swift.
        .target(name: "CKeccakX4"),
        // sync_file_range for the command line's large output files (glibc declares it only under _GNU_SOURCE).
        .target(name: "CFileSync"),
        // The off-chain prediction core: schedule, prices, rounds, pari-mutuel settlement, ledger, receipts.
        // Pure domain logic: no database, no I/O.
        .target(
            name: "PredictionCore",
            dependencies: ["EVM", "Receipts", "CKeccakX4"]
        ),
        // Durable storage of the core (SQLite through GRDB): the durable engine and its receipt outbox.
        .target(
            name: "PredictionStore",
            dependencies: [
                "EVM", "Receipts", "PredictionCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
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
        // Code generation from JSON ABIs: Swift bindings and Solidity interfaces.
        .target(
            name: "ContractGen",
            dependencies: ["EVM"]
        ),
        // Typed Swift bindings of SixNines' contracts, generated by `sixnines abi to-swift` (Scripts/check-bindings).
        .target(
            name: "SixNinesContracts",
            dependencies: ["EVM", "EVMRPC", "Receipts"]
        ),
        // The deployment model: artifacts, the deployer, deployments records, the suite's configuration and run.
        .target(
            name: "Deployment",
            dependencies: ["EVM", "EVMSigner", "EVMRPC", "SixNinesContracts"]
        ),
        // The batch writer: batching receipts into Merkle trees, anchoring roots in the ReceiptRegistry, reconciliation
        // (plain logic over a storage protocol and a chain protocol; SQLite storage beside the core's outbox).
        .target(
            name: "BatchWriter",
            dependencies: [
                "EVM", "EVMSigner", "Receipts", "EVMRPC", "SixNinesContracts", "PredictionStore", "PredictionCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Oracle reporting and settlement: reporters, finalisation, disputes, and the settler that settles the core's
        // rounds only on the oracle's FINAL or RESOLVED price.
        .target(
            name: "Settlement",
            dependencies: ["EVM", "EVMSigner", "Receipts", "PredictionCore", "PredictionStore", "EVMRPC", "SixNinesContracts"]
        ),
        // Vault payouts: batch, signature and proposal files, EIP-712 digests, planning from the core's settled rounds,
        // checks before sending, reconciliation with the ledger (docs/PAYOUTS.md).
        .target(
            name: "Payouts",
            dependencies: ["EVM", "EVMSigner", "EVMRPC", "Receipts", "PredictionCore", "PredictionStore", "SixNinesContracts"]
        ),
        // The badges backend: statistics from the core, earned badges, the sync planner and executor (journal in the core's
        // SQLite file), VIP fee tiers from chain, and the off-chain renderer of the contract's tokenURI.
        .target(
            name: "BadgeKit",
            dependencies: [
                "EVM", "EVMSigner", "EVMRPC", "PredictionCore", "PredictionStore", "SixNinesContracts",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "sixnines",
            dependencies: [
                "CFileSync",
                "EVM",
                "EVMSigner",
                "Receipts",
                "PredictionCore",
                "PredictionStore",
                "EVMRPC",
                "ContractGen",
                "SixNinesContracts",
                "Deployment",
                "BatchWriter",
                "Settlement",
                "Payouts",
                "BadgeKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The devnet launcher of the tests and the RPC benchmark (Foundation only, so the benchmark package can use it).
        .target(
            name: "DevnetSupport",
            path: "Tests/DevnetSupport"
        ),
        // Shared test helpers: the Python reference oracle, fixtures, seeded randomness, the devnet launcher.
        .target(
            name: "TestSupport",
            dependencies: ["DevnetSupport"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "EVMTests",
            dependencies: ["EVM", "TestSupport"]
        ),
        .testTarget(
            name: "EVMSignerTests",
            dependencies: ["EVMSigner", "EVM", "CLibcrypto", "TestSupport"]
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
            name: "PredictionStoreTests",
            dependencies: ["PredictionStore", "PredictionCore", "Receipts", "EVM", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EVMRPCTests",
            dependencies: [
                "EVM",
                "TestSupport",
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
            name: "ContractGenTests",
            dependencies: ["ContractGen", "EVM", "EVMRPC", "TestSupport"]
        ),
        .testTarget(
            name: "DeploymentTests",
            dependencies: ["Deployment", "EVM", "TestSupport"]
        ),
        .testTarget(
            name: "BatchWriterTests",
            dependencies: [
                "BatchWriter", "PredictionStore", "PredictionCore", "Receipts", "EVM", "EVMSigner", "EVMRPC", "SixNinesContracts",
                "TestSupport", "DevnetSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The batch writer against the real devnet: the library, the daemon process, its HTTP API, crashes.
        .testTarget(
            name: "BatchDaemonTests",
            dependencies: [
                "sixnines", "BatchWriter", "PredictionStore", "PredictionCore", "Receipts", "EVM", "EVMSigner", "EVMRPC", "SixNinesContracts",
                "Deployment", "TestSupport", "DevnetSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Oracle reporting and settlement against the real devnet: reporters, disputes, the settler, voids, the CLI.
        .testTarget(
            name: "SettlementTests",
            dependencies: [
                "sixnines", "Settlement", "PredictionStore", "PredictionCore", "Receipts", "EVM", "EVMSigner", "EVMRPC",
                "SixNinesContracts", "TestSupport", "DevnetSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The badges backend: statistics, plans, the renderer, and sync against the real devnet.
        .testTarget(
            name: "BadgeKitTests",
            dependencies: [
                "BadgeKit", "PredictionCore", "PredictionStore", "EVM", "EVMSigner", "EVMRPC", "SixNinesContracts", "Deployment",
                "TestSupport", "DevnetSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "sixnines", "EVM", "EVMSigner", "EVMRPC", "PredictionCore", "PredictionStore", "Receipts", "SixNinesContracts", "TestSupport",
                "Payouts",
                "BadgeKit",
            ]
        ),
        .testTarget(
            name: "PayoutsTests",
            dependencies: ["Payouts", "EVM", "EVMSigner", "EVMRPC", "PredictionCore", "PredictionStore", "Receipts", "SixNinesContracts", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
