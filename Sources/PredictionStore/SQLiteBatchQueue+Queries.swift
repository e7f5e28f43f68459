import EVM
import Foundation
import GRDB
import Receipts

// The SQLite batch queue's transaction records, batch updates and lookups (see SQLiteBatchQueue.swift).
extension SQLiteBatchQueue {
    /// Records a transaction before it is sent (optionally marking another superseded).
    public func record(_ transaction: AnchorTransaction, superseding: Bytes32?) async throws(BatchQueueError) {
        try await write { db in
            if let old = superseding {
                try db.execute(sql: "UPDATE batch_transactions SET state = ? WHERE hash = ?",
                               arguments: [AnchorTransactionState.superseded.rawValue, Self.blob(old)])
            }
            try Self.insertTransaction(db, transaction)
        }
    }

    /// Updates a transaction's state, broadcast time, block and gas.
    public func update(_ t: AnchorTransaction) async throws(BatchQueueError) {
        try await write { db in
            try db.execute(sql: """
                UPDATE batch_transactions SET state = ?, sent_at = ?, block_number = ?, block_hash = ?, gas_used = ? WHERE hash = ?
                """, arguments: [t.state.rawValue, t.sentAt, t.blockNumber.map(Self.i64), t.blockHash.map(Self.blob),
                                 t.gasUsed.map(Self.i64), Self.blob(t.hash)])
        }
    }

    /// Updates a batch's state and anchoring fields. A batch that became final may start a move of final receipts to
    /// the archive (``archiveFinal(force:)``, in its own transaction after this one).
    public func update(_ r: BatchRecord) async throws(BatchQueueError) {
        try await write { db in
            if try Self.isArchived(db, batch: Self.blob(r.id.word)), r.state != .final {
                throw BatchQueueError.refused("batch \(r.id) is final and archived; its state cannot become \(r.state.rawValue)")
            }
            try db.execute(sql: """
                UPDATE batch_batches SET state = ?, final_at = ?, anchor_tx = ?, block_number = ?, anchored_at = ?, lead_time = ?
                WHERE id = ?
                """, arguments: [r.state.rawValue, r.finalAt, r.anchorTransaction.map(Self.blob), r.blockNumber.map(Self.i64),
                                 r.anchoredAt.map(Self.i64), r.leadTime, Self.blob(r.id.word)])
        }
        if r.state == .final { try await archiveFinal() }
    }

    /// Abandons a batch: its receipts return to the open batch.
    public func abandon(_ id: BatchID) async throws(BatchQueueError) {
        try await write { db in
            if try Self.isArchived(db, batch: Self.blob(id.word)) {
                throw BatchQueueError.refused("batch \(id) is final and archived; it cannot be abandoned")
            }
            try db.execute(sql: "UPDATE batch_batches SET state = ? WHERE id = ?", arguments: [BatchState.abandoned.rawValue, Self.blob(id.word)])
            try db.execute(sql: "UPDATE batch_receipts SET batch_id = NULL, proof = NULL, tree_index = NULL WHERE batch_id = ?", arguments: [Self.blob(id.word)])
        }
    }

    private static func record(_ row: Row) throws -> BatchRecord {
        let idData: Data = row["id"]
        let id: BatchID
        do { id = try BatchID(word: try word(idData)) } catch { throw BatchQueueError.corrupt("batch id: \(error)") }
        guard let state = BatchState(rawValue: row["state"]) else { throw BatchQueueError.corrupt("batch state \(row["state"] as String)") }
        let tx: Data? = row["anchor_tx"]
        let block: Int64? = row["block_number"]
        let anchoredAt: Int64? = row["anchored_at"]
        return BatchRecord(id: id, state: state, root: try word(row["root"]), count: row["count"], firstTime: u64(row["first_time"]),
                           lastTime: u64(row["last_time"]), deadline: u64(row["deadline"]), closedAt: row["closed_at"],
                           finalAt: row["final_at"], anchorTransaction: try tx.map { try word($0) }, blockNumber: block.map(u64),
                           anchoredAt: anchoredAt.map(u64), leadTime: row["lead_time"], oldestIngestedAt: row["oldest_ingested_at"])
    }

    private static let batchColumns = """
        id, state, root, count, first_time, last_time, deadline, closed_at, final_at, anchor_tx, block_number, anchored_at,
        lead_time, oldest_ingested_at
        """

    /// Batches by kind and states, in id order after `cursor`.
    public func batches(kind: BatchKind?, states: [BatchState], after cursor: BatchID?, limit: Int) async throws(BatchQueueError) -> [BatchRecord] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let kind { clauses.append("kind = ?"); arguments.append(Int64(kind.rawValue)) }
        if !states.isEmpty {
            clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: states.map(\.rawValue))
        }
        if let cursor { clauses.append("id > ?"); arguments.append(Self.blob(cursor.word)) }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(limit)
        let sql = "SELECT \(Self.batchColumns) FROM batch_batches \(whereClause) ORDER BY id LIMIT ?"
        let statementArguments: StatementArguments = StatementArguments(arguments)
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.record)
        }
    }

    /// One batch.
    public func batch(_ id: BatchID) async throws(BatchQueueError) -> BatchRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.batchColumns) FROM batch_batches WHERE id = ?", arguments: [Self.blob(id.word)])
                .map(Self.record)
        }
    }

    /// A batch's transactions in recording order.
    public func transactions(of id: BatchID) async throws(BatchQueueError) -> [AnchorTransaction] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM batch_transactions WHERE batch_id = ? ORDER BY seq", arguments: [Self.blob(id.word)]).map { row in
                guard let state = AnchorTransactionState(rawValue: row["state"]) else { throw BatchQueueError.corrupt("transaction state") }
                let replaces: Data? = row["replaces"]
                let block: Int64? = row["block_number"]
                let blockHash: Data? = row["block_hash"]
                let gas: Int64? = row["gas_used"]
                let raw: Data = row["raw"]
                let sender: Data? = row["sender"]
                return AnchorTransaction(hash: try Self.word(row["hash"]), batchId: try Self.word(row["batch_id"]), nonce: Self.u64(row["nonce"]),
                                         maxFee: row["max_fee"], priorityFee: row["priority_fee"], gasLimit: Self.u64(row["gas_limit"]),
                                         raw: [UInt8](raw), replaces: try replaces.map { try Self.word($0) }, state: state,
                                         createdAt: row["created_at"], sentAt: row["sent_at"], blockNumber: block.map(Self.u64),
                                         blockHash: try blockHash.map { try Self.word($0) }, gasUsed: gas.map(Self.u64),
                                         sender: try BatchRows.address(sender))
            }
        }
    }

    /// A batch's receipts with their proofs.
    public func receipts(of id: BatchID) async throws(BatchQueueError) -> [QueuedReceipt] {
        try await read { db in
            let tree = try Self.tree(db, batch: Self.blob(id.word))
            return try Row.fetchAll(db, sql: """
                SELECT seq, \(Self.receiptColumns) FROM batch_receipts WHERE batch_id = ?1
                UNION ALL SELECT seq, \(Self.receiptColumns) FROM batch_receipts_final WHERE batch_id = ?1 ORDER BY seq
                """, arguments: [Self.blob(id.word)]).map { try Self.queued($0, tree: tree) }
        }
    }

    /// A batch's tree nodes.
    public func treeNodes(of id: BatchID) async throws(BatchQueueError) -> [Bytes32] {
        try await read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT tree FROM batch_batches WHERE id = ?", arguments: [Self.blob(id.word)]) else { return [] }
            return try Self.words(data)
        }
    }

    /// One receipt by id (leaf).
    public func receipt(_ leaf: Bytes32) async throws(BatchQueueError) -> QueuedReceipt? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.receiptColumns) FROM batch_receipts WHERE leaf = ?", arguments: [Self.blob(leaf)])
                ?? Row.fetchOne(db, sql: "SELECT \(Self.receiptColumns) FROM batch_receipts_final WHERE leaf = ?", arguments: [Self.blob(leaf)])
            else { return nil }
            let batch: Data? = row["batch_id"]
            let needsTree = batch != nil && (row["proof"] as Data?) == nil && (row["tree_index"] as Int64?) != nil
            return try Self.queued(row, tree: needsTree ? try batch.flatMap { try Self.tree(db, batch: $0) } : nil)
        }
    }

    /// Receipts not yet in a final batch, per kind (archived receipts are all final).
    public func backlog() async throws(BatchQueueError) -> [BatchKind: Int] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.kind AS kind, COUNT(*) AS n FROM batch_receipts r LEFT JOIN batch_batches b ON b.id = r.batch_id
                WHERE r.batch_id IS NULL OR b.state != 'final' GROUP BY r.kind
                """)
            var result: [BatchKind: Int] = [:]
            for row in rows { if let k = BatchKind(rawValue: UInt8(row["kind"] as Int64)) { result[k] = row["n"] } }
            return result
        }
    }

    /// A stored setting.
    public func setting(_ key: String) async throws(BatchQueueError) -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM batch_settings WHERE key = ?", arguments: [key]) }
    }

    /// Stores a setting.
    public func setSetting(_ key: String, _ value: String) async throws(BatchQueueError) {
        try await write { db in
            try db.execute(sql: "INSERT INTO batch_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    /// Whether a read succeeds.
    public func ping() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Nothing to release: GRDB closes the pool with the queue.
    public func shutdown() async {}
}
