import Benchmark
import COpenSSL
import EVM

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
    let mib = [UInt8](repeating: 0xA5, count: 1 << 20)
    let word = [UInt8](repeating: 0x5A, count: 32)

    Benchmark("keccak256 32 B") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(data: word)) }
    }
    Benchmark("openssl sha3-256 32 B (EVP_Digest)") { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            word.withUnsafeBytes { input in
                _ = EVP_Digest(input.baseAddress, input.count, &out, nil, EVP_sha3_256(), nil)
            }
            blackHole(out)
        }
    }
    Benchmark("keccak256 1 MiB", configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(data: mib)) }
    }
    Benchmark("openssl sha3-256 1 MiB", configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))) { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            mib.withUnsafeBytes { input in
                _ = EVP_Digest(input.baseAddress, input.count, &out, nil, EVP_sha3_256(), nil)
            }
            blackHole(out)
        }
    }
}
