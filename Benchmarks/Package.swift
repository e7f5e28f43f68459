// swift-tools-version: 6.1
// Release-mode benchmarks of SixNines' hot paths (ordo-one/benchmark), kept in their own package so the
// main build and CI do not pay for the benchmark toolchain. Run with Scripts/bench.
import PackageDescription

let package = Package(
    name: "SixNinesBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "SixNines", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // OpenSSL's libcrypto, the assembly Keccak-f[1600] (SHA3-256) we compare against.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto"),
        .executableTarget(
            name: "EVMBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                "COpenSSL",
            ],
            path: "Benchmarks/EVMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SignerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                .product(name: "EVMSigner", package: "SixNines"),
                .product(name: "CSecp256k1", package: "SixNines"),
            ],
            path: "Benchmarks/SignerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ReceiptsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                .product(name: "Receipts", package: "SixNines"),
            ],
            path: "Benchmarks/ReceiptsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BatchWriterBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                .product(name: "EVMSigner", package: "SixNines"),
                .product(name: "Receipts", package: "SixNines"),
                .product(name: "PredictionStore", package: "SixNines"),
                .product(name: "DevnetSupport", package: "SixNines"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/BatchWriterBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                .product(name: "Receipts", package: "SixNines"),
                .product(name: "PredictionCore", package: "SixNines"),
                .product(name: "PredictionStore", package: "SixNines"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ABIBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
            ],
            path: "Benchmarks/ABIBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RPCBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVM", package: "SixNines"),
                .product(name: "EVMRPC", package: "SixNines"),
                .product(name: "EVMSigner", package: "SixNines"),  // signs the transfers of the sends/s benchmark
                .product(name: "DevnetSupport", package: "SixNines"),
            ],
            path: "Benchmarks/RPCBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The off-chain badge renderer (SVG cards and tokenURIs per second).
        .executableTarget(
            name: "BadgeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BadgeKit", package: "SixNines"),
            ],
            path: "Benchmarks/BadgeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
