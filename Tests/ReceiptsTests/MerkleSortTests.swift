import EVM
import Testing
@testable import Receipts

/// The bucketed leaf sort gives exactly the order of sorting (hash, insertion position): random hashes, hashes that
/// share their first 2 or 8 bytes (one crowded bucket, prefix ties), repeated hashes (ties keep insertion order), and
/// sizes on both sides of the small-input path, on one thread and on two.
@Suite struct MerkleSortTests {
    static func reference(_ leaves: [Bytes32]) -> [Int] {
        leaves.indices.sorted { a, b in leaves[a] < leaves[b] || (leaves[a] == leaves[b] && a < b) }
    }

    static func leaf(_ rng: inout SystemRandomNumberGenerator, sharedPrefix: Int) -> Bytes32 {
        Bytes32(unsafeUninitialized: { raw in
            for k in 0..<32 { raw[k] = k < sharedPrefix ? 0xAB : UInt8.random(in: 0...255, using: &rng) }
        })
    }

    @Test(arguments: [0, 1, 2, 7, 4_095, 4_096, 70_000])
    func random_hashes_sort_as_the_reference(count: Int) {
        var rng = SystemRandomNumberGenerator()
        let leaves = (0..<count).map { _ in Self.leaf(&rng, sharedPrefix: 0) }
        #expect(MerkleTree.sortedOrder(leaves) == Self.reference(leaves))
    }

    /// A tree large enough for the two-thread placement: every leaf sits at its tree index, the leaf slots ascend by
    /// hash, and every parent is the hash of its children.
    @Test(arguments: [65_535, 65_536, 70_001])
    func leaves_are_placed_in_sorted_slots_on_one_and_two_threads(count: Int) throws {
        var rng = SystemRandomNumberGenerator()
        var leaves = (0..<count).map { _ in Self.leaf(&rng, sharedPrefix: 0) }
        leaves[count - 1] = leaves[0]  // a repeated hash: insertion order between the two
        let tree = try MerkleTree(leaves: leaves)
        for (i, index) in tree.treeIndices.enumerated() { #expect(tree.nodes[index] == leaves[i]) }
        #expect(tree.treeIndices[0] > tree.treeIndices[count - 1])  // the earlier of equal hashes is the later slot
        let slots = tree.nodes[(count - 1)...]
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(Set(tree.treeIndices).count == count)
        #expect(MerkleTree.firstInconsistentParent(tree.nodes) == nil)
    }

    @Test func crowded_buckets_prefix_ties_and_repeats_sort_as_the_reference() {
        var rng = SystemRandomNumberGenerator()
        for shared in [2, 8] {
            // Every hash in one bucket (the standard sort path), mixed with random ones and repeats.
            var leaves = (0..<6_000).map { _ in Self.leaf(&rng, sharedPrefix: shared) }
            leaves += (0..<6_000).map { _ in Self.leaf(&rng, sharedPrefix: 0) }
            let pool = leaves
            leaves += (0..<3_000).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
            leaves.shuffle(using: &rng)
            #expect(MerkleTree.sortedOrder(leaves) == Self.reference(leaves), "shared prefix \(shared)")
            #expect(MerkleTree.sortedOrder(leaves, twoThreadsFrom: 0) == Self.reference(leaves), "two threads, shared prefix \(shared)")
        }
        // Buckets of a few (insertion) with repeats inside them.
        var small = (0..<40_000).map { _ in Self.leaf(&rng, sharedPrefix: 0) }
        for i in stride(from: 0, to: small.count, by: 7) { small[i] = small[(i * 31) % small.count] }
        #expect(MerkleTree.sortedOrder(small) == Self.reference(small))
        #expect(MerkleTree.sortedOrder(small, twoThreadsFrom: 0) == Self.reference(small))
    }
}
