import EVM
import Foundation
import Receipts

/// The column encodings both batch queues share: 32-byte words as blobs, hash lists as concatenated words, unsigned
/// 64-bit values as the bit pattern of a signed one.
enum BatchRows {
    static func i64(_ v: UInt64) -> Int64 { Int64(bitPattern: v) }
    static func u64(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) }

    /// A 32-byte word from a column.
    static func word(_ d: Data?) throws(BatchQueueError) -> Bytes32 {
        guard let d, d.count == 32 else { throw .corrupt("a 32-byte value has \(d?.count ?? 0) bytes") }
        do { return try Bytes32(d) } catch { throw .corrupt("a 32-byte value: \(error)") }
    }

    /// A 20-byte address from a column.
    static func address(_ d: Data?) throws(BatchQueueError) -> Address? {
        guard let d else { return nil }
        guard d.count == 20 else { throw .corrupt("an address has \(d.count) bytes") }
        do { return try Address([UInt8](d)) } catch { throw .corrupt("an address: \(error)") }
    }

    /// A list of 32-byte words from a column.
    static func words(_ d: Data) throws(BatchQueueError) -> [Bytes32] {
        guard d.count % 32 == 0 else { throw .corrupt("a hash list has \(d.count) bytes") }
        let bytes = [UInt8](d)
        var result: [Bytes32] = []
        result.reserveCapacity(bytes.count / 32)
        for start in stride(from: 0, to: bytes.count, by: 32) { result.append(try word(Data(bytes[start..<(start + 32)]))) }
        return result
    }

    /// A list of words as one column.
    static func joined(_ ws: [Bytes32]) -> Data {
        var d = Data(capacity: ws.count * 32)
        for w in ws { d.append(contentsOf: w.bytes) }
        return d
    }

    /// A stored receipt (its 416-byte ABI encoding) decoded.
    static func receipt(_ d: Data, what: String) throws(BatchQueueError) -> Receipt {
        do { return try Receipt(abiEncoded: d) } catch { throw .corrupt("\(what): \(error)") }
    }

    /// The batch time of a receipt: `placedAt` for placements, `settlesAt` otherwise.
    static func batchTime(_ r: Receipt) -> UInt64 { r.kind == .placement ? r.placedAt : r.settlesAt }

    // Proofs are not stored per receipt (schema `batch-v3`): a receipt row keeps its leaf's index in the batch's stored
    // tree (`tree_index`), and its proof is read back as the path of that node (OpenZeppelin's `getProof`: sibling of
    // node j is j + 1 for odd j, j − 1 for even j; parent (j − 1) / 2). Rows closed before `batch-v3` keep their
    // stored `proof`, which is served as it is.

    /// The proof of the node at `treeIndex` in `nodes` (a leaf of the tree).
    static func path(_ nodes: [Bytes32], treeIndex: Int) throws(BatchQueueError) -> [Bytes32] {
        do { return try MerkleTree.proof(nodes: nodes, treeIndex: treeIndex) } catch {
            throw .corrupt("tree index \(treeIndex) is not a leaf of a tree of \(nodes.count) nodes")
        }
    }

    /// Each receipt's index in the closing batch's tree, checking that its proof is that node's path: what is committed
    /// serves exactly the proofs the batch was closed with. Refuses a leaf missing from the tree or a proof that differs.
    static func treeIndices(_ batch: ClosingBatch) throws(BatchQueueError) -> [Int] {
        let nodes = batch.treeNodes
        guard !batch.proofs.isEmpty else { return [] }
        let leafStart = nodes.count / 2
        var position: [Bytes32: Int] = [:]
        position.reserveCapacity(nodes.count - leafStart)
        for index in leafStart..<nodes.count { position[nodes[index]] = index }
        var indices: [Int] = []
        indices.reserveCapacity(batch.proofs.count)
        for (leaf, proof) in batch.proofs {
            guard let index = position[leaf] else { throw .refused("receipt \(leaf) is not a leaf of the tree of batch \(batch.record.id)") }
            guard try path(nodes, treeIndex: index) == proof else {
                throw .refused("the proof of receipt \(leaf) is not its path in the tree of batch \(batch.record.id)")
            }
            indices.append(index)
        }
        return indices
    }

    /// A receipt's proof: the stored one (rows closed before `batch-v3`), else its path in the batch's tree.
    static func proof(stored: Data?, treeIndex: Int64?, tree: [Bytes32]?) throws(BatchQueueError) -> [Bytes32]? {
        if let stored { return try words(stored) }
        guard let treeIndex else { return nil }
        guard let tree else { throw .corrupt("a receipt's batch has no tree") }
        return try path(tree, treeIndex: Int(treeIndex))
    }
}
