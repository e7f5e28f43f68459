import Dispatch
import EVM

/// Errors from building, proving against or verifying a Merkle tree.
public enum MerkleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tree needs at least one leaf.
    case emptyTree
    /// A leaf index outside `0..<count`.
    case leafIndexOutOfRange(Int, count: Int)
    /// A tree index that is not a leaf of this tree.
    case notALeaf(treeIndex: Int)
    /// The same leaf was asked for twice in a multiproof.
    case duplicateIndex(Int)
    /// A multiproof whose sizes do not fit together (`leaves + proof == flags + 1` must hold), or that is empty.
    case invalidMultiproof(String)
    /// A serialised tree whose nodes are not consistent (a parent that is not the hash of its children).
    case inconsistentTree(treeIndex: Int)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .emptyTree: return "a Merkle tree needs at least one leaf"
        case .leafIndexOutOfRange(let i, let count): return "leaf index \(i) out of range 0..<\(count)"
        case .notALeaf(let i): return "tree index \(i) is not a leaf"
        case .duplicateIndex(let i): return "leaf \(i) appears twice in the multiproof request"
        case .invalidMultiproof(let why): return "invalid multiproof: \(why)"
        case .inconsistentTree(let i): return "tree node \(i) is not the hash of its children"
        }
    }
}

/// A multiproof in OpenZeppelin's form: the leaves (in descending tree-index order), the sibling
/// hashes they need, and one flag per hashing step (true: take the next computed/leaf hash,
/// false: take the next proof hash).
public struct MultiProof: Equatable, Sendable {
    /// The proven leaf hashes, in the order the verifier consumes them.
    public var leaves: [Bytes32]
    /// The extra hashes.
    public var proof: [Bytes32]
    /// One flag per internal hash computed.
    public var proofFlags: [Bool]

    /// A multiproof from its parts.
    public init(leaves: [Bytes32], proof: [Bytes32], proofFlags: [Bool]) {
        self.leaves = leaves
        self.proof = proof
        self.proofFlags = proofFlags
    }
}

/// A Merkle tree of 32-byte leaf hashes, laid out exactly as OpenZeppelin's `makeMerkleTree`.
///
/// The `2n − 1` nodes live in one flat array; node `i` has children `2i + 1` and `2i + 2`; leaf `k`
/// (after optional sorting) sits at index `2n − 2 − k`; a parent is `keccak256(min(a, b) ‖ max(a, b))`.
/// With `sortLeaves` (the default, as OpenZeppelin's `StandardMerkleTree.of`) leaves are ordered
/// ascending by hash first, so the tree does not depend on insertion order.
public struct MerkleTree: Sendable {
    /// All nodes; `nodes[0]` is the root.
    public let nodes: [Bytes32]
    /// For each leaf in insertion order, its index in `nodes`.
    public let treeIndices: [Int]

    /// Builds a tree over `leaves` (already hashed). One pass, one allocation for the nodes.
    public init(leaves: [Bytes32], sortLeaves: Bool = true) throws(MerkleError) {
        let n = leaves.count
        guard n > 0 else { throw .emptyTree }
        let total = 2 * n - 1
        let order = sortLeaves ? MerkleTree.sortedOrder(leaves) : Array(0..<n)
        var treeIndices = [Int](repeating: 0, count: n)
        nodes = [Bytes32](unsafeUninitializedCapacity: total) { buffer, initialized in
            // The leaves into their slots (random reads of `leaves`): for a large tree, the two halves of the order on two
            // threads (each writes its own slots and its own leaves' tree indices).
            leaves.withUnsafeBufferPointer { leaves in
                order.withUnsafeBufferPointer { order in
                    treeIndices.withUnsafeMutableBufferPointer { treeIndices in
                        let placing = LeafPlacement(leaves: leaves, order: order, treeIndices: treeIndices, nodes: buffer.baseAddress!)
                        if n >= 1 << 16 {
                            DispatchQueue.concurrentPerform(iterations: 2) { half in placing.place(half * n / 2 ..< (half + 1) * n / 2) }
                        } else {
                            placing.place(0..<n)
                        }
                    }
                }
            }
            // Parents from the last one down (every child is written before its parent); 4 at a time where possible, and
            // for a large tree the two subtrees of the root on two threads.
            // Bytes32 is a trivial type: assigning into the not-yet-initialised parent slots is initialising them.
            PairHashing.fillParentsOnTwoThreads(buffer.baseAddress!, from: total - n - 1)
            initialized = total
        }
        self.treeIndices = treeIndices
    }

    /// Writes the leaves at sorted positions `range` into their node slots and records their tree indices.
    private struct LeafPlacement: @unchecked Sendable {
        let leaves: UnsafeBufferPointer<Bytes32>, order: UnsafeBufferPointer<Int>
        let treeIndices: UnsafeMutableBufferPointer<Int>, nodes: UnsafeMutablePointer<Bytes32>

        func place(_ range: Range<Int>) {
            let last = 2 * leaves.count - 2
            for position in range {
                let original = order[position], index = last - position
                (nodes + index).initialize(to: leaves[original])
                treeIndices[original] = index
            }
        }
    }

    /// Leaf positions in ascending hash order (ties keep insertion order). (first 8 bytes, position) pairs are first
    /// distributed, stably, into 65,536 buckets by the top 16 bits of their hash (one counting pass), so that each bucket
    /// (about n / 65,536 leaves of random hashes) is sorted in its own few cache lines by (first 8 bytes, whole hash,
    /// position): by insertion for a few leaves, by the standard sort for more (many equal prefixes cannot make it
    /// quadratic). From `twoThreadsFrom` leaves on, the lower and upper halves of the buckets sort on two threads.
    static func sortedOrder(_ leaves: [Bytes32], twoThreadsFrom: Int = 1 << 16) -> [Int] {
        let n = leaves.count
        let prefixes = leaves.map { leaf in leaf.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) } }
        guard n >= 1 << 12 else {
            var keyed = (0..<n).map { SortKey(prefix: prefixes[$0], position: $0) }
            leaves.withUnsafeBufferPointer { leaves in
                keyed.withUnsafeMutableBufferPointer { keyed in keyed.sort(by: SortShared(leaves: leaves, keyed: keyed).less) }
            }
            return keyed.map(\.position)
        }
        let bucketCount = 1 << 16
        var starts = [Int](repeating: 0, count: bucketCount + 1)
        for p in prefixes { starts[Int(p >> 48) + 1] += 1 }
        for b in 0..<bucketCount { starts[b + 1] += starts[b] }
        var keyed = [SortKey](repeating: SortKey(prefix: 0, position: 0), count: n)
        var next = starts
        for i in 0..<n {
            let b = Int(prefixes[i] >> 48)
            keyed[next[b]] = SortKey(prefix: prefixes[i], position: i)
            next[b] += 1
        }
        let bounds = starts
        leaves.withUnsafeBufferPointer { leaves in
            keyed.withUnsafeMutableBufferPointer { keyed in
                let shared = SortShared(leaves: leaves, keyed: keyed)
                if n >= twoThreadsFrom {
                    DispatchQueue.concurrentPerform(iterations: 2) { half in
                        shared.sortBuckets(half * bucketCount / 2 ..< (half + 1) * bucketCount / 2, starts: bounds)
                    }
                } else {
                    shared.sortBuckets(0..<bucketCount, starts: bounds)
                }
            }
        }
        return keyed.map(\.position)
    }

    /// A leaf's first eight bytes (big-endian) and its insertion position.
    struct SortKey { var prefix: UInt64, position: Int }

    /// The leaves and the bucketed keys, shared by the two sorting threads (each sorts its own buckets).
    private struct SortShared: @unchecked Sendable {
        let leaves: UnsafeBufferPointer<Bytes32>
        let keyed: UnsafeMutableBufferPointer<SortKey>

        func less(_ a: SortKey, _ b: SortKey) -> Bool {
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let x = leaves[a.position], y = leaves[b.position]
            return x < y || (x == y && a.position < b.position)
        }

        /// Sorts the buckets of `range` in place (bucket `b` is `keyed[starts[b] ..< starts[b + 1]]`).
        func sortBuckets(_ range: Range<Int>, starts: [Int]) {
            for b in range {
                let lo = starts[b], hi = starts[b + 1]
                if hi - lo <= 1 { continue }
                if hi - lo > 48 {
                    var bucket = UnsafeMutableBufferPointer(rebasing: keyed[lo..<hi])
                    bucket.sort(by: less)
                    continue
                }
                for i in (lo + 1)..<hi {
                    let item = keyed[i]
                    var j = i
                    while j > lo && less(item, keyed[j - 1]) {
                        keyed[j] = keyed[j - 1]
                        j -= 1
                    }
                    keyed[j] = item
                }
            }
        }
    }

    /// Rebuilds a tree from its serialised nodes (an OpenZeppelin dump's `tree`), checking every parent.
    public init(nodes: [Bytes32], treeIndices: [Int]) throws(MerkleError) {
        try self.init(nodes: nodes, treeIndices: treeIndices, firstInconsistentParent: Self.firstInconsistentParent(nodes))
    }

    /// The first parent of `nodes` whose hash is not that of its children (nil: all consistent, or too few nodes).
    static func firstInconsistentParent(_ nodes: [Bytes32]) -> Int? {
        guard nodes.count >= 3 else { return nil }
        return nodes.withUnsafeBufferPointer { PairHashing.firstInconsistentParent($0.baseAddress!, upper: nodes.count / 2 - 1) }
    }

    /// The checks of ``init(nodes:treeIndices:)`` with the parents already checked (by `firstInconsistentParent(_:)`).
    init(nodes: [Bytes32], treeIndices: [Int], firstInconsistentParent bad: Int?) throws(MerkleError) {
        guard !nodes.isEmpty, nodes.count % 2 == 1 else { throw .emptyTree }
        let leafStart = nodes.count / 2
        if let bad { throw .inconsistentTree(treeIndex: bad) }
        for index in treeIndices where index < leafStart || index >= nodes.count {
            throw .notALeaf(treeIndex: index)
        }
        self.nodes = nodes
        self.treeIndices = treeIndices
    }

    /// The root hash.
    public var root: Bytes32 { nodes[0] }

    /// Number of leaves.
    public var count: Int { treeIndices.count }

    /// The leaf hash of the leaf inserted at `index`.
    public func leaf(at index: Int) throws(MerkleError) -> Bytes32 {
        nodes[try treeIndex(ofLeaf: index)]
    }

    /// Tree index of the leaf inserted at `index`.
    public func treeIndex(ofLeaf index: Int) throws(MerkleError) -> Int {
        guard index >= 0 && index < treeIndices.count else { throw .leafIndexOutOfRange(index, count: treeIndices.count) }
        return treeIndices[index]
    }

    /// The proof (sibling hashes from the leaf up) of the leaf inserted at `index`.
    public func proof(forLeaf index: Int) throws(MerkleError) -> [Bytes32] {
        try proof(treeIndex: treeIndex(ofLeaf: index))
    }

    /// The proof of the node at `treeIndex` (a leaf).
    public func proof(treeIndex: Int) throws(MerkleError) -> [Bytes32] {
        try Self.proof(nodes: nodes, treeIndex: treeIndex)
    }

    /// The proof of the node at `treeIndex` (a leaf) of the tree laid out as `nodes` (OpenZeppelin's `getProof`: the
    /// sibling of node j is j + 1 for odd j, j − 1 for even j; the parent is (j − 1) / 2), without building a tree.
    public static func proof(nodes: [Bytes32], treeIndex: Int) throws(MerkleError) -> [Bytes32] {
        guard treeIndex >= nodes.count / 2 && treeIndex < nodes.count else { throw .notALeaf(treeIndex: treeIndex) }
        var proof: [Bytes32] = []
        var j = treeIndex
        while j > 0 {
            proof.append(nodes[j % 2 == 1 ? j + 1 : j - 1])
            j = (j - 1) / 2
        }
        return proof
    }

    /// A multiproof of the leaves inserted at `indices` (OpenZeppelin's `getMultiProof`).
    public func multiProof(forLeaves indices: [Int]) throws(MerkleError) -> MultiProof {
        var treeIndexList: [Int] = []
        for index in indices { treeIndexList.append(try treeIndex(ofLeaf: index)) }
        return try multiProof(treeIndices: treeIndexList)
    }

    /// A multiproof of the leaves at the given tree indices.
    public func multiProof(treeIndices requested: [Int]) throws(MerkleError) -> MultiProof {
        for index in requested where index < nodes.count / 2 || index >= nodes.count {
            throw .notALeaf(treeIndex: index)
        }
        let sorted = requested.sorted(by: >)
        for k in sorted.indices.dropFirst() where sorted[k] == sorted[k - 1] {
            throw .duplicateIndex(sorted[k])
        }
        // A queue of tree indices still to be hashed upwards, processed front to back.
        var queue = sorted
        var head = 0
        var proof: [Bytes32] = []
        var flags: [Bool] = []
        while head < queue.count && queue[head] > 0 {
            let j = queue[head]
            head += 1
            let sibling = j % 2 == 1 ? j + 1 : j - 1
            if head < queue.count && queue[head] == sibling {
                flags.append(true)
                head += 1
            } else {
                flags.append(false)
                proof.append(nodes[sibling])
            }
            queue.append((j - 1) / 2)
        }
        if sorted.isEmpty { proof.append(nodes[0]) }
        return MultiProof(leaves: sorted.map { nodes[$0] }, proof: proof, proofFlags: flags)
    }

    /// `keccak256(min(a, b) ‖ max(a, b))`: an internal node.
    @inlinable
    public static func hashPair(_ a: Bytes32, _ b: Bytes32) -> Bytes32 {
        a < b ? Keccak256.hash(a, b) : Keccak256.hash(b, a)
    }

    /// The root implied by `leaf` and `proof`.
    public static func processProof(leaf: Bytes32, proof: [Bytes32]) -> Bytes32 {
        proof.reduce(leaf, hashPair)
    }

    /// Whether `proof` links `leaf` to `root`.
    public static func verify(root: Bytes32, leaf: Bytes32, proof: [Bytes32]) -> Bool {
        processProof(leaf: leaf, proof: proof) == root
    }

    /// The root implied by a multiproof (OpenZeppelin's `processMultiProof`). An empty set of leaves is
    /// refused: SixNines never treats "nothing proven" as valid.
    public static func processMultiProof(_ multiProof: MultiProof) throws(MerkleError) -> Bytes32 {
        let leaves = multiProof.leaves, proof = multiProof.proof, flags = multiProof.proofFlags
        guard !leaves.isEmpty else { throw .invalidMultiproof("no leaves") }
        guard leaves.count + proof.count == flags.count + 1 else {
            throw .invalidMultiproof("\(leaves.count) leaves + \(proof.count) proof hashes ≠ \(flags.count) flags + 1")
        }
        var queue = leaves
        queue.reserveCapacity(leaves.count + flags.count)
        var head = 0
        var proofPosition = 0
        for flag in flags {
            guard head < queue.count else { throw .invalidMultiproof("flags consume more hashes than there are") }
            let a = queue[head]
            head += 1
            let b: Bytes32
            if flag {
                guard head < queue.count else { throw .invalidMultiproof("flags consume more hashes than there are") }
                b = queue[head]
                head += 1
            } else {
                guard proofPosition < proof.count else { throw .invalidMultiproof("flags consume more proof hashes than given") }
                b = proof[proofPosition]
                proofPosition += 1
            }
            queue.append(hashPair(a, b))
        }
        guard proofPosition == proof.count, head == queue.count - 1 else {
            throw .invalidMultiproof("not every hash was consumed")
        }
        return queue[queue.count - 1]
    }

    /// Whether a multiproof links its leaves to `root`. Malformed or empty multiproofs are never valid.
    public static func verify(root: Bytes32, multiProof: MultiProof) -> Bool {
        (try? processMultiProof(multiProof)) == root
    }
}
