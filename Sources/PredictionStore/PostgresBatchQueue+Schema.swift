import EVM
import Foundation
import NIOCore
import PostgresNIO
import Receipts

// The PostgreSQL queue's schema (the SQLite queue's tables and columns, PostgreSQL types) and its batch closing.
extension PostgresBatchQueue {
    /// The migrations, by name, in order (each applied once, under an advisory lock, so writers may start together).
    static let migrations: [(name: String, statements: [String])] = [
        ("batch-v1", [
            "CREATE TABLE batch_meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO batch_meta(key, value) VALUES ('outbox_cursor', 0)",
            "CREATE TABLE batch_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE batch_receipts(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, leaf BYTEA NOT NULL UNIQUE,
              kind BIGINT NOT NULL, prediction_id BYTEA NOT NULL, receipt BYTEA NOT NULL, batch_time BIGINT NOT NULL,
              deadline BIGINT NOT NULL, ingested_at BIGINT NOT NULL, batch_id BYTEA, proof BYTEA, UNIQUE(prediction_id, kind))
            """,
            "CREATE INDEX batch_receipts_open ON batch_receipts(kind, deadline, seq) WHERE batch_id IS NULL",
            "CREATE INDEX batch_receipts_batch ON batch_receipts(batch_id) WHERE batch_id IS NOT NULL",
            """
            CREATE TABLE batch_batches(id BYTEA PRIMARY KEY, kind BIGINT NOT NULL, sequence BIGINT NOT NULL, state TEXT NOT NULL,
              root BYTEA NOT NULL, count BIGINT NOT NULL, first_time BIGINT NOT NULL, last_time BIGINT NOT NULL,
              deadline BIGINT NOT NULL, closed_at BIGINT NOT NULL, final_at BIGINT, anchor_tx BYTEA, block_number BIGINT,
              anchored_at BIGINT, lead_time BIGINT, oldest_ingested_at BIGINT NOT NULL, tree BYTEA NOT NULL)
            """,
            "CREATE INDEX batch_batches_state ON batch_batches(state, kind, sequence)",
            """
            CREATE TABLE batch_transactions(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hash BYTEA NOT NULL UNIQUE,
              batch_id BYTEA NOT NULL, nonce BIGINT NOT NULL, max_fee TEXT NOT NULL, priority_fee TEXT, gas_limit BIGINT NOT NULL,
              raw BYTEA NOT NULL, replaces BYTEA, state TEXT NOT NULL, created_at BIGINT NOT NULL, sent_at BIGINT,
              block_number BIGINT, block_hash BYTEA, gas_used BIGINT)
            """,
            "CREATE INDEX batch_transactions_batch ON batch_transactions(batch_id, seq)",
        ]),
        ("batch-v2", [
            "ALTER TABLE batch_transactions ADD COLUMN sender BYTEA",
            "CREATE INDEX batch_transactions_sender ON batch_transactions(sender, nonce)",
        ]),
        // Proofs out of the receipt rows (as SQLite's `batch-v3`): the leaf's index in the batch's stored tree.
        ("batch-v3", [
            "ALTER TABLE batch_receipts ADD COLUMN tree_index BIGINT",
        ]),
    ]

    /// Applies the missing migrations in one transaction under an advisory lock.
    func migrate() async throws(BatchQueueError) {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x5349_584E_494E_4553)))", logger: self.logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS batch_migrations(name TEXT PRIMARY KEY)", logger: self.logger)
            var applied = Set<String>()
            for row in try await connection.query("SELECT name FROM batch_migrations", logger: self.logger).collect() {
                applied.insert(try row.decode(String.self))
            }
            for (name, statements) in Self.migrations where !applied.contains(name) {
                for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger) }
                try await connection.query("INSERT INTO batch_migrations(name) VALUES (\(name))", logger: self.logger)
            }
        }
    }

    /// Reserves `count` sequence numbers of `kind` (one statement, atomic across writers) and returns the first.
    public func reserveSequences(kind: BatchKind, count: Int) async throws(BatchQueueError) -> UInt64 {
        let key = "sequence.\(kind.rawValue)"
        let n = Int64(max(1, count))
        let rows = try await rows("""
            INSERT INTO batch_meta(key, value) VALUES (\(key), \(n)) ON CONFLICT(key) DO UPDATE SET value = batch_meta.value + \(n)
            RETURNING value
            """)
        do {
            guard let last = try rows.first?.decode(Int64.self) else { throw BatchQueueError.store("no sequence returned") }
            return UInt64(last - n + 1)
        } catch { throw Self.storeError(error) }
    }

    /// The highest nonce recorded for `sender` (rows without a sender count as anyone's).
    public func highestNonce(sender: Address) async throws(BatchQueueError) -> UInt64? {
        let rows = try await rows("SELECT MAX(nonce) FROM batch_transactions WHERE sender = \(Self.bytes(sender)) OR sender IS NULL")
        do { return try rows.first?.decode(Int64?.self).map(BatchRows.u64) } catch { throw Self.storeError(error) }
    }

    /// Inserts one transaction record.
    func insertTransaction(_ t: AnchorTransaction, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO batch_transactions(hash, batch_id, nonce, max_fee, priority_fee, gas_limit, raw, replaces, state, created_at,
              sent_at, block_number, block_hash, gas_used, sender) VALUES (\(Self.bytes(t.hash)), \(Self.bytes(t.batchId)),
              \(BatchRows.i64(t.nonce)), \(t.maxFee), \(t.priorityFee), \(BatchRows.i64(t.gasLimit)), \(ByteBuffer(bytes: t.raw)),
              \(t.replaces.map(Self.bytes)), \(t.state.rawValue), \(t.createdAt), \(t.sentAt), \(t.blockNumber.map(BatchRows.i64)),
              \(t.blockHash.map(Self.bytes)), \(t.gasUsed.map(BatchRows.i64)), \(t.sender.map(Self.bytes)))
            """, logger: logger)
    }

    /// Writes a closed batch on `connection`: the record, every receipt's batch and proof (refusing a receipt already in a
    /// batch), and the signed transaction.
    func write(_ batch: ClosingBatch, on connection: PostgresConnection) async throws {
        let r = batch.record
        let indices = try BatchRows.treeIndices(batch).map(Int64.init)
        try await connection.query("""
            INSERT INTO batch_batches(id, kind, sequence, state, root, count, first_time, last_time, deadline, closed_at,
              oldest_ingested_at, tree) VALUES (\(Self.bytes(r.id.word)), \(Int64(r.id.kind.rawValue)), \(BatchRows.i64(r.id.sequence)),
              \(r.state.rawValue), \(Self.bytes(r.root)), \(Int64(r.count)), \(BatchRows.i64(r.firstTime)), \(BatchRows.i64(r.lastTime)),
              \(BatchRows.i64(r.deadline)), \(r.closedAt), \(r.oldestIngestedAt), \(ByteBuffer(bytes: batch.treeNodes.flatMap(\.bytes))))
            """, logger: logger)
        let leaves = batch.proofs.map { Self.buffer($0.leaf) }
        // Each receipt row gets its batch and its leaf's index in the stored tree (its proof is that node's path). Through
        // the leaf index, one row at a time: on a table not analyzed yet the planner hashes every open receipt instead
        // (250 ms for 1,000 of 150,000 open receipts; 48 ms as a nested loop, EXPLAIN ANALYZE in
        // docs/bench/2026-12-05-batch-storage.md).
        try await connection.query("SET LOCAL enable_hashjoin = off", logger: logger)
        try await connection.query("SET LOCAL enable_mergejoin = off", logger: logger)
        let updated = try await connection.query("""
            UPDATE batch_receipts AS r SET batch_id = \(Self.bytes(r.id.word)), tree_index = u.i
            FROM unnest(\(leaves)::bytea[], \(indices)::bigint[]) AS u(l, i) WHERE r.leaf = u.l AND r.batch_id IS NULL RETURNING r.seq
            """, logger: logger).collect()
        guard updated.count == batch.proofs.count else {
            throw BatchQueueError.refused("\(batch.proofs.count - updated.count) receipt(s) of batch \(r.id) are already in a batch or unknown")
        }
        try await insertTransaction(batch.transaction, on: connection)
    }

    /// Commits a closed batch, its proofs and its signed transaction together.
    public func close(_ batch: ClosingBatch) async throws(BatchQueueError) {
        try await transaction { connection in try await self.write(batch, on: connection) }
    }

    /// Closes the next batch of `kind` from receipts no other writer holds: they are locked (`FOR UPDATE SKIP LOCKED`)
    /// from the read to the commit, so concurrent writers build disjoint batches.
    public func closeNext(kind: BatchKind, maxTime: UInt64, limit: Int,
                          build: @Sendable ([QueuedReceipt]) async throws(BatchQueueError) -> ClosingBatch?) async throws(BatchQueueError) -> ClosingBatch? {
        try await transaction { connection in
            // The open-batch index in (deadline, seq) order, never a bitmap scan and a sort of every open receipt (what
            // the planner picks on a table not analyzed yet: 400 ms instead of 3 ms for 1,000 of 150,000).
            try await connection.query("SET LOCAL enable_bitmapscan = off", logger: self.logger)
            try await connection.query("SET LOCAL enable_sort = off", logger: self.logger)
            let rows = try await connection.query("""
                SELECT leaf, receipt, ingested_at, batch_id, proof, tree_index FROM batch_receipts
                WHERE kind = \(Int64(kind.rawValue)) AND batch_id IS NULL AND batch_time <= \(BatchRows.i64(min(maxTime, UInt64(Int64.max))))
                ORDER BY deadline, seq LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
                """, logger: self.logger).collect()
            let receipts = try rows.map { try Self.queued($0, tree: nil) }
            guard !receipts.isEmpty, let closing = try await build(receipts) else { return nil }
            try await self.write(closing, on: connection)
            return closing
        }
    }

    /// A queued receipt from `leaf, receipt, ingested_at, batch_id, proof, tree_index`; `tree` is its batch's tree
    /// (needed once it is in a batch).
    static func queued(_ row: PostgresRow, tree: [Bytes32]?) throws -> QueuedReceipt {
        let (leaf, data, ingestedAt, batch, proof, treeIndex) = try row.decode((Data, Data, Int64, Data?, Data?, Int64?).self)
        return QueuedReceipt(leaf: try BatchRows.word(leaf), receipt: try BatchRows.receipt(data, what: "receipt"), ingestedAt: ingestedAt,
                             batchId: try batch.map { d throws(BatchQueueError) in try BatchRows.word(d) },
                             proof: try BatchRows.proof(stored: proof, treeIndex: treeIndex, tree: tree))
    }
}
