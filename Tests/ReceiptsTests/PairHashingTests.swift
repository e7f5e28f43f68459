import EVM
import Testing
@testable import Receipts

/// The 4-way parent hashing gives the scalar tree's nodes for every size, and finds the first bad parent of a dump.
@Suite struct PairHashingTests {
    static func leaves(_ n: Int, seed: UInt64) -> [Bytes32] {
        (0..<n).map { i in Keccak256.hash(data: Array("leaf \(seed) \(i)".utf8)) }
    }

    static func nodes(_ leaves: [Bytes32], x4: Bool) -> [Bytes32] {
        let n = leaves.count, total = 2 * n - 1
        var nodes = [Bytes32](repeating: .zero, count: total)
        for (k, leaf) in leaves.enumerated() { nodes[total - 1 - k] = leaf }
        nodes.withUnsafeMutableBufferPointer { PairHashing.fillParents($0.baseAddress!, from: total - n - 1, x4: x4) }
        return nodes
    }

    @Test func four_way_parents_equal_scalar_parents_for_every_size() throws {
        try #require(PairHashing.isX4Available, "this CPU has no AVX2: only the scalar path runs here")
        for n in Array(1...70) + [255, 256, 257, 1000, 4097] {
            let leaves = Self.leaves(n, seed: UInt64(n))
            #expect(Self.nodes(leaves, x4: true) == Self.nodes(leaves, x4: false), "n = \(n)")
            #expect(try MerkleTree(leaves: leaves).nodes == Self.nodes(leaves.sorted(), x4: false), "n = \(n)")
        }
    }

    /// The two-thread filling (subtrees of the root, level halves) gives the one-thread nodes at and around every size
    /// where the deepest level's halves start, end or are cut short.
    @Test func two_thread_parents_equal_one_thread_parents() throws {
        var sizes = [1, 2, 3, (1 << 14) - 1, 1 << 14, (1 << 14) + 1, (1 << 14) + 2, 24_577, (1 << 15) - 1, 1 << 15, (1 << 15) + 1, 49_153, 100_003]
        sizes += (0..<4).map { _ in Int.random(in: (1 << 14)...(1 << 17)) }
        for n in sizes {
            let leaves = Self.leaves(n, seed: UInt64(n) &* 31)
            let total = 2 * n - 1
            for x4 in [false, PairHashing.isX4Available] {
                var nodes = [Bytes32](repeating: .zero, count: total)
                for (k, leaf) in leaves.enumerated() { nodes[total - 1 - k] = leaf }
                nodes.withUnsafeMutableBufferPointer { PairHashing.fillParentsOnTwoThreads($0.baseAddress!, from: total - n - 1, x4: x4) }
                #expect(nodes == Self.nodes(leaves, x4: false), "n = \(n), x4 = \(x4)")
            }
        }
    }

    @Test func the_first_inconsistent_parent_is_found_on_both_paths() throws {
        for n in [2, 3, 5, 8, 9, 33, 100] {
            let good = Self.nodes(Self.leaves(n, seed: 7), x4: false)
            for x4 in [false, PairHashing.isX4Available] {
                #expect(good.withUnsafeBufferPointer { PairHashing.firstInconsistentParent($0.baseAddress!, upper: n - 2, x4: x4) } == nil)
                for bad in 0..<(n - 1) {
                    var nodes = good
                    nodes[bad] = Keccak256.hash(nodes[bad])
                    let found = nodes.withUnsafeBufferPointer { PairHashing.firstInconsistentParent($0.baseAddress!, upper: n - 2, x4: x4) }
                    // A changed parent is caught at itself (its own hash is wrong) — or earlier, never later.
                    #expect(found != nil && found! <= bad, "n = \(n), bad = \(bad), x4 = \(x4)")
                }
            }
            var broken = good
            broken[0] = .zero
            #expect(throws: MerkleError.inconsistentTree(treeIndex: 0)) { try MerkleTree(nodes: broken, treeIndices: [n - 1]) }
        }
    }
}
