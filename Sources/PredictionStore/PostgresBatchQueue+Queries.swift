import EVM
import Foundation
import NIOCore
import PostgresNIO
import Receipts

// The PostgreSQL queue's transaction records, batch updates and lookups (the SQLite queue's, statement for statement).
extension PostgresBatchQueue {
    /// Runs one statement in its own transaction.
    private func execute(_ query: PostgresQuery) async throws(BatchQueueError) {
        _ = try await rows(query)
    }

    /// Decodes `rows` with `body`, mapping failures to the queue's errors.
    private func decode<T>(_ rows: [PostgresRow], _ body: (PostgresRow) throws -> T) throws(BatchQueueError) -> [T] {
        do { return try rows.map(body) } catch { throw Self.storeError(error) }
    }

    /// Count, oldest acknowledgement and earliest deadline of the open batch of `kind`.
    public func pending(kind: BatchKind) async throws(BatchQueueError) -> PendingSummary {
        let rows = try await rows("""
            SELECT COUNT(*), MIN(ingested_at), MIN(deadline) FROM batch_receipts WHERE kind = \(Int64(kind.rawValue)) AND batch_id IS NULL
            """)
        let summaries = try decode(rows) { row in
            let (n, oldest, deadline) = try row.decode((Int64, Int64?, Int64?).self)
            return PendingSummary(count: Int(n), oldestIngestedAt: oldest, earliestDeadline: deadline.map(BatchRows.u64))
        }
        return summaries.first ?? PendingSummary(count: 0, oldestIngestedAt: nil, earliestDeadline: nil)
    }

    /// Receipts of the open batch of `kind` up to `maxTime`, earliest deadline first (a snapshot: no locks).
    public func pendingReceipts(kind: BatchKind, maxTime: UInt64, limit: Int) async throws(BatchQueueError) -> [QueuedReceipt] {
        let rows = try await rows("""
            SELECT leaf, receipt, ingested_at, batch_id, proof, tree_index FROM batch_receipts
            WHERE kind = \(Int64(kind.rawValue)) AND batch_id IS NULL AND batch_time <= \(BatchRows.i64(min(maxTime, UInt64(Int64.max))))
            ORDER BY deadline, seq LIMIT \(Int64(limit))
            """)
        return try decode(rows) { try Self.queued($0, tree: nil) }
    }

    /// Records a transaction before it is sent (optionally marking another superseded).
    public func record(_ transaction: AnchorTransaction, superseding: Bytes32?) async throws(BatchQueueError) {
        try await self.transaction { connection in
            if let old = superseding {
                try await connection.query("""
                    UPDATE batch_transactions SET state = \(AnchorTransactionState.superseded.rawValue) WHERE hash = \(Self.bytes(old))
                    """, logger: self.logger)
            }
            try await self.insertTransaction(transaction, on: connection)
        }
    }

    /// Updates a transaction's state, broadcast time, block and gas.
    public func update(_ t: AnchorTransaction) async throws(BatchQueueError) {
        try await execute("""
            UPDATE batch_transactions SET state = \(t.state.rawValue), sent_at = \(t.sentAt), block_number = \(t.blockNumber.map(BatchRows.i64)),
              block_hash = \(t.blockHash.map(Self.bytes)), gas_used = \(t.gasUsed.map(BatchRows.i64)) WHERE hash = \(Self.bytes(t.hash))
            """)
    }

    /// Updates a batch's state and anchoring fields.
    public func update(_ r: BatchRecord) async throws(BatchQueueError) {
        try await execute("""
            UPDATE batch_batches SET state = \(r.state.rawValue), final_at = \(r.finalAt), anchor_tx = \(r.anchorTransaction.map(Self.bytes)),
              block_number = \(r.blockNumber.map(BatchRows.i64)), anchored_at = \(r.anchoredAt.map(BatchRows.i64)), lead_time = \(r.leadTime)
            WHERE id = \(Self.bytes(r.id.word))
            """)
    }

    /// Abandons a batch: its receipts return to the open batch.
    public func abandon(_ id: BatchID) async throws(BatchQueueError) {
        try await transaction { connection in
            try await connection.query("UPDATE batch_batches SET state = \(BatchState.abandoned.rawValue) WHERE id = \(Self.bytes(id.word))",
                                       logger: self.logger)
            try await connection.query("UPDATE batch_receipts SET batch_id = NULL, proof = NULL, tree_index = NULL WHERE batch_id = \(Self.bytes(id.word))",
                                       logger: self.logger)
        }
    }

    private static let batchColumns = """
        id, state, root, count, first_time, last_time, deadline, closed_at, final_at, anchor_tx, block_number, anchored_at,
        lead_time, oldest_ingested_at
        """

    private static func record(_ row: PostgresRow) throws -> BatchRecord {
        let (idData, stateText, root, count, firstTime, lastTime, deadline, closedAt, finalAt, tx, block, anchoredAt, lead, oldest) =
            try row.decode((Data, String, Data, Int64, Int64, Int64, Int64, Int64, Int64?, Data?, Int64?, Int64?, Int64?, Int64).self)
        let id: BatchID
        do { id = try BatchID(word: try BatchRows.word(idData)) } catch { throw BatchQueueError.corrupt("batch id: \(error)") }
        guard let state = BatchState(rawValue: stateText) else { throw BatchQueueError.corrupt("batch state \(stateText)") }
        return BatchRecord(id: id, state: state, root: try BatchRows.word(root), count: Int(count), firstTime: BatchRows.u64(firstTime),
                           lastTime: BatchRows.u64(lastTime), deadline: BatchRows.u64(deadline), closedAt: closedAt, finalAt: finalAt,
                           anchorTransaction: try tx.map { d throws(BatchQueueError) in try BatchRows.word(d) },
                           blockNumber: block.map(BatchRows.u64), anchoredAt: anchoredAt.map(BatchRows.u64), leadTime: lead,
                           oldestIngestedAt: oldest)
    }

    /// Batches by kind and states, in id order after `cursor`.
    public func batches(kind: BatchKind?, states: [BatchState], after cursor: BatchID?, limit: Int) async throws(BatchQueueError) -> [BatchRecord] {
        var query: PostgresQuery = "SELECT \(unescaped: Self.batchColumns) FROM batch_batches WHERE TRUE"
        var sql = query.sql
        var binds = query.binds
        if let kind {
            binds.append(Int64(kind.rawValue))
            sql += " AND kind = $\(binds.count)"
        }
        if !states.isEmpty {
            binds.append(states.map(\.rawValue))
            sql += " AND state = ANY($\(binds.count)::text[])"
        }
        if let cursor {
            binds.append(Self.bytes(cursor.word))
            sql += " AND id > $\(binds.count)"
        }
        binds.append(Int64(min(limit, Int(Int64.max))))
        sql += " ORDER BY id LIMIT $\(binds.count)"
        query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try decode(try await rows(query), Self.record)
    }

    /// One batch.
    public func batch(_ id: BatchID) async throws(BatchQueueError) -> BatchRecord? {
        try decode(try await rows("SELECT \(unescaped: Self.batchColumns) FROM batch_batches WHERE id = \(Self.bytes(id.word))"), Self.record).first
    }

    /// A batch's transactions in recording order.
    public func transactions(of id: BatchID) async throws(BatchQueueError) -> [AnchorTransaction] {
        let rows = try await rows("""
            SELECT hash, batch_id, nonce, max_fee, priority_fee, gas_limit, raw, replaces, state, created_at, sent_at, block_number,
              block_hash, gas_used, sender FROM batch_transactions WHERE batch_id = \(Self.bytes(id.word)) ORDER BY seq
            """)
        return try decode(rows) { row in
            let (hash, batch, nonce, maxFee, tip, gasLimit, raw, replaces, stateText, createdAt, sentAt, block, blockHash, gas, sender) =
                try row.decode((Data, Data, Int64, String, String?, Int64, Data, Data?, String, Int64, Int64?, Int64?, Data?, Int64?, Data?).self)
            guard let state = AnchorTransactionState(rawValue: stateText) else { throw BatchQueueError.corrupt("transaction state \(stateText)") }
            return AnchorTransaction(hash: try BatchRows.word(hash), batchId: try BatchRows.word(batch), nonce: BatchRows.u64(nonce), maxFee: maxFee,
                                     priorityFee: tip, gasLimit: BatchRows.u64(gasLimit), raw: [UInt8](raw),
                                     replaces: try replaces.map { d throws(BatchQueueError) in try BatchRows.word(d) }, state: state,
                                     createdAt: createdAt, sentAt: sentAt, blockNumber: block.map(BatchRows.u64),
                                     blockHash: try blockHash.map { d throws(BatchQueueError) in try BatchRows.word(d) },
                                     gasUsed: gas.map(BatchRows.u64), sender: try BatchRows.address(sender))
        }
    }

    /// A batch's receipts with their proofs.
    public func receipts(of id: BatchID) async throws(BatchQueueError) -> [QueuedReceipt] {
        // The rows, then the tree: a batch's tree is committed with its receipts' rows and never changes afterwards.
        let rows = try await rows("""
            SELECT leaf, receipt, ingested_at, batch_id, proof, tree_index FROM batch_receipts WHERE batch_id = \(Self.bytes(id.word))
            ORDER BY seq
            """)
        guard !rows.isEmpty else { return [] }
        let tree = try await treeNodes(of: id)
        return try decode(rows) { try Self.queued($0, tree: tree.isEmpty ? nil : tree) }
    }

    /// A batch's tree nodes.
    public func treeNodes(of id: BatchID) async throws(BatchQueueError) -> [Bytes32] {
        let rows = try await rows("SELECT tree FROM batch_batches WHERE id = \(Self.bytes(id.word))")
        guard let data = try decode(rows, { try $0.decode(Data.self) }).first else { return [] }
        return try BatchRows.words(data)
    }

    /// One receipt by id (leaf).
    public func receipt(_ leaf: Bytes32) async throws(BatchQueueError) -> QueuedReceipt? {
        // The row and, when its proof is a path in its batch's tree, that tree: one statement, one snapshot.
        let rows = try await rows("""
            SELECT r.leaf, r.receipt, r.ingested_at, r.batch_id, r.proof, r.tree_index,
              CASE WHEN r.proof IS NULL AND r.tree_index IS NOT NULL THEN b.tree END
            FROM batch_receipts r LEFT JOIN batch_batches b ON b.id = r.batch_id WHERE r.leaf = \(Self.bytes(leaf))
            """)
        return try decode(rows) { row in
            let tree = try row.decode((Data, Data, Int64, Data?, Data?, Int64?, Data?).self).6
            return try Self.queued(row, tree: try tree.map { d throws(BatchQueueError) in try BatchRows.words(d) })
        }.first
    }

    /// Receipts not yet in a final batch, per kind.
    public func backlog() async throws(BatchQueueError) -> [BatchKind: Int] {
        let rows = try await rows("""
            SELECT r.kind, COUNT(*) FROM batch_receipts r LEFT JOIN batch_batches b ON b.id = r.batch_id
            WHERE r.batch_id IS NULL OR b.state != 'final' GROUP BY r.kind
            """)
        var result: [BatchKind: Int] = [:]
        for (kind, n) in try decode(rows, { try $0.decode((Int64, Int64).self) }) {
            if let k = UInt8(exactly: kind).flatMap(BatchKind.init(rawValue:)) { result[k] = Int(n) }
        }
        return result
    }

    /// A stored setting.
    public func setting(_ key: String) async throws(BatchQueueError) -> String? {
        try decode(try await rows("SELECT value FROM batch_settings WHERE key = \(key)"), { try $0.decode(String.self) }).first
    }

    /// Stores a setting.
    public func setSetting(_ key: String, _ value: String) async throws(BatchQueueError) {
        try await execute("""
            INSERT INTO batch_settings(key, value) VALUES (\(key), \(value)) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """)
    }

    /// Whether the server answers within 5 s.
    public func ping() async -> Bool {
        let answer = try? await Self.deadline(seconds: 5, what: "ping") { () async throws(BatchQueueError) -> Bool in
            try await self.rows("SELECT 1").count == 1
        }
        return answer == true
    }
}
