import BatchWriter
import DevnetSupport
import EVM
import Foundation
import GRDB
import PredictionStore
import Receipts
import Testing

/// A store as the `batch-v2` schema wrote it (proofs stored in the receipt rows), built from a frozen copy of that
/// schema and its rows, then opened by today's queue.
struct OldStore {
    let backend: Backend
    let path = temporaryDatabase()
    let url: String?
    /// Receipts 0..<6 are in final batch 1 (settlements) with stored proofs; 6..<10 are open.
    let receipts = (0..<10).map { settlement(900 + $0) }
    let tree: MerkleTree
    let id = BatchID(kind: .settlement, sequence: 1)
    let registry = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")  // invariant: a valid literal

    init(_ backend: Backend) throws {
        self.backend = backend
        tree = try MerkleTree(leaves: receipts[0..<6].map(\.leaf))
        switch backend {
        case .sqlite:
            url = nil
            let db = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("batch-v1") { db in try db.execute(sql: Self.sqliteV1) }
            migrator.registerMigration("batch-v2") { db in try db.execute(sql: Self.sqliteV2) }
            try migrator.migrate(db)
            let sql = try rows(hex: { "X'\($0.map { String(format: "%02x", $0) }.joined())'" })
            try db.write { db in try db.execute(sql: sql) }
        case .postgres:
            let cluster = try postgresCluster.get()
            let url = try cluster.createDatabase(prefix: "oldschema")
            self.url = url
            let sql = "BEGIN;\n" + Self.postgresV1V2 + (try rows(hex: { "'\\x\($0.map { String(format: "%02x", $0) }.joined())'::bytea" })) + "\nCOMMIT;\n"
            try Self.psql(cluster: cluster, database: String(url.split(separator: "/").last ?? ""), sql: sql)
        }
    }

    /// The rows the old code wrote: a final batch with its tree, its receipts with batch id and proof, open receipts,
    /// the batch's transaction, the sequence counter and the chain settings.
    func rows(hex: ([UInt8]) -> String) throws -> String {
        var sql = """
            INSERT INTO batch_settings(key, value) VALUES ('chain_id', '31337'), ('registry', '\(registry)');
            INSERT INTO batch_meta(key, value) VALUES ('sequence.2', 8);
            INSERT INTO batch_batches(id, kind, sequence, state, root, count, first_time, last_time, deadline, closed_at, final_at,
              anchor_tx, block_number, anchored_at, lead_time, oldest_ingested_at, tree) VALUES (\(hex(id.word.bytes)), 2, 1, 'final',
              \(hex(tree.root.bytes)), 6, 999540, 999540, 999540, 5, 9, \(hex(Keccak256.hash(data: [7]).bytes)), 12, 1000, NULL, 3,
              \(hex(tree.nodes.flatMap(\.bytes))));
            INSERT INTO batch_transactions(hash, batch_id, nonce, max_fee, priority_fee, gas_limit, raw, replaces, state, created_at,
              sent_at, block_number, block_hash, gas_used, sender) VALUES (\(hex(Keccak256.hash(data: [7]).bytes)), \(hex(id.word.bytes)),
              0, '200', '30', 150000, \(hex([2, 1, 2, 3])), NULL, 'final', 5, 6, 12, \(hex(Keccak256.hash(data: [8]).bytes)), 60000, NULL);

            """
        for (i, r) in receipts.enumerated() {
            let closed = i < 6
            let proof = closed ? hex(try tree.proof(forLeaf: i).flatMap(\.bytes)) : "NULL"
            sql += """
                INSERT INTO batch_receipts(leaf, kind, prediction_id, receipt, batch_time, deadline, ingested_at, batch_id, proof)
                VALUES (\(hex(r.leaf.bytes)), 2, \(hex(r.predictionId.bytes)), \(hex(r.abiEncoded)), \(r.settlesAt), \(r.settlesAt), \(3 + i),
                  \(closed ? hex(id.word.bytes) : "NULL"), \(proof));

                """
        }
        return sql
    }

    /// Today's queue over the old store (what an upgraded daemon opens).
    func open() async throws -> any BatchQueue {
        switch backend {
        case .sqlite: return try SQLiteBatchQueue(path: path)
        case .postgres: return try await PostgresBatchQueue(url: try #require(url))
        }
    }

    /// What the old store served for receipt `i`.
    func expected(_ i: Int) throws -> QueuedReceipt {
        QueuedReceipt(leaf: receipts[i].leaf, receipt: receipts[i], ingestedAt: Int64(3 + i), batchId: i < 6 ? id.word : nil,
                      proof: i < 6 ? try tree.proof(forLeaf: i) : nil)
    }

    static func psql(cluster: PostgresCluster, database: String, sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cluster.binaries).appendingPathComponent("psql")
        process.arguments = ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", "postgres", "-d", database, "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "psql: \(String(decoding: message, as: UTF8.self))")
    }

    // The schema as of `batch-v2`, frozen (SQLiteBatchQueue / PostgresBatchQueue before `batch-v3`).
    static let sqliteV1 = """
        CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL, receipt BLOB NOT NULL);
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
        """
    static let sqliteV2 = """
        ALTER TABLE batch_transactions ADD COLUMN sender BLOB;
        CREATE INDEX batch_transactions_sender ON batch_transactions(sender, nonce);
        """
    static let postgresV1V2 = """
        CREATE TABLE batch_migrations(name TEXT PRIMARY KEY);
        INSERT INTO batch_migrations(name) VALUES ('batch-v1'), ('batch-v2');
        CREATE TABLE batch_meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO batch_meta(key, value) VALUES ('outbox_cursor', 0);
        CREATE TABLE batch_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE batch_receipts(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, leaf BYTEA NOT NULL UNIQUE,
          kind BIGINT NOT NULL, prediction_id BYTEA NOT NULL, receipt BYTEA NOT NULL, batch_time BIGINT NOT NULL,
          deadline BIGINT NOT NULL, ingested_at BIGINT NOT NULL, batch_id BYTEA, proof BYTEA, UNIQUE(prediction_id, kind));
        CREATE INDEX batch_receipts_open ON batch_receipts(kind, deadline, seq) WHERE batch_id IS NULL;
        CREATE INDEX batch_receipts_batch ON batch_receipts(batch_id) WHERE batch_id IS NOT NULL;
        CREATE TABLE batch_batches(id BYTEA PRIMARY KEY, kind BIGINT NOT NULL, sequence BIGINT NOT NULL, state TEXT NOT NULL,
          root BYTEA NOT NULL, count BIGINT NOT NULL, first_time BIGINT NOT NULL, last_time BIGINT NOT NULL,
          deadline BIGINT NOT NULL, closed_at BIGINT NOT NULL, final_at BIGINT, anchor_tx BYTEA, block_number BIGINT,
          anchored_at BIGINT, lead_time BIGINT, oldest_ingested_at BIGINT NOT NULL, tree BYTEA NOT NULL);
        CREATE INDEX batch_batches_state ON batch_batches(state, kind, sequence);
        CREATE TABLE batch_transactions(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hash BYTEA NOT NULL UNIQUE,
          batch_id BYTEA NOT NULL, nonce BIGINT NOT NULL, max_fee TEXT NOT NULL, priority_fee TEXT, gas_limit BIGINT NOT NULL,
          raw BYTEA NOT NULL, replaces BYTEA, state TEXT NOT NULL, created_at BIGINT NOT NULL, sent_at BIGINT,
          block_number BIGINT, block_hash BYTEA, gas_used BIGINT);
        CREATE INDEX batch_transactions_batch ON batch_transactions(batch_id, seq);
        ALTER TABLE batch_transactions ADD COLUMN sender BYTEA;
        CREATE INDEX batch_transactions_sender ON batch_transactions(sender, nonce);

        """
}

/// A batch of `receipts` as the engine closes it (tree, proofs, a transaction record).
func closing(_ receipts: [QueuedReceipt], id: BatchID, nonce: UInt64) throws -> (ClosingBatch, MerkleTree) {
    let tree = try MerkleTree(leaves: receipts.map(\.leaf))
    let proofs = try receipts.indices.map { (receipts[$0].leaf, try tree.proof(forLeaf: $0)) }
    let record = BatchRecord(id: id, state: .closed, root: tree.root, count: receipts.count, firstTime: 1, lastTime: 1, deadline: 1,
                             closedAt: 20, oldestIngestedAt: 1)
    let transaction = AnchorTransaction(hash: Keccak256.hash(data: Array(id.word.bytes) + [UInt8(nonce)]), batchId: id.word, nonce: nonce,
                                        maxFee: "200", priorityFee: "30", gasLimit: 150_000, raw: [2, UInt8(nonce)], createdAt: 20)
    return (ClosingBatch(record: record, proofs: proofs, treeNodes: tree.nodes, transaction: transaction), tree)
}

@Suite("Stores written before proofs left the receipt rows (schema batch-v2) open and serve the same")
struct StorageMigrationTests {
    @Test(arguments: Backend.allCases) func oldReceiptsAndProofsAreServedIdenticallyAndNewBatchesClose(backend: Backend) async throws {
        let old = try OldStore(backend)
        let queue = try await old.open()
        // Every receipt as the old schema served it: receipt, batch, stored proof; the batch's receipts and tree.
        for i in old.receipts.indices { #expect(try await queue.receipt(old.receipts[i].leaf) == (try old.expected(i))) }
        #expect(try await queue.receipts(of: old.id) == (try (0..<6).map(old.expected)))
        #expect(try await queue.treeNodes(of: old.id) == old.tree.nodes)
        #expect(try await queue.batch(old.id)?.state == .final)
        // The proof file `receipt proof` and GET /v1/receipts/{id} hand out.
        for i in 0..<6 {
            let file = try #require(try await ProofFiles.proofFile(queue: queue, leaf: old.receipts[i].leaf))
            #expect(file == ReceiptProofFile(chainId: 31337, registry: old.registry, batchId: old.id.word, batchKind: 2, root: old.tree.root,
                                             receipt: old.receipts[i], opening: nil, proof: try old.tree.proof(forLeaf: i)))
            #expect(file.offlineChecks().allSatisfy { $0.passed })
        }
        // The open receipts close into a new batch under the new schema; every proof is its path in the stored tree.
        let open = try await queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: 100)
        #expect(open == (try (6..<10).map(old.expected)))
        let id = BatchID(kind: .settlement, sequence: try await queue.reserveSequences(kind: .settlement, count: 1))
        #expect(id.sequence == 9)
        let (batch, tree) = try closing(open, id: id, nonce: 1)
        try await queue.close(batch)
        for (i, r) in open.enumerated() {
            let stored = try #require(try await queue.receipt(r.leaf))
            #expect(stored.batchId == id.word)
            #expect(stored.proof == (try tree.proof(forLeaf: i)))
        }
        #expect(try await queue.receipts(of: id).map(\.proof) == (try open.indices.map { try tree.proof(forLeaf: $0) }))
        // Abandoning the new batch returns its receipts to the open batch; the old batch is untouched.
        try await queue.abandon(id)
        #expect(try await queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: 100) == open)
        #expect(try await queue.receipts(of: old.id) == (try (0..<6).map(old.expected)))
        // A second opening (the migration ran once) serves the same.
        let again = try await old.open()
        for i in 0..<6 { #expect(try await again.receipt(old.receipts[i].leaf) == (try old.expected(i))) }
        await again.shutdown()
        await queue.shutdown()
    }

    @Test(arguments: Backend.allCases) func aProofThatIsNotThePathInTheTreeIsRefusedAndNothingIsStored(backend: Backend) async throws {
        let h = try await Harness(backend)
        let receipts = (0..<5).map { settlement(700 + $0) }
        _ = try await h.queue.ingest(receipts, now: 1)
        let open = try await h.queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: 10)
        let id = BatchID(kind: .settlement, sequence: try await h.queue.reserveSequences(kind: .settlement, count: 1))
        var (batch, _) = try closing(open, id: id, nonce: 0)
        batch.proofs[2].proof[0] = Keccak256.hash(data: [9])
        let wrongProof = batch
        await #expect(throws: BatchQueueError.self) { try await h.queue.close(wrongProof) }
        var stranger = try closing(open, id: id, nonce: 0).0
        stranger.proofs[1].leaf = Keccak256.hash(data: [10])
        let strangerLeaf = stranger
        await #expect(throws: BatchQueueError.self) { try await h.queue.close(strangerLeaf) }
        #expect(try await h.queue.batch(id) == nil)
        #expect(try await h.queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: 10) == open)
    }
}
