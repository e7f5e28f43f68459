import Benchmark
import EVM
import Receipts

/// abi.encode(uint256 i, address a, uint256 amount) of leaf `i`: three words.
@inline(__always)
func leafHash(_ i: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bytes32 {
    buffer.initializeMemory(as: UInt8.self, repeating: 0)
    buffer.storeBytes(of: i.bigEndian, toByteOffset: 24, as: UInt64.self)
    buffer.storeBytes(of: (i &* 0x9E37_79B9_7F4A_7C15).bigEndian, toByteOffset: 56, as: UInt64.self)
    buffer.storeBytes(of: (i &+ 1_000_000).bigEndian, toByteOffset: 88, as: UInt64.self)
    return Keccak256.hash(Keccak256.hash(bufferPointer: UnsafeRawBufferPointer(buffer)))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 5)
    let n = 1_000_000

    Benchmark("merkle: 3N-1 keccak hashes alone, N = 1M (uint256,address,uint256)") { benchmark in
        for _ in benchmark.scaledIterations {
            var acc = Bytes32.zero
            withUnsafeTemporaryAllocation(byteCount: 96, alignment: 8) { buffer in
                for i in 0..<UInt64(n) { acc = leafHash(i, into: buffer) }
            }
            for _ in 0..<(n - 1) { acc = Keccak256.hash(acc, acc) }
            blackHole(acc)
        }
    }
    Benchmark("merkle: build 1M-leaf tree (leaf hashes, sort, nodes)") { benchmark in
        for _ in benchmark.scaledIterations {
            var leaves = [Bytes32](repeating: .zero, count: n)
            withUnsafeTemporaryAllocation(byteCount: 96, alignment: 8) { buffer in
                for i in 0..<n { leaves[i] = leafHash(UInt64(i), into: buffer) }
            }
            blackHole(try! MerkleTree(leaves: leaves).root)
        }
    }
    // The library side of issue 19's command-line ratios: the same shape as `Scripts/bench-cli`'s rows, 1M values of
    // (address, uint256 below 2^96) built in memory (values made outside the timing), and the dump of that tree loaded
    // back from its bytes with every node and leaf re-checked (what `merkle prove` does before it answers).
    var generator = SplitMix64(seed: 19)
    let values: [[ABIValue]] = (0..<n).map { _ in
        var raw = [UInt8](repeating: 0, count: 20)
        for k in 0..<20 { raw[k] = UInt8(truncatingIfNeeded: generator.next()) }
        return [.address(try! Address(raw)), .uint(UInt256(generator.next() >> 16))]
    }
    Benchmark("merkle: StandardMerkleTree(values:) of 1M (address,uint256)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! StandardMerkleTree(values: values, leafEncoding: [.address, .uint(256)]).root)
        }
    }
    var dump: [UInt8] = []
    try! StandardMerkleTree(values: values, leafEncoding: [.address, .uint(256)]).writeDump { dump.append(contentsOf: $0) }
    Benchmark("merkle: load a 1M-value dump from its bytes, every node and leaf re-checked") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! StandardMerkleTree(dumpBytes: dump).root)
        }
    }
    let leaves = withUnsafeTemporaryAllocation(byteCount: 96, alignment: 8) { buffer in
        (0..<(1 << 20)).map { leafHash(UInt64($0), into: buffer) }
    }
    let tree = try! MerkleTree(leaves: leaves)
    let proof = try! tree.proof(forLeaf: 12345)
    Benchmark("merkle: verify a depth-20 proof", configuration: .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .kilo,
                                                                       maxDuration: .seconds(2), maxIterations: 100_000)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MerkleTree.verify(root: tree.root, leaf: leaves[12345], proof: proof))
        }
    }
    precondition(proof.count == 20)
}

/// A small seeded generator (SplitMix64): the same values in every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
