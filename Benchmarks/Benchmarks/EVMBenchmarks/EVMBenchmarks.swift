import Benchmark
import COpenSSL
import EVM

/// The signed EIP-1559 transaction of Scripts/bench_reference.py (12 fields, 178 bytes with its type byte),
/// as a typed Swift value.
struct Signed1559: RLPEncodable {
    var chainId: UInt64 = 137
    var nonce: UInt64 = 42
    var maxPriorityFeePerGas: UInt64 = 30_000_000_000
    var maxFeePerGas: UInt64 = 120_000_000_000
    var gas: UInt64 = 60_000
    var to: [UInt8] = try! Hex.decode("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    var value: UInt256 = 1_000_000_000_000_000_000
    var data: [UInt8] = Array(0..<57)
    var accessList: [RLPItem] = []
    var yParity: UInt8 = 1
    var r: UInt256 = 0
    var s: UInt256 = 0

    func encode(to writer: inout RLPWriter) {
        writer.encodeList { w in
            w.encode(chainId); w.encode(nonce); w.encode(maxPriorityFeePerGas); w.encode(maxFeePerGas)
            w.encode(gas); w.encodeBytes(to); w.encode(value); w.encodeBytes(data); w.encodeList(accessList)
            w.encode(yParity); w.encode(r); w.encode(s)
        }
    }
}

/// Borrowed views of the twelve fields of a transaction body.
struct Fields1559 {
    var chainId: UInt64, nonce: UInt64, tip: UInt64, feeCap: UInt64, gas: UInt64
    var to: ArraySlice<UInt8>, value: ArraySlice<UInt8>, data: ArraySlice<UInt8>, accessList: ArraySlice<UInt8>
    var yParity: UInt8, r: ArraySlice<UInt8>, s: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) throws(RLPError) {
        var decoder = RLPDecoder(bytes)
        self = try decoder.decodeList(count: 12) { (d) throws(RLPError) -> Fields1559 in
            try Fields1559(chainId: d.decodeInteger(), nonce: d.decodeInteger(), tip: d.decodeInteger(),
                           feeCap: d.decodeInteger(), gas: d.decodeInteger(), to: d.decodeBytes(count: 20),
                           value: d.decodeIntegerBytes(), data: d.decodeBytes(), accessList: d.decodeRawItem(),
                           yParity: d.decodeInteger(), r: d.decodeIntegerBytes(), s: d.decodeIntegerBytes())
        }
        try decoder.finish()
    }

    init(chainId: UInt64, nonce: UInt64, tip: UInt64, feeCap: UInt64, gas: UInt64, to: ArraySlice<UInt8>,
         value: ArraySlice<UInt8>, data: ArraySlice<UInt8>, accessList: ArraySlice<UInt8>, yParity: UInt8,
         r: ArraySlice<UInt8>, s: ArraySlice<UInt8>) {
        (self.chainId, self.nonce, self.tip, self.feeCap, self.gas) = (chainId, nonce, tip, feeCap, gas)
        (self.to, self.value, self.data, self.accessList) = (to, value, data, accessList)
        (self.yParity, self.r, self.s) = (yParity, r, s)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )
    let mib = [UInt8](repeating: 0xA5, count: 1 << 20)
    let word = [UInt8](repeating: 0x5A, count: 32)

    // MARK: Keccak-256 against OpenSSL's assembly SHA3-256 (same permutation).
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
    let big = Benchmark.Configuration(metrics: [.wallClock, .throughput], scalingFactor: .one, maxDuration: .seconds(3))
    Benchmark("keccak256 1 MiB", configuration: big) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(data: mib)) }
    }
    Benchmark("openssl sha3-256 1 MiB", configuration: big) { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            mib.withUnsafeBytes { input in
                _ = EVP_Digest(input.baseAddress, input.count, &out, nil, EVP_sha3_256(), nil)
            }
            blackHole(out)
        }
    }

    // MARK: RLP of a signed EIP-1559 transaction.
    var tx = Signed1559()
    tx.r = try! UInt256(parsing: "0xa0212e175e18b803495a4016f521869c038b5b1a98b18892e5d1e27281c048de")
    tx.s = try! UInt256(parsing: "0x081572b55c39fdf45f9504cb621f96d678fc68f203ebbbf405566266e17dc818")
    let body = RLP.encode(tx)
    precondition(body.count == 177, "benchmark transaction should be 177 bytes + type byte")
    Benchmark("rlp encode eip-1559 tx (typed fields, 1 output allocation)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RLP.encode(tx)) }
    }
    Benchmark("rlp decode eip-1559 tx into field views") { benchmark in
        let slice = body[...]
        for _ in benchmark.scaledIterations { blackHole(try! Fields1559(slice)) }
    }
    Benchmark("rlp decode eip-1559 tx into RLPItem tree") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RLP.decode(body)) }
    }

    // MARK: UInt256 arithmetic: no heap allocation.
    let a = UInt256.max - 18 >> 1
    let b: UInt256 = (UInt256(1) << 128) + 12345
    Benchmark("uint256 wrapping multiply") { benchmark in
        var x = a
        for _ in benchmark.scaledIterations { x = x &* b; blackHole(x) }
    }
    Benchmark("uint256 divide (256 by 129 bits)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(blackHoleIdentity(a) / b) }
    }
    Benchmark("uint256 mulmod") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(blackHoleIdentity(a).mulmod(b, UInt256.max - 188)) }
    }
    Benchmark("uint256 to decimal string") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(a.description) }
    }
}

/// Hides a value from the optimiser so a loop body is not hoisted.
@inline(never)
func blackHoleIdentity<T>(_ value: T) -> T { value }
