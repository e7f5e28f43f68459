import CKeccakX4
import Dispatch
import EVM

/// The inner nodes of a flat OpenZeppelin tree, `node[i] = hashPair(node[2i + 1], node[2i + 2])`, four parents at a time
/// with the AVX2 Keccak of `CKeccakX4` where the CPU has it (checked at run time), the scalar `Keccak256` otherwise.
/// Both give the same bytes; the hashes are the cost of a tree, so this is where building and checking one goes faster.
enum PairHashing {
    /// Whether this CPU runs the 4-way AVX2 Keccak.
    static let isX4Available: Bool = keccak_x4_available() != 0

    /// Writes the parents `upper, upper − 1, …, 0` of `nodes` (every node above `upper` already in place).
    static func fillParents(_ nodes: UnsafeMutablePointer<Bytes32>, from upper: Int, x4: Bool = isX4Available) {
        var i = upper
        if x4 {
            withUnsafeTemporaryAllocation(byteCount: 4 * 64, alignment: 32) { scratch in
                let pairs = scratch.baseAddress!
                // Parents i−3 … i read children 2i−5 … 2i+2, all above i (already written) once i ≥ 6.
                while i >= 6 {
                    for k in 0..<4 {
                        stagePair(nodes, parent: i - 3 + k, into: pairs + 64 * k)
                    }
                    let p = UnsafeRawPointer(pairs).assumingMemoryBound(to: UInt8.self)
                    let out = UnsafeMutableRawPointer(nodes + (i - 3)).assumingMemoryBound(to: UInt8.self)
                    keccak256_x4(p, p + 64, p + 128, p + 192, 64, out)
                    i -= 4
                }
            }
        }
        while i >= 0 {
            nodes[i] = MerkleTree.hashPair(nodes[2 * i + 1], nodes[2 * i + 2])
            i -= 1
        }
    }

    /// `fillParents(nodes, from: upper)` on two threads for a large tree: the subtrees under nodes 1 and 2 are
    /// independent, and in the flat layout each is one contiguous half of every level, so each thread fills its halves
    /// level by level from the deepest; node 0 last. The same bytes as `fillParents`.
    static func fillParentsOnTwoThreads(_ nodes: UnsafeMutablePointer<Bytes32>, from upper: Int, x4: Bool = isX4Available) {
        guard upper >= 1 << 14 else { return fillParents(nodes, from: upper, x4: x4) }
        let shared = SharedNodes(pointer: nodes)
        let deepest = Int.bitWidth - 1 - (upper + 1).leadingZeroBitCount  // the level of node `upper`
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            for level in stride(from: deepest, through: 1, by: -1) {
                let first = (1 << level) - 1, half = 1 << (level - 1)
                let lo = first + side * half, hi = min(lo + half - 1, upper)
                if lo <= hi { fillLevelRange(shared.pointer, lo, hi, x4: x4) }
            }
        }
        nodes[0] = MerkleTree.hashPair(nodes[1], nodes[2])
    }

    /// Writes the parents `hi, hi − 1, …, lo` of one level (their children, one level down, already in place).
    private static func fillLevelRange(_ nodes: UnsafeMutablePointer<Bytes32>, _ lo: Int, _ hi: Int, x4: Bool) {
        var i = hi
        if x4 {
            withUnsafeTemporaryAllocation(byteCount: 4 * 64, alignment: 32) { scratch in
                let pairs = scratch.baseAddress!
                while i - 3 >= lo {
                    for k in 0..<4 { stagePair(nodes, parent: i - 3 + k, into: pairs + 64 * k) }
                    let p = UnsafeRawPointer(pairs).assumingMemoryBound(to: UInt8.self)
                    keccak256_x4(p, p + 64, p + 128, p + 192, 64, UnsafeMutableRawPointer(nodes + (i - 3)).assumingMemoryBound(to: UInt8.self))
                    i -= 4
                }
            }
        }
        while i >= lo {
            nodes[i] = MerkleTree.hashPair(nodes[2 * i + 1], nodes[2 * i + 2])
            i -= 1
        }
    }

    /// The node buffer handed to the two threads, which write disjoint parents while the caller waits.
    private struct SharedNodes: @unchecked Sendable { let pointer: UnsafeMutablePointer<Bytes32> }

    /// The first parent in `0 ..< upper + 1` whose stored hash is not the hash of its children, if any.
    static func firstInconsistentParent(_ nodes: UnsafePointer<Bytes32>, upper: Int, x4: Bool = isX4Available) -> Int? {
        var i = 0
        if x4 {
            let found: Int? = withUnsafeTemporaryAllocation(byteCount: 4 * 64 + 4 * 32, alignment: 32) { scratch in
                let pairs = scratch.baseAddress!
                let digests = (pairs + 256).assumingMemoryBound(to: Bytes32.self)
                while i + 3 <= upper {
                    for k in 0..<4 { stagePair(UnsafeMutablePointer(mutating: nodes), parent: i + k, into: pairs + 64 * k) }
                    let p = UnsafeRawPointer(pairs).assumingMemoryBound(to: UInt8.self)
                    keccak256_x4(p, p + 64, p + 128, p + 192, 64, UnsafeMutableRawPointer(digests).assumingMemoryBound(to: UInt8.self))
                    for k in 0..<4 where digests[k] != nodes[i + k] { return i + k }
                    i += 4
                }
                return nil
            }
            if let found { return found }
        }
        while i <= upper {
            if nodes[i] != MerkleTree.hashPair(nodes[2 * i + 1], nodes[2 * i + 2]) { return i }
            i += 1
        }
        return nil
    }

    /// Copies the children of `parent` in ascending order (min ‖ max, 64 bytes) to `into`.
    @inline(__always)
    private static func stagePair(_ nodes: UnsafeMutablePointer<Bytes32>, parent: Int, into: UnsafeMutableRawPointer) {
        let a = nodes + (2 * parent + 1), b = a + 1
        if a.pointee < b.pointee {
            into.copyMemory(from: a, byteCount: 64)
        } else {
            into.copyMemory(from: b, byteCount: 32)
            (into + 32).copyMemory(from: a, byteCount: 32)
        }
    }
}
