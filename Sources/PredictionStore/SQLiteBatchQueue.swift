import EVM
import Foundation
import GRDB
import GRDBSQLite
import PredictionCore
import Receipts

/// The batch queue in SQLite (GRDB, WAL, `synchronous = FULL`, migrations), in the same database as the core's
/// tables: the core keeps appending to `outbox`, the queue claims its rows through a cursor advanced in the same
/// transaction as the copies. Tables: `batch_receipts`, `batch_batches`, `batch_transactions`, `batch_meta`.
public final class SQLiteBatchQueue: BatchQueue {
    /// The connection pool (readers run beside the one writer).
    public let pool: DatabasePool
    /// The database file.
    public let path: String

    /// How many receipts of final batches wait in `batch_receipts` before they are moved to `batch_receipts_final`
    /// together (see ``archiveFinal()``).
    public let archiveThreshold: Int

    /// Opens (or creates) the queue's tables in the database at `path`, applying migrations. Receipts of final batches
    /// move to the archive table once `archiveThreshold` of them have gathered (default 100,000).
    public init(path: String, archiveThreshold: Int = 100_000) throws(BatchQueueError) {
        self.path = path
        self.archiveThreshold = max(1, archiveThreshold)
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // `synchronous = FULL` is set after opening (requireDurableCommits): GRDB's WAL set-up resets it.
            // A 64 MiB page cache (SQLite's default 2 MiB spills a 10,000-receipt commit to the WAL mid-transaction and
            // makes batch assignment read the receipts' index from disk), and WAL checkpoints every 64 MiB instead of
            // every 4 MiB, so that fewer commits pay for one.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try DurableSQLite.setPages(db, checkpointEvery: 64 << 20)
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.requireDurableCommits()
            try Self.migrator.migrate(pool)
        } catch {
            throw .store("\(error)")
        }
    }

    /// The schema's migrations.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("batch-v1") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL,
                  receipt BLOB NOT NULL);
                CREATE TABLE batch_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                CREATE TABLE batch_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE batch_receipts(seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL UNIQUE, kind INTEGER NOT NULL,
                  prediction_id BLOB NOT NULL, receipt BLOB NOT NULL, batch_time INTEGER NOT NULL, deadline INTEGER NOT NULL,
                  ingested_at INTEGER NOT NULL, batch_id BLOB, proof BLOB, UNIQUE(prediction_id, kind));
                CREATE INDEX batch_receipts_open ON batch_receipts(kind, deadline, seq) WHERE batch_id IS NULL;
                CREATE INDEX batch_receipts_batch ON batch_receipts(batch_id) WHERE batch_id IS NOT NULL;
                CREATE TABLE batch_batches(id BLOB PRIMARY KEY, kind INTEGER NOT NULL, sequence INTEGER NOT NULL,
                  state TEXT NOT NULL, root BLOB NOT NULL, count INTEGER NOT NULL, first_time INTEGER NOT NULL,
                  last_time INTEGER NOT NULL, deadline INTEGER NOT NULL, closed_at INTEGER NOT NULL, final_at INTEGER,
                  anchor_tx BLOB, block_number INTEGER, anchored_at INTEGER, lead_time INTEGER,
                  oldest_ingested_at INTEGER NOT NULL, tree BLOB NOT NULL);
                CREATE INDEX batch_batches_state ON batch_batches(state, kind, sequence);
                CREATE TABLE batch_transactions(seq INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, batch_id BLOB NOT NULL,
                  nonce INTEGER NOT NULL, max_fee TEXT NOT NULL, priority_fee TEXT, gas_limit INTEGER NOT NULL, raw BLOB NOT NULL,
                  replaces BLOB, state TEXT NOT NULL, created_at INTEGER NOT NULL, sent_at INTEGER, block_number INTEGER,
                  block_hash BLOB, gas_used INTEGER);
                CREATE INDEX batch_transactions_batch ON batch_transactions(batch_id, seq);
                """)
        }
        // Several writers (keys): each transaction records its sender; nonces are tracked per sender.
        m.registerMigration("batch-v2") { db in
            try db.execute(sql: """
                ALTER TABLE batch_transactions ADD COLUMN sender BLOB;
                CREATE INDEX batch_transactions_sender ON batch_transactions(sender, nonce);
                """)
        }
        // Proofs out of the receipt rows: a closed receipt keeps its leaf's index in the batch's stored tree, and its proof
        // is that node's path (BatchRows.path). Rows closed before keep their `proof` column and are served from it.
        m.registerMigration("batch-v3") { db in
            try db.execute(sql: "ALTER TABLE batch_receipts ADD COLUMN tree_index INTEGER")
        }
        // Receipts of final batches leave the ingest path's table for an archive with the same columns and keys, moved
        // in bulk (``archiveFinal()``): the two random-key unique indexes that every ingest writes stay the size of the
        // recent receipts instead of growing with the store. Uniqueness spans both tables (ingest looks in both). `seq`
        // is not a key here: `batch_receipts` reuses sequence numbers once its highest rows have moved (SQLite's rowid is
        // the highest plus one); it orders the receipts of one batch, which always sit in one table.
        m.registerMigration("batch-v4") { db in
            try db.execute(sql: """
                CREATE TABLE batch_receipts_final(seq INTEGER NOT NULL, leaf BLOB NOT NULL UNIQUE, kind INTEGER NOT NULL,
                  prediction_id BLOB NOT NULL, receipt BLOB NOT NULL, batch_time INTEGER NOT NULL, deadline INTEGER NOT NULL,
                  ingested_at INTEGER NOT NULL, batch_id BLOB NOT NULL, proof BLOB, tree_index INTEGER, UNIQUE(prediction_id, kind));
                CREATE INDEX batch_receipts_final_batch ON batch_receipts_final(batch_id, seq);
                ALTER TABLE batch_batches ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX batch_batches_unarchived ON batch_batches(id) WHERE state = 'final' AND archived = 0;
                """)
        }
        return m
    }

    /// One write transaction on GRDB's writer queue (awaited, not blocking a cooperative thread).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(BatchQueueError) -> T {
        do { return try await pool.write(body) } catch let e as BatchQueueError { throw e } catch { throw .store("\(error)") }
    }

    /// One read transaction (a snapshot beside the writer).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(BatchQueueError) -> T {
        do { return try await pool.read(body) } catch let e as BatchQueueError { throw e } catch { throw .store("\(error)") }
    }

    static func blob(_ b: Bytes32) -> Data { Data(b.bytes) }
    static func blob(_ a: Address) -> Data { Data(a.bytes) }
    static func i64(_ v: UInt64) -> Int64 { BatchRows.i64(v) }
    static func u64(_ v: Int64) -> UInt64 { BatchRows.u64(v) }
    static func word(_ d: Data?) throws -> Bytes32 { try BatchRows.word(d) }
    static func words(_ d: Data) throws -> [Bytes32] { try BatchRows.words(d) }
    static func joined(_ ws: [Bytes32]) -> Data { BatchRows.joined(ws) }

    /// Inserts receipts through two prepared statements bound straight from the ABI encoding (no argument arrays, no
    /// `Data` copies): the receipt insert (`ON CONFLICT DO NOTHING`) and, when nothing was inserted, the lookup that
    /// tells a duplicate (same leaf) from a conflict (same prediction id and kind, other fields).
    private struct Inserter {
        let insert: SQLiteStatement
        let exists: SQLiteStatement
        let archived: SQLiteStatement
        let connection: SQLiteConnection?

        /// Whether the archive holds any receipt (read once per transaction: only this writer moves receipts there).
        let archiveInUse: Bool

        init(_ db: Database) throws {
            archived = try db.cachedStatement(sql: "SELECT leaf FROM batch_receipts_final WHERE prediction_id = ? AND kind = ?").sqliteStatement
            sqlite3_reset(archived)
            archiveInUse = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM batch_receipts_final)") ?? true
            insert = try db.cachedStatement(sql: """
                INSERT INTO batch_receipts(leaf, kind, prediction_id, receipt, batch_time, deadline, ingested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """).sqliteStatement
            exists = try db.cachedStatement(sql: "SELECT 1 FROM batch_receipts WHERE leaf = ?").sqliteStatement
            connection = db.sqliteConnection
            sqlite3_reset(insert)
            sqlite3_reset(exists)
        }

        private func failure(_ code: Int32) -> DatabaseError {
            DatabaseError(resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) })
        }

        /// The outcome for a receipt found in the archive under its prediction id and kind (nil if it is not there).
        private func archivedOutcome(encoded: UnsafeRawBufferPointer, leaf leafBytes: UnsafeRawBufferPointer) throws -> IngestOutcome? {
            sqlite3_bind_blob(archived, 1, encoded.baseAddress! + 64, 32, nil)
            sqlite3_bind_int64(archived, 2, Int64(encoded[63]))
            let seen = sqlite3_step(archived)
            let same = seen == SQLITE_ROW && sqlite3_column_bytes(archived, 0) == 32
                && memcmp(sqlite3_column_blob(archived, 0), leafBytes.baseAddress!, 32) == 0
            sqlite3_reset(archived)
            guard seen == SQLITE_ROW || seen == SQLITE_DONE else { throw failure(seen) }
            return seen == SQLITE_ROW ? (same ? .duplicate : .conflict) : nil
        }

        /// Inserts the receipt whose 416-byte encoding is `encoded` and whose leaf is `leaf`.
        func callAsFunction(encoded: UnsafeRawBufferPointer, leaf: Bytes32, batchTime: UInt64, deadline: UInt64, now: Int64) throws -> IngestOutcome {
            try leaf.withUnsafeBytes { leafBytes in
                // Already archived (its batch is final): the same leaf is a duplicate, another leaf a conflict.
                if archiveInUse, let found = try archivedOutcome(encoded: encoded, leaf: leafBytes) { return found }
                // Blobs bound SQLITE_STATIC (nil destructor): they live until the step and reset below. The receipt is
                // stored packed (PackedWords: its words without their zero runs, about a third of the 416 bytes).
                let code = withUnsafeTemporaryAllocation(byteCount: PackedWords.capacity(words: Receipt.encodedSize / 32), alignment: 8) { packed in
                    let size = PackedWords.pack(encoded, into: packed)
                    sqlite3_bind_blob(insert, 1, leafBytes.baseAddress, 32, nil)
                    sqlite3_bind_int64(insert, 2, Int64(encoded[63]))
                    sqlite3_bind_blob(insert, 3, encoded.baseAddress! + 64, 32, nil)
                    sqlite3_bind_blob(insert, 4, packed.baseAddress, Int32(size), nil)
                    sqlite3_bind_int64(insert, 5, Int64(bitPattern: batchTime))
                    sqlite3_bind_int64(insert, 6, Int64(bitPattern: deadline))
                    sqlite3_bind_int64(insert, 7, now)
                    let code = sqlite3_step(insert)
                    sqlite3_reset(insert)
                    sqlite3_clear_bindings(insert)
                    return code
                }
                guard code == SQLITE_DONE else { throw failure(code) }
                if sqlite3_changes(connection) > 0 { return .stored }
                sqlite3_bind_blob(exists, 1, leafBytes.baseAddress, 32, nil)
                let found = sqlite3_step(exists)
                sqlite3_reset(exists)
                sqlite3_clear_bindings(exists)
                guard found == SQLITE_ROW || found == SQLITE_DONE else { throw failure(found) }
                return found == SQLITE_ROW ? .duplicate : .conflict
            }
        }
    }

    /// A conflict met while inserting in leaf order: the transaction is rolled back and the receipts inserted again
    /// in their own order, which finds and reports the same conflict as always.
    private struct ConflictInLeafOrder: Error {}

    /// Stores receipts in one transaction (all or nothing on a conflict); see ``BatchQueue/ingest(_:now:)``.
    ///
    /// Each receipt is encoded once and the leaves hashed four at a time before the transaction; rows are inserted in
    /// leaf order (the unique leaf index then fills page by page instead of at random places), the outcomes reported in
    /// the receipts' order. Equal leaves keep their order, so the first copy is the one stored.
    public func ingest(_ receipts: [Receipt], now: Int64) async throws(BatchQueueError) -> [IngestOutcome] {
        guard receipts.count > 1 else { return try await ingestInOrder(receipts, now: now) }
        let size = Receipt.encodedSize
        var encoded = [UInt8](repeating: 0, count: receipts.count * size)
        var leaves = [Bytes32](repeating: .zero, count: receipts.count)
        encoded.withUnsafeMutableBytes { buffer in
            for (i, r) in receipts.enumerated() { r.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(i * size)..<((i + 1) * size)])) }
            leaves.withUnsafeMutableBufferPointer { KeccakBatch.hash(messages: UnsafeRawBufferPointer(buffer), length: size, double: true, into: $0) }
        }
        let order = leaves.indices.sorted { leaves[$0] < leaves[$1] || (leaves[$0] == leaves[$1] && $0 < $1) }
        let rows = encoded, hashes = leaves
        do {
            return try await pool.write { db in
                let insert = try Inserter(db)
                var outcomes = [IngestOutcome](repeating: .stored, count: receipts.count)
                try rows.withUnsafeBytes { buffer in
                    for i in order {
                        let r = receipts[i]
                        let outcome = try insert(encoded: UnsafeRawBufferPointer(rebasing: buffer[(i * size)..<((i + 1) * size)]), leaf: hashes[i],
                                                 batchTime: r.kind == .placement ? r.placedAt : r.settlesAt, deadline: r.settlesAt, now: now)
                        if outcome == .conflict { throw ConflictInLeafOrder() }
                        outcomes[i] = outcome
                    }
                }
                return outcomes
            }
        } catch is ConflictInLeafOrder {
            return try await ingestInOrder(receipts, now: now)
        } catch let error as BatchQueueError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    /// ``ingest(_:now:)`` one receipt after the other, in the given order (reports the first conflict by its index).
    private func ingestInOrder(_ receipts: [Receipt], now: Int64) async throws(BatchQueueError) -> [IngestOutcome] {
        try await write { db in
            let insert = try Inserter(db)
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(receipts.count)
            try withUnsafeTemporaryAllocation(byteCount: Receipt.encodedSize, alignment: 8) { buffer in
                for (index, r) in receipts.enumerated() {
                    r.encode(into: buffer)
                    let encoded = UnsafeRawBufferPointer(buffer)
                    let leaf = Keccak256.hash(Keccak256.hash(bufferPointer: encoded))
                    let outcome = try insert(encoded: encoded, leaf: leaf, batchTime: r.kind == .placement ? r.placedAt : r.settlesAt,
                                             deadline: r.settlesAt, now: now)
                    if outcome == .conflict {
                        let existing = try Data.fetchOne(db, sql: """
                            SELECT leaf FROM batch_receipts WHERE prediction_id = ?1 AND kind = ?2
                            UNION ALL SELECT leaf FROM batch_receipts_final WHERE prediction_id = ?1 AND kind = ?2
                            """, arguments: [Self.blob(r.predictionId), Int64(r.kind.rawValue)])
                        throw BatchQueueError.conflict(index: index, existing: try Self.word(existing))
                    }
                    outcomes.append(outcome)
                }
            }
            return outcomes
        }
    }

    /// Copies up to `limit` rows of the core's `outbox` after the cursor and advances it, in one transaction.
    public func claimOutbox(limit: Int, now: Int64) async throws(BatchQueueError) -> Int {
        try await write { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT value FROM batch_meta WHERE key = 'outbox_cursor'") ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT seq, leaf, receipt FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                                        arguments: [cursor, limit])
            guard let last = rows.last else { return 0 }
            let insert = try Inserter(db)
            for row in rows {
                let seq: Int64 = row["seq"]
                let data: Data = row["receipt"]
                let receipt: Receipt
                do { receipt = try Receipt(abiEncoded: data) } catch {
                    throw BatchQueueError.corrupt("outbox row \(seq): \(error)")
                }
                let leaf = receipt.leaf
                if let stored: Data = row["leaf"], stored != Self.blob(leaf) {
                    throw BatchQueueError.corrupt("outbox row \(seq): its leaf does not match its receipt")
                }
                // A conflict (another receipt under the same prediction id and kind) cannot come from the core; it is
                // kept out of batches and visible as a gap between the outbox and the queue.
                _ = try data.withUnsafeBytes { encoded in
                    try insert(encoded: encoded, leaf: leaf, batchTime: receipt.kind == .placement ? receipt.placedAt : receipt.settlesAt,
                               deadline: receipt.settlesAt, now: now)
                }
            }
            let lastSeq: Int64 = last["seq"]
            try db.execute(sql: "INSERT INTO batch_meta(key, value) VALUES ('outbox_cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [lastSeq])
            return rows.count
        }
    }

    /// Count, oldest acknowledgement and earliest deadline of the open batch of `kind`.
    public func pending(kind: BatchKind) async throws(BatchQueueError) -> PendingSummary {
        try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, MIN(ingested_at) AS oldest, MIN(deadline) AS deadline FROM batch_receipts
                WHERE kind = ? AND batch_id IS NULL
                """, arguments: [Int64(kind.rawValue)])!
            let deadline: Int64? = row["deadline"]
            return PendingSummary(count: row["n"], oldestIngestedAt: row["oldest"], earliestDeadline: deadline.map(Self.u64))
        }
    }

    /// The columns `queued(_:tree:)` reads.
    static let receiptColumns = "leaf, receipt, ingested_at, batch_id, proof, tree_index"

    /// A queued receipt from `receiptColumns`; `tree` is its batch's tree (needed once it is in a batch).
    static func queued(_ row: Row, tree: [Bytes32]?) throws -> QueuedReceipt {
        let data: Data = row["receipt"]
        let receipt: Receipt
        do {
            if data.first == PackedWords.format {
                guard let abi = PackedWords.unpack(data, words: Receipt.encodedSize / 32) else { throw BatchQueueError.corrupt("receipt: a packed value that does not unpack") }
                receipt = try Receipt(abiEncoded: abi)
            } else {
                receipt = try Receipt(abiEncoded: data)  // stored before receipts were packed
            }
        } catch let error as BatchQueueError {
            throw error
        } catch {
            throw BatchQueueError.corrupt("receipt: \(error)")
        }
        let batch: Data? = row["batch_id"]
        return QueuedReceipt(leaf: try word(row["leaf"]), receipt: receipt, ingestedAt: row["ingested_at"],
                             batchId: try batch.map { try word($0) },
                             proof: try BatchRows.proof(stored: row["proof"], treeIndex: row["tree_index"], tree: tree))
    }

    /// The stored tree of batch `id` (nil if there is no such batch).
    static func tree(_ db: Database, batch id: Data) throws -> [Bytes32]? {
        try Data.fetchOne(db, sql: "SELECT tree FROM batch_batches WHERE id = ?", arguments: [id]).map { try words($0) }
    }

    /// Receipts of the open batch of `kind` up to `maxTime`, earliest deadline first.
    public func pendingReceipts(kind: BatchKind, maxTime: UInt64, limit: Int) async throws(BatchQueueError) -> [QueuedReceipt] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.receiptColumns) FROM batch_receipts INDEXED BY batch_receipts_open
                WHERE kind = ? AND batch_id IS NULL AND batch_time <= ? ORDER BY deadline, seq LIMIT ?
                """, arguments: [Int64(kind.rawValue), Self.i64(min(maxTime, UInt64(Int64.max))), limit]).map { try Self.queued($0, tree: nil) }
        }
    }

    /// Reserves `count` sequence numbers of `kind` (one commit) and returns the first.
    public func reserveSequences(kind: BatchKind, count: Int) async throws(BatchQueueError) -> UInt64 {
        try await write { db in
            let key = "sequence.\(kind.rawValue)"
            let first = (try Int64.fetchOne(db, sql: "SELECT value FROM batch_meta WHERE key = ?", arguments: [key]) ?? 0) + 1
            try db.execute(sql: "INSERT INTO batch_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, first + Int64(max(1, count)) - 1])
            return UInt64(first)
        }
    }

    /// The highest nonce recorded for `sender` (rows without a sender, from before senders were stored, count as anyone's).
    public func highestNonce(sender: Address) async throws(BatchQueueError) -> UInt64? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(nonce) FROM batch_transactions WHERE sender = ? OR sender IS NULL",
                               arguments: [Self.blob(sender)]).map(Self.u64)
        }
    }

    static func insertTransaction(_ db: Database, _ t: AnchorTransaction) throws {
        try db.execute(sql: """
            INSERT INTO batch_transactions(hash, batch_id, nonce, max_fee, priority_fee, gas_limit, raw, replaces, state, created_at,
              sent_at, block_number, block_hash, gas_used, sender) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [blob(t.hash), blob(t.batchId), i64(t.nonce), t.maxFee, t.priorityFee, i64(t.gasLimit), Data(t.raw),
                             t.replaces.map(blob), t.state.rawValue, t.createdAt, t.sentAt, t.blockNumber.map(i64),
                             t.blockHash.map(blob), t.gasUsed.map(i64), t.sender.map(blob)])
    }

    /// Takes the open batch's receipts, builds the batch and commits it (one writer per SQLite file: nothing else closes
    /// batches between the read and the commit; ``close(_:)`` still refuses a receipt already in a batch).
    public func closeNext(kind: BatchKind, maxTime: UInt64, limit: Int,
                          build: @Sendable ([QueuedReceipt]) async throws(BatchQueueError) -> ClosingBatch?) async throws(BatchQueueError) -> ClosingBatch? {
        let receipts = try await pendingReceipts(kind: kind, maxTime: maxTime, limit: limit)
        guard !receipts.isEmpty, let closing = try await build(receipts) else { return nil }
        try await close(closing)
        return closing
    }

    /// Commits a closed batch, its proofs and its signed transaction together.
    public func close(_ batch: ClosingBatch) async throws(BatchQueueError) {
        let indices = try BatchRows.treeIndices(batch)
        try await write { db in
            let r = batch.record
            try db.execute(sql: """
                INSERT INTO batch_batches(id, kind, sequence, state, root, count, first_time, last_time, deadline, closed_at,
                  oldest_ingested_at, tree) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Self.blob(r.id.word), Int64(r.id.kind.rawValue), Self.i64(r.id.sequence), r.state.rawValue,
                                 Self.blob(r.root), r.count, Self.i64(r.firstTime), Self.i64(r.lastTime), Self.i64(r.deadline),
                                 r.closedAt, r.oldestIngestedAt, Self.joined(batch.treeNodes)])
            // Each receipt row gets its batch and its leaf's index in the stored tree (its proof is that node's path).
            let assign = try db.cachedStatement(sql: "UPDATE batch_receipts SET batch_id = ?, tree_index = ? WHERE leaf = ? AND batch_id IS NULL")
                .sqliteStatement
            sqlite3_reset(assign)
            let connection = db.sqliteConnection
            try r.id.word.withUnsafeBytes { id in
                for ((leaf, _), index) in zip(batch.proofs, indices) {
                    try leaf.withUnsafeBytes { leafBytes in
                        sqlite3_bind_blob(assign, 1, id.baseAddress, 32, nil)
                        sqlite3_bind_int64(assign, 2, Int64(index))
                        sqlite3_bind_blob(assign, 3, leafBytes.baseAddress, 32, nil)
                        let code = sqlite3_step(assign)
                        sqlite3_reset(assign)
                        sqlite3_clear_bindings(assign)
                        guard code == SQLITE_DONE else {
                            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) })
                        }
                    }
                    guard sqlite3_changes(connection) == 1 else {
                        throw BatchQueueError.refused("receipt \(leaf) is already in a batch or unknown")
                    }
                }
            }
            try Self.insertTransaction(db, batch.transaction)
        }
    }
}
