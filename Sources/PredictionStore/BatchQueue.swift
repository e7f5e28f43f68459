import EVM
import Foundation
import Receipts

// The batch writer's queue: receipts waiting for a batch, batches and their anchor transactions. One protocol,
// implemented over SQLite (`SQLiteBatchQueue`, beside the core's tables and its `outbox`) and PostgreSQL
// (`PostgresBatchQueue`, shared by several writers, each with its own key).
//
// Receipt id: the receipt's Merkle leaf (`keccak256(keccak256(abi.encode(fields)))`, docs/PROTOCOL.md §3). Two
// submissions of the same fields are the same receipt (idempotent); a different receipt with the same
// `(predictionId, kind)` is a conflict and is refused.
//
// Batch states: the open batch of a kind is implicit (the kind's receipts not yet in a batch). Closing writes, in
// one transaction, the batch (`closed`), its root and tree, every receipt's proof and the signed anchor
// transaction (nonce, fees, raw bytes, hash). Then `sent` (the node accepted a transaction), `included` (a recorded
// transaction is in a block), `final` (that block has the required confirmations or is finalized). A reorg takes
// `included` back to `sent`. `abandoned` is a batch whose transaction reverted without anchoring it: its receipts
// go back to the open batch and its id is never reused.

/// The state of a batch (see the file header).
public enum BatchState: String, Sendable, Codable, CaseIterable {
    /// Tree, root, proofs and signed transaction committed; nothing sent yet.
    case closed
    /// A transaction of the batch was accepted by a node.
    case sent
    /// A transaction of the batch is in a block that is not final yet.
    case included
    /// The anchoring block is final.
    case final
    /// Its transaction reverted without anchoring; its receipts went back to the open batch.
    case abandoned
}

/// The state of one anchor transaction (a batch may have several: replacements and re-signings).
public enum AnchorTransactionState: String, Sendable, Codable {
    /// Signed and recorded, not known to be accepted by a node yet.
    case signed
    /// Accepted by a node.
    case sent
    /// In a block.
    case included
    /// In a final block.
    case final
    /// Replaced by a later transaction of the same nonce, or its nonce was used by another transaction.
    case superseded
}

/// A receipt in the queue.
public struct QueuedReceipt: Sendable, Hashable {
    /// The receipt id: its leaf.
    public var leaf: Bytes32
    /// The receipt.
    public var receipt: Receipt
    /// Unix milliseconds (wall clock) when it was acknowledged.
    public var ingestedAt: Int64
    /// The batch it is in, if any.
    public var batchId: Bytes32?
    /// Its proof in that batch (once the batch is closed).
    public var proof: [Bytes32]?

    /// A queued receipt from its parts.
    public init(leaf: Bytes32, receipt: Receipt, ingestedAt: Int64, batchId: Bytes32? = nil, proof: [Bytes32]? = nil) {
        self.leaf = leaf
        self.receipt = receipt
        self.ingestedAt = ingestedAt
        self.batchId = batchId
        self.proof = proof
    }

    /// The time that orders it in a batch: `placedAt` for placements, `settlesAt` for settlements.
    public var batchTime: UInt64 { receipt.kind == .placement ? receipt.placedAt : receipt.settlesAt }
}

/// What happened to one submitted receipt.
public enum IngestOutcome: Sendable, Hashable {
    /// Stored now.
    case stored
    /// Already stored (same fields): nothing changed.
    case duplicate
    /// Another receipt with the same `(predictionId, kind)` is stored; this one was refused.
    case conflict
}

/// One anchor transaction as recorded.
public struct AnchorTransaction: Sendable, Hashable, Codable {
    /// `keccak256(raw)`.
    public var hash: Bytes32
    /// The batch it anchors.
    public var batchId: Bytes32
    /// Its nonce.
    public var nonce: UInt64
    /// `maxFeePerGas` (EIP-1559) or the gas price (legacy), wei, decimal.
    public var maxFee: String
    /// `maxPriorityFeePerGas`, wei, decimal; nil for a legacy transaction.
    public var priorityFee: String?
    /// Its gas limit.
    public var gasLimit: UInt64
    /// The signed network encoding.
    public var raw: [UInt8]
    /// The hash it replaces (same nonce), if any.
    public var replaces: Bytes32?
    /// Its state.
    public var state: AnchorTransactionState
    /// Unix milliseconds when it was recorded.
    public var createdAt: Int64
    /// Unix milliseconds when it was last (re)broadcast, if ever.
    public var sentAt: Int64?
    /// Block that includes it.
    public var blockNumber: UInt64?
    /// Hash of that block.
    public var blockHash: Bytes32?
    /// Gas it used, once included.
    public var gasUsed: UInt64?
    /// The account that signed it (nil for rows recorded before senders were stored).
    public var sender: Address?

    /// A freshly signed transaction record.
    public init(hash: Bytes32, batchId: Bytes32, nonce: UInt64, maxFee: String, priorityFee: String?, gasLimit: UInt64,
                raw: [UInt8], replaces: Bytes32? = nil, state: AnchorTransactionState = .signed, createdAt: Int64,
                sentAt: Int64? = nil, blockNumber: UInt64? = nil, blockHash: Bytes32? = nil, gasUsed: UInt64? = nil,
                sender: Address? = nil) {
        self.hash = hash
        self.batchId = batchId
        self.nonce = nonce
        self.maxFee = maxFee
        self.priorityFee = priorityFee
        self.gasLimit = gasLimit
        self.raw = raw
        self.replaces = replaces
        self.state = state
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.gasUsed = gasUsed
        self.sender = sender
    }
}

/// A batch as recorded.
public struct BatchRecord: Sendable, Hashable {
    /// Its id (`kind << 64 | sequence`).
    public var id: BatchID
    /// Its state.
    public var state: BatchState
    /// The Merkle root.
    public var root: Bytes32
    /// Number of receipts.
    public var count: Int
    /// `first_time` as anchored.
    public var firstTime: UInt64
    /// `last_time` as anchored.
    public var lastTime: UInt64
    /// Earliest `settlesAt` of its receipts (the placement deadline).
    public var deadline: UInt64
    /// Unix milliseconds when it was closed.
    public var closedAt: Int64
    /// Unix milliseconds when it became final.
    public var finalAt: Int64?
    /// The transaction that anchored it (once included).
    public var anchorTransaction: Bytes32?
    /// Its block (once included).
    public var blockNumber: UInt64?
    /// The anchoring block's timestamp (`anchored_at`).
    public var anchoredAt: UInt64?
    /// Placement batches: `deadline − anchoredAt`, seconds (negative: anchored after settlement).
    public var leadTime: Int64?
    /// Oldest acknowledgement of its receipts, unix milliseconds.
    public var oldestIngestedAt: Int64

    /// A record from its parts.
    public init(id: BatchID, state: BatchState, root: Bytes32, count: Int, firstTime: UInt64, lastTime: UInt64, deadline: UInt64,
                closedAt: Int64, finalAt: Int64? = nil, anchorTransaction: Bytes32? = nil, blockNumber: UInt64? = nil,
                anchoredAt: UInt64? = nil, leadTime: Int64? = nil, oldestIngestedAt: Int64) {
        self.id = id
        self.state = state
        self.root = root
        self.count = count
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.deadline = deadline
        self.closedAt = closedAt
        self.finalAt = finalAt
        self.anchorTransaction = anchorTransaction
        self.blockNumber = blockNumber
        self.anchoredAt = anchoredAt
        self.leadTime = leadTime
        self.oldestIngestedAt = oldestIngestedAt
    }
}

/// Everything committed when a batch closes.
public struct ClosingBatch: Sendable {
    /// The batch (state `closed`).
    public var record: BatchRecord
    /// Its receipts' ids with their proofs and leaf index (sorted-tree position irrelevant: proofs are complete).
    public var proofs: [(leaf: Bytes32, proof: [Bytes32])]
    /// The OpenZeppelin tree's nodes (2n − 1 hashes), kept for multiproofs and dumps.
    public var treeNodes: [Bytes32]
    /// The signed anchor transaction.
    public var transaction: AnchorTransaction

    /// The closing from its parts.
    public init(record: BatchRecord, proofs: [(leaf: Bytes32, proof: [Bytes32])], treeNodes: [Bytes32], transaction: AnchorTransaction) {
        self.record = record
        self.proofs = proofs
        self.treeNodes = treeNodes
        self.transaction = transaction
    }
}

/// The open batch of one kind: what is waiting.
public struct PendingSummary: Sendable, Hashable, Codable {
    /// Receipts not in a batch.
    public var count: Int
    /// Oldest acknowledgement (unix ms), if any.
    public var oldestIngestedAt: Int64?
    /// Earliest `settlesAt` (placements: the deadline), if any.
    public var earliestDeadline: UInt64?

    /// A summary from its parts.
    public init(count: Int, oldestIngestedAt: Int64?, earliestDeadline: UInt64?) {
        self.count = count
        self.oldestIngestedAt = oldestIngestedAt
        self.earliestDeadline = earliestDeadline
    }
}

/// Errors of the batch queue.
public enum BatchQueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database failed.
    case store(String)
    /// A stored row does not decode.
    case corrupt(String)
    /// An invariant would break (a receipt already in a batch, a batch id taken…).
    case refused(String)
    /// Submitted receipt `index` has the `(predictionId, kind)` of another stored receipt: nothing was stored.
    case conflict(index: Int, existing: Bytes32)

    public var description: String {
        switch self {
        case .store(let why): return "batch store: \(why)"
        case .corrupt(let why): return "batch store corrupt: \(why)"
        case .refused(let why): return "batch store refused: \(why)"
        case .conflict(let index, let existing):
            return "receipt [\(index)] has the prediction id and kind of stored receipt \(existing) with other fields"
        }
    }
}

/// The batch writer's storage: every method is one transaction; nothing is acknowledged before its commit.
///
/// Several writers may share one store (PostgreSQL): each closes batches from receipts no other writer is taking
/// (``closeNext(kind:maxTime:limit:build:)``), each with its own key; a transaction records its `sender`, and nonces are
/// tracked per sender (``highestNonce(sender:)``).
public protocol BatchQueue: Sendable {
    /// Stores receipts (idempotent per receipt id), acknowledged together after one commit; all or nothing: a
    /// conflicting receipt (same prediction id and kind, other fields) throws ``BatchQueueError/conflict(index:existing:)``.
    func ingest(_ receipts: [Receipt], now: Int64) async throws(BatchQueueError) -> [IngestOutcome]
    /// Moves up to `limit` rows of the core's `outbox` into the queue (a cursor, advanced in the same transaction).
    func claimOutbox(limit: Int, now: Int64) async throws(BatchQueueError) -> Int
    /// The open batch of `kind`.
    func pending(kind: BatchKind) async throws(BatchQueueError) -> PendingSummary
    /// Up to `limit` receipts of `kind` not in a batch whose batch time is at most `maxTime`, earliest deadline first.
    func pendingReceipts(kind: BatchKind, maxTime: UInt64, limit: Int) async throws(BatchQueueError) -> [QueuedReceipt]
    /// Takes the next `count` sequence numbers of `kind` and returns the first (committed: never handed out twice;
    /// numbers a crash leaves unused are gaps, which docs/PROTOCOL.md §4 allows).
    func reserveSequences(kind: BatchKind, count: Int) async throws(BatchQueueError) -> UInt64
    /// The highest nonce recorded for a transaction of `sender` (nil if none).
    func highestNonce(sender: Address) async throws(BatchQueueError) -> UInt64?
    /// Commits a closed batch: record, receipts' batch and proofs, tree, signed transaction. Refuses a receipt
    /// already in a batch, and a proof that is not its leaf's path in `treeNodes` (a receipt's proof is stored as its
    /// leaf's index in the tree and served as that path).
    func close(_ batch: ClosingBatch) async throws(BatchQueueError)
    /// Closes the next batch of `kind` in one transaction: takes up to `limit` receipts of the open batch (as
    /// ``pendingReceipts(kind:maxTime:limit:)``, skipping receipts another writer is closing), hands them to `build`
    /// (tree, proofs, signed transaction; nil: nothing to close) and commits its result as ``close(_:)`` does.
    /// Returns what was committed (nil when no receipt was free or `build` returned nil).
    func closeNext(kind: BatchKind, maxTime: UInt64, limit: Int,
                   build: @Sendable ([QueuedReceipt]) async throws(BatchQueueError) -> ClosingBatch?) async throws(BatchQueueError) -> ClosingBatch?
    /// Records another transaction of a batch (a replacement or a re-signing), before it is sent.
    func record(_ transaction: AnchorTransaction, superseding: Bytes32?) async throws(BatchQueueError)
    /// Updates a transaction's state, broadcast time, block and gas.
    func update(_ transaction: AnchorTransaction) async throws(BatchQueueError)
    /// Updates a batch's state and anchoring fields.
    func update(_ batch: BatchRecord) async throws(BatchQueueError)
    /// Abandons a batch: its receipts go back to the open batch, its id stays used.
    func abandon(_ batch: BatchID) async throws(BatchQueueError)
    /// Batches in the given states (all if empty), oldest first, after `cursor` (exclusive), up to `limit`.
    func batches(kind: BatchKind?, states: [BatchState], after cursor: BatchID?, limit: Int) async throws(BatchQueueError) -> [BatchRecord]
    /// One batch.
    func batch(_ id: BatchID) async throws(BatchQueueError) -> BatchRecord?
    /// A batch's transactions, in recording order.
    func transactions(of id: BatchID) async throws(BatchQueueError) -> [AnchorTransaction]
    /// A batch's receipts with their proofs.
    func receipts(of id: BatchID) async throws(BatchQueueError) -> [QueuedReceipt]
    /// A batch's tree nodes.
    func treeNodes(of id: BatchID) async throws(BatchQueueError) -> [Bytes32]
    /// One receipt by id (its leaf).
    func receipt(_ leaf: Bytes32) async throws(BatchQueueError) -> QueuedReceipt?
    /// Receipts not yet in a final batch, per kind (the backlog).
    func backlog() async throws(BatchQueueError) -> [BatchKind: Int]
    /// A stored setting (the chain id and registry the batches are anchored in: `chain_id`, `registry`).
    func setting(_ key: String) async throws(BatchQueueError) -> String?
    /// Stores a setting.
    func setSetting(_ key: String, _ value: String) async throws(BatchQueueError)
    /// Whether the database answers.
    func ping() async -> Bool
    /// Releases the connections (the queue is unusable afterwards).
    func shutdown() async
}

extension Receipt {
    /// Decodes the 416-byte ABI encoding (`abi.encode` of the 13 fields), checking every field's range.
    public init(abiEncoded bytes: some Collection<UInt8>) throws(ReceiptError) {
        let b = Array(bytes)
        guard b.count == Receipt.encodedSize else { throw .invalidField("receipt", "\(b.count) bytes, expected \(Receipt.encodedSize)") }
        func word(_ i: Int) -> ArraySlice<UInt8> { b[(i * 32)..<(i * 32 + 32)] }
        func uint<T: FixedWidthInteger & UnsignedInteger>(_ i: Int, _ name: String, _: T.Type = T.self) throws(ReceiptError) -> T {
            let w = word(i)
            let size = MemoryLayout<T>.size
            guard w.prefix(32 - size).allSatisfy({ $0 == 0 }) else { throw .invalidField(name, "does not fit \(T.self)") }
            return w.suffix(size).reduce(T(0)) { $0 << 8 | T($1) }
        }
        func bytes32(_ i: Int) -> Bytes32 { try! Bytes32(word(i)) }  // invariant: a word is 32 bytes
        guard let kind = Kind(rawValue: try uint(1, "kind", UInt8.self)) else { throw .invalidField("kind", "unknown kind") }
        guard let direction = Direction(rawValue: try uint(5, "direction", UInt8.self)) else {
            throw .invalidField("direction", "unknown direction")
        }
        guard let outcome = Outcome(rawValue: try uint(11, "outcome", UInt8.self)) else { throw .invalidField("outcome", "unknown outcome") }
        self.init(version: try uint(0, "version"), kind: kind, predictionId: bytes32(2), userCommitment: bytes32(3),
                  asset: try AssetID(word: bytes32(4)), direction: direction, stake: try uint(6, "stake"),
                  placedAt: try uint(7, "placedAt"), settlesAt: try uint(8, "settlesAt"), entryPrice: try uint(9, "entryPrice"),
                  settlementPrice: try uint(10, "settlementPrice"), outcome: outcome, payout: try uint(12, "payout"))
    }
}
