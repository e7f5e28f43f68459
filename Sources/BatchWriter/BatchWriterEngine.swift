import EVM
import EVMRPC
import Foundation
import Logging
import Metrics
import PredictionStore
import Receipts

/// Batching, anchoring and reconciliation over a ``BatchQueue`` and an ``AnchorChain``. One instance owns the
/// writer key; every state change is committed before the action that depends on it (close before send, replacement
/// recorded before it is sent), so a restart resumes from the store: ``reconcile()`` then ``step(flush:)``.
///
/// Several engines (each with its own key) may share one store (PostgreSQL): each closes batches from receipts no other
/// engine is taking, and follows only the batches it signed (its key's nonces).
public actor BatchWriterEngine {
    /// The store.
    public nonisolated let queue: any BatchQueue
    /// The chain.
    public nonisolated let chain: any AnchorChain
    /// The settings.
    public nonisolated let configuration: BatchWriterConfiguration
    var logger: Logger
    let now: @Sendable () -> Int64
    var cachedFees: Fees?
    /// The prediction core's mark prices, for the daily price root (nil: no daily roots).
    public nonisolated let prices: CorePriceLog?
    /// The last complete UTC day whose price roots were checked.
    var checkedPriceDay: UInt64?
    /// Sequence numbers reserved in the store and not used yet, per kind (`next..<end`).
    private var reserved: [BatchKind: (next: UInt64, end: UInt64)] = [:]
    /// Sequence numbers reserved per commit (a restart leaves at most this many minus one as a gap).
    private static let sequenceBlock = 8
    private var rpcHealthy = false
    private var lastRPCError: String?

    private let leadTime = Recorder(label: "sixnines_batch_lead_time_seconds")
    private let closeTimer = Metrics.Timer(label: "sixnines_batch_close_seconds")
    private let finalTimer = Metrics.Timer(label: "sixnines_receipt_ack_to_final_seconds")
    private let gasPerReceipt = Recorder(label: "sixnines_batch_gas_per_receipt")
    private let leadMisses = Counter(label: "sixnines_batch_lead_misses_total")
    private let replacements = Counter(label: "sixnines_batch_replacements_total")
    private let reorgs = Counter(label: "sixnines_batch_reorgs_total")

    /// Wall clock in unix milliseconds.
    public static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// An engine over `queue` and `chain`; `now` is the wall clock (unix ms) used for ages and replacement timers;
    /// `prices`, the core's mark prices whose daily roots it anchors (kind 3).
    public init(queue: any BatchQueue, chain: any AnchorChain, configuration: BatchWriterConfiguration = BatchWriterConfiguration(),
                logger: Logger = Logger(label: "sixnines.batch-writer"), now: @escaping @Sendable () -> Int64 = BatchWriterEngine.wallClock,
                prices: CorePriceLog? = nil) async throws {
        self.queue = queue
        self.prices = prices
        self.chain = chain
        self.configuration = configuration
        self.logger = logger
        self.now = now
        try await queue.setSetting("chain_id", String(chain.chainId))
        try await queue.setSetting("registry", chain.registry.description)
    }

    /// Whether the last chain call succeeded.
    public var isRPCHealthy: Bool { rpcHealthy }

    /// The last chain error, if the last call failed.
    public var lastChainError: String? { lastRPCError }

    /// Stores receipts from another producer (idempotent per receipt id), committed before it returns.
    public nonisolated func ingest(_ receipts: [Receipts.Receipt]) async throws(BatchQueueError) -> [IngestOutcome] {
        let outcomes = try await queue.ingest(receipts, now: Self.wallClock())
        Counter(label: "sixnines_receipts_ingested_total").increment(by: outcomes.lazy.filter { $0 == .stored }.count)
        return outcomes
    }

    /// Restart reconciliation: every batch not final is checked against its recorded transactions and the registry,
    /// then waits, gets the same bytes again, or a replacement (all through ``advance(head:)``), before anything new.
    public func reconcile() async throws {
        let open = try await ownLiveBatches()
        logger.info("reconciling", metadata: ["batches": "\(open.count)", "writer": "\(chain.writer)"])
        for (batch, _) in open {
            if let at = try await chainCall({ try await self.chain.anchoredAt(batch.id, root: batch.root) }) {
                logger.info("already anchored on chain", metadata: ["batch_id": "\(batch.id)", "anchored_at": "\(at)"])
            }
        }
        // Force a rebroadcast check of every live transaction: the node may have lost them while we were down.
        for (_, transactions) in open {
            for var t in transactions where t.state == .sent || t.state == .signed {
                t.sentAt = nil
                try await queue.update(t)
            }
        }
        let head = try await chainCall { try await self.chain.head() }
        try await advance(head: head)
    }

    /// One round: claim the outbox, close due batches (all pending ones with `flush`) and the daily price roots of
    /// complete days, send and follow anchors.
    @discardableResult
    public func step(flush: Bool = false) async throws -> StepReport {
        var report = StepReport()
        report.claimed = try await queue.claimOutbox(limit: configuration.claimLimit, now: now())
        let head = try await chainCall { try await self.chain.head() }
        if cachedFees == nil || report.claimed > 0 || flush {
            cachedFees = try await chainCall { try await self.chain.fees() }
        }
        for kind in [BatchKind.placement, .settlement] {
            while let closed = try await closeIfDue(kind: kind, head: head, flush: flush) {
                report.closed.append(closed.id)
            }
        }
        report.closed += try await closeDailyPriceRoots(head: head).map(\.id)
        report.finalized = try await advance(head: head)
        Gauge(label: "sixnines_backlog_receipts").record(try await queue.backlog().values.reduce(0, +))
        return report
    }

    /// Runs a chain call, tracking RPC health.
    func chainCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            rpcHealthy = true
            lastRPCError = nil
            return value
        } catch {
            rpcHealthy = false
            lastRPCError = "\(error)"
            throw error
        }
    }

    /// Whether the open batch of `kind` must close now, and why.
    private func closeReason(kind: BatchKind, pending: PendingSummary, head: ChainHead, flush: Bool) -> String? {
        guard pending.count > 0 else { return nil }
        if flush { return "flush" }
        if pending.count >= configuration.maxBatchSize { return "size" }
        if let oldest = pending.oldestIngestedAt, now() - oldest >= configuration.maxAgeMillis { return "age" }
        if kind == .placement, let deadline = pending.earliestDeadline,
           deadline <= head.timestamp + configuration.placementLeadSeconds + configuration.anchorAllowanceSeconds {
            return "deadline"
        }
        return nil
    }

    /// Closes one batch of `kind` when due: tree, root, proofs and the signed transaction, committed together (from
    /// receipts no other writer of the store is closing).
    public func closeIfDue(kind: BatchKind, head: ChainHead, flush: Bool = false) async throws -> BatchRecord? {
        let pending = try await queue.pending(kind: kind)
        guard let reason = closeReason(kind: kind, pending: pending, head: head, flush: flush) else { return nil }
        if cachedFees == nil { cachedFees = try await chainCall { try await self.chain.fees() } }
        let pendingNonce = try await chainCall { try await self.chain.nonce(pending: true) }
        let nonce = max(pendingNonce, (try await queue.highestNonce(sender: chain.writer)).map { $0 + 1 } ?? 0)
        let fees = capped(cachedFees!)  // invariant: set just above
        let started = ContinuousClock.now
        // The registry refuses `last_time > block.timestamp`: receipts from the chain's future wait.
        let closing = try await queue.closeNext(kind: kind, maxTime: head.timestamp, limit: configuration.maxBatchSize) {
            (receipts) async throws(BatchQueueError) -> ClosingBatch? in
            try await self.build(receipts, kind: kind, nonce: nonce, fees: fees)
        }
        guard let closing else { return nil }
        let record = closing.record
        let elapsed = ContinuousClock.now - started
        closeTimer.recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        logger.info("batch closed", metadata: ["batch_id": "\(record.id)", "kind": "\(kind)", "sequence": "\(record.id.sequence)",
                                               "receipts": "\(record.count)", "root": "\(record.root)", "reason": "\(reason)",
                                               "tx": "\(closing.transaction.hash)", "nonce": "\(nonce)", "writer": "\(chain.writer)"])
        return record
    }

    /// Builds the batch of `receipts`: its id, tree, proofs and signed anchor transaction.
    private func build(_ receipts: [QueuedReceipt], kind: BatchKind, nonce: UInt64, fees: Fees) async throws(BatchQueueError) -> ClosingBatch? {
        guard let deadline = receipts.map(\.receipt.settlesAt).min(), let oldest = receipts.map(\.ingestedAt).min() else { return nil }
        let times = receipts.map(\.batchTime)
        let sequence = try await nextSequence(kind: kind)
        let id = BatchID(kind: kind, sequence: sequence)
        let tree: MerkleTree
        var proofs: [(leaf: Bytes32, proof: [Bytes32])] = []
        do {
            tree = try MerkleTree(leaves: receipts.map(\.leaf))
            proofs.reserveCapacity(receipts.count)
            for (index, r) in receipts.enumerated() { proofs.append((r.leaf, try tree.proof(forLeaf: index))) }
        } catch { throw .refused("batch \(id): \(error)") }
        let call = AnchorCall(batchId: id, root: tree.root, count: UInt32(receipts.count), firstTime: times.min() ?? 0, lastTime: times.max() ?? 0)
        let signed: RawTransaction
        do { signed = try await chain.sign(call, nonce: nonce, fees: fees, gasLimit: configuration.gasLimit) } catch {
            throw .refused("cannot sign the anchor of batch \(id): \(error)")
        }
        let closedAt = now()
        let record = BatchRecord(id: id, state: .closed, root: tree.root, count: receipts.count, firstTime: call.firstTime,
                                 lastTime: call.lastTime, deadline: deadline, closedAt: closedAt, oldestIngestedAt: oldest)
        return ClosingBatch(record: record, proofs: proofs, treeNodes: tree.nodes,
                            transaction: transaction(signed, batch: id, replaces: nil, at: closedAt))
    }

    /// The next unused sequence number of `kind`, reserving a block in the store when the last one is used up.
    private func nextSequence(kind: BatchKind) async throws(BatchQueueError) -> UInt64 {
        if let r = reserved[kind], r.next < r.end {
            reserved[kind] = (r.next + 1, r.end)
            return r.next
        }
        let first = try await queue.reserveSequences(kind: kind, count: Self.sequenceBlock)
        reserved[kind] = (first + 1, first + UInt64(Self.sequenceBlock))
        return first
    }

    /// The record of a transaction this engine signed (its sender: the writer).
    func transaction(_ signed: RawTransaction, batch: BatchID, replaces: Bytes32?, at time: Int64) -> AnchorTransaction {
        let (maxFee, tip): (String, String?) = switch signed.fees {
        case .eip1559(let maxFee, let tip): (maxFee.description, tip.description)
        case .legacy(let price): (price.description, nil)
        }
        return AnchorTransaction(hash: signed.hash, batchId: batch.word, nonce: signed.nonce, maxFee: maxFee, priorityFee: tip,
                                 gasLimit: signed.gasLimit, raw: signed.raw, replaces: replaces, createdAt: time, sender: chain.writer)
    }

    /// Follows every batch not final: sends, rebroadcasts, replaces, notes inclusions, reorgs and finality.
    @discardableResult
    public func advance(head: ChainHead) async throws -> [BatchID] {
        var live = try await ownLiveBatches().map { ($0.0, $0.1.filter { $0.state != .superseded }) }
        // Lowest nonce first: nodes may refuse or park a nonce beyond a gap.
        live.sort { ($0.1.map(\.nonce).min() ?? .max) < ($1.1.map(\.nonce).min() ?? .max) }
        guard !live.isEmpty else { return [] }
        let latestNonce = try await chainCall { try await self.chain.nonce(pending: false) }
        let finalized = configuration.useFinalizedTag ? try await chainCall { try await self.chain.finalizedBlock() } : nil
        var finals: [BatchID] = []
        for (batch, transactions) in live {
            if try await follow(batch, transactions, head: head, latestNonce: latestNonce, finalized: finalized) { finals.append(batch.id) }
        }
        return finals
    }

    /// The batches not final that this engine's key signed (rows without a sender count as its own), with their transactions.
    private func ownLiveBatches() async throws -> [(BatchRecord, [AnchorTransaction])] {
        var result: [(BatchRecord, [AnchorTransaction])] = []
        for batch in try await queue.batches(kind: nil, states: [.closed, .sent, .included], after: nil, limit: .max) {
            let transactions = try await queue.transactions(of: batch.id)
            guard transactions.last.map({ $0.sender == nil || $0.sender == chain.writer }) ?? true else { continue }
            result.append((batch, transactions))
        }
        return result
    }

    /// Follows one batch; returns whether it became final.
    private func follow(_ batchIn: BatchRecord, _ transactions: [AnchorTransaction], head: ChainHead, latestNonce: UInt64,
                        finalized: UInt64?) async throws -> Bool {
        var batch = batchIn
        let meta: Logger.Metadata = ["batch_id": "\(batch.id)", "kind": "\(batch.id.kind)"]
        // 1. Is one of its transactions in a block?
        for var t in transactions.reversed() {
            guard let inclusion = try await chainCall({ try await self.chain.inclusion(of: t.hash) }) else { continue }
            if !inclusion.succeeded {
                if try await chainCall({ try await self.chain.anchoredAt(batch.id, root: batch.root) }) != nil { continue }
                logger.error("anchor transaction reverted; batch abandoned, its receipts go back to the open batch",
                             metadata: meta.merging(["tx": "\(t.hash)"]) { $1 })
                try await queue.abandon(batch.id)
                return false
            }
            if t.state != .included || t.blockHash != inclusion.blockHash {
                t.state = .included
                t.blockNumber = inclusion.blockNumber
                t.blockHash = inclusion.blockHash
                t.gasUsed = inclusion.gasUsed
                try await queue.update(t)
            }
            let depth = head.number >= inclusion.blockNumber ? head.number - inclusion.blockNumber + 1 : 0
            let isFinal = configuration.useFinalizedTag ? (finalized.map { $0 >= inclusion.blockNumber } ?? false)
                                                        : depth >= configuration.confirmations
            batch.anchorTransaction = t.hash
            batch.blockNumber = inclusion.blockNumber
            if isFinal {
                let anchoredAt = try await chainCall { try await self.chain.timestamp(ofBlock: inclusion.blockNumber) } ?? head.timestamp
                batch.state = .final
                batch.anchoredAt = anchoredAt
                batch.finalAt = now()
                if batch.id.kind == .placement {
                    let lead = Int64(bitPattern: batch.deadline) - Int64(bitPattern: anchoredAt)
                    batch.leadTime = lead
                    leadTime.record(lead)
                    if lead < Int64(configuration.placementLeadSeconds) {
                        leadMisses.increment()
                        logger.error("placement batch anchored later than the lead time", metadata: meta.merging([
                            "lead_time": "\(lead)", "required": "\(configuration.placementLeadSeconds)", "deadline": "\(batch.deadline)"]) { $1 })
                    }
                }
                try await queue.update(batch)
                t.state = .final
                try await queue.update(t)
                for var other in transactions where other.hash != t.hash {
                    other.state = .superseded
                    try await queue.update(other)
                }
                gasPerReceipt.record(Int64(inclusion.gasUsed) / Int64(max(1, batch.count)))
                finalTimer.recordMilliseconds(max(0, batch.finalAt! - batch.oldestIngestedAt))
                logger.info("batch final", metadata: meta.merging([
                    "tx": "\(t.hash)", "block": "\(inclusion.blockNumber)", "anchored_at": "\(anchoredAt)", "receipts": "\(batch.count)",
                    "gas_used": "\(inclusion.gasUsed)", "lead_time": "\(batch.leadTime.map(String.init) ?? "-")"]) { $1 })
                return true
            }
            if batch.state != .included {
                batch.state = .included
                try await queue.update(batch)
            }
            return false
        }
        // 2. Not in a block (any more).
        if batch.state == .included {
            reorgs.increment()
            logger.warning("anchor transaction left the chain (reorg): waiting again", metadata: meta)
            batch.state = .sent
            batch.anchorTransaction = nil
            batch.blockNumber = nil
            try await queue.update(batch)
            for var t in transactions where t.state == .included {
                t.state = .sent
                t.blockNumber = nil
                t.blockHash = nil
                t.sentAt = nil
                try await queue.update(t)
            }
        }
        guard var latest = transactions.last else { return false }
        // 3. Its nonce used by something else (checked against `latest`, read before the inclusions above)?
        if latestNonce > latest.nonce {
            if let at = try await chainCall({ try await self.chain.anchoredAt(batch.id, root: batch.root) }) {
                // Anchored by a transaction we did not record (another holder of this key): final by the registry.
                batch.state = .final
                batch.anchoredAt = at
                batch.finalAt = now()
                try await queue.update(batch)
                logger.warning("batch found anchored by an unrecorded transaction", metadata: meta)
                return true
            }
            let fees = capped(try await chainCall { try await self.chain.fees() })
            let nonce = max(try await chainCall { try await self.chain.nonce(pending: true) }, (try await queue.highestNonce(sender: chain.writer) ?? 0) + 1)
            let call = AnchorCall(batchId: batch.id, root: batch.root, count: UInt32(batch.count), firstTime: batch.firstTime, lastTime: batch.lastTime)
            let signed = try await chain.sign(call, nonce: nonce, fees: fees, gasLimit: configuration.gasLimit)
            let fresh = transaction(signed, batch: batch.id, replaces: nil, at: now())
            for var t in transactions {
                t.state = .superseded
                try await queue.update(t)
            }
            try await queue.record(fresh, superseding: nil)
            logger.warning("nonce used by another transaction: re-signed with a new nonce",
                           metadata: meta.merging(["old_nonce": "\(latest.nonce)", "nonce": "\(nonce)", "tx": "\(fresh.hash)"]) { $1 })
            latest = fresh
        }
        // 4. Replace when stuck, else (re)broadcast the same bytes when due.
        let clock = now()
        let old = Self.fees(of: latest)
        let bumped = capped(old.bumped(percent: configuration.bumpPercent, atLeast: try? await chainCall { try await self.chain.fees() }))
        // A replacement must offer at least 10 % more (nodes refuse less); at the ceiling the transaction waits.
        let worthReplacing = bumped.maxPerGas > old.maxPerGas && bumped.maxPerGas >= old.maxPerGas + old.maxPerGas / 10
        if latest.sentAt != nil, clock - latest.createdAt >= configuration.replaceAfterMillis, !worthReplacing {
            logger.warning("anchor transaction stuck at the fee ceiling: waiting", metadata: meta.merging([
                "tx": "\(latest.hash)", "fees": "\(old)", "max_fee_per_gas_gwei": "\(configuration.maxFeePerGasGwei ?? 0)"]) { $1 })
        }
        if latest.sentAt != nil, clock - latest.createdAt >= configuration.replaceAfterMillis, worthReplacing {
            let fees = bumped
            let call = AnchorCall(batchId: batch.id, root: batch.root, count: UInt32(batch.count), firstTime: batch.firstTime, lastTime: batch.lastTime)
            let signed = try await chain.sign(call, nonce: latest.nonce, fees: fees, gasLimit: latest.gasLimit)
            let replacement = transaction(signed, batch: batch.id, replaces: latest.hash, at: clock)
            try await queue.record(replacement, superseding: nil)  // recorded before it is sent; the old one may still be mined
            replacements.increment()
            logger.warning("replacing a stuck anchor transaction", metadata: meta.merging([
                "old_tx": "\(latest.hash)", "tx": "\(replacement.hash)", "fees": "\(fees)"]) { $1 })
            latest = replacement
        }
        if latest.sentAt == nil || clock - latest.sentAt! >= configuration.rebroadcastAfterMillis {
            let result = try await chainCall { try await self.chain.broadcast(latest.raw) }
            switch result {
            case .accepted, .nonceUsed:
                // nonceUsed: one of ours is in a block (seen next round) or another transaction took it (step 3 next round).
                latest.state = .sent
                latest.sentAt = clock
                try await queue.update(latest)
                if batch.state == .closed {
                    batch.state = .sent
                    try await queue.update(batch)
                }
                if result == .accepted {
                    logger.debug("anchor transaction broadcast", metadata: meta.merging(["tx": "\(latest.hash)", "nonce": "\(latest.nonce)"]) { $1 })
                }
            case .refused(let why):
                // Not in the pool: try the same bytes again after the rebroadcast interval, and replace it (higher fees)
                // once it is older than `replaceAfter` (a fee cap under the base fee is refused until replaced).
                latest.sentAt = clock
                try await queue.update(latest)
                logger.warning("node refused the anchor transaction", metadata: meta.merging(["tx": "\(latest.hash)", "error": "\(why)"]) { $1 })
            }
        }
        return false
    }

    /// The proof file of a receipt once its batch is final (nil before; throws for an unknown receipt).
    public nonisolated func proofFile(for leaf: Bytes32) async throws -> ReceiptProofFile? {
        try await ProofFiles.proofFile(queue: queue, leaf: leaf, chainId: chain.chainId, registry: chain.registry)
    }
}
