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
        .executableTarget(
            name: "sixnines",
            dependencies: [
                "EVM",
                "EVMSigner",
                "Receipts",
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
            name: "CLITests",
            dependencies: ["sixnines", "EVM", "EVMSigner", "Receipts", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
