// The batch writer's hot paths (issue 15 targets: durable ingest ≥ 100,000 receipts/s with SQLite, ≥ 20,000/s with
// PostgreSQL, acknowledged after commit; closing a batch of 1,000 — tree, proofs stored, transaction signed — under
// 20 ms), on both stores. PostgreSQL: a private cluster with PostgreSQL's durable defaults (fsync on, synchronous
// commit), started for this process (Tests/DevnetSupport/PostgresCluster.swift) and removed when it exits.
//
// "close" below is the work of `BatchWriterEngine.closeIfDue` without its two RPC reads (fees are cached, the pending
// nonce is one call): reserve the sequence (one commit), build the tree, compute 1,000 proofs, sign the anchor
// transaction (EIP-1559, secp256k1), commit batch + proofs + signed transaction (one commit).
import Benchmark
import DevnetSupport
import EVM
import EVMSigner
import Foundation
import GRDB
import PredictionStore
import Receipts

func receipt(_ n: Int) -> Receipt {
    Receipt(kind: .placement, predictionId: Keccak256.hash(data: Array("bench-\(n)".utf8)),
            userCommitment: Keccak256.hash(data: Array("user-\(n % 101)".utf8)), asset: try! AssetID(symbol: "BTC-USD"),
            direction: n & 1 == 0 ? .up : .down, stake: UInt128(1_000_000 + n), placedAt: 1_795_608_000, settlesAt: 1_795_608_540,
            entryPrice: 9_712_345_678_901)
}

func freshQueue() -> (SQLiteBatchQueue, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("batch-bench-\(UUID().uuidString).sqlite").path
    return (try! SQLiteBatchQueue(path: path), path)
}

func remove(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// The private cluster (durable settings), started on first use.
let cluster = Result { try PostgresCluster(durable: true) }

/// A fresh PostgreSQL queue in a new database.
func freshPostgresQueue() async -> PostgresBatchQueue {
    let url = try! cluster.get().createDatabase(prefix: "bench")
    return try! await PostgresBatchQueue(url: url)
}

/// Sequence numbers taken from the store 8 at a time, as `BatchWriterEngine.nextSequence` does (`sequenceBlock`).
actor Sequences {
    var next: UInt64 = 0, end: UInt64 = 0
    func take(_ queue: any BatchQueue) async throws(BatchQueueError) -> UInt64 {
        if next == end {
            next = try await queue.reserveSequences(kind: .placement, count: 8)
            end = next + 8
        }
        defer { next += 1 }
        return next
    }
}

/// Closes a batch of 1,000 as `BatchWriterEngine.closeIfDue` does without its RPC reads: the store's `closeNext`
/// (PostgreSQL: `FOR UPDATE SKIP LOCKED`) around reserve (one commit per batch, or from `sequences` 8 at a time as the
/// engine does), tree, proofs, signature.
func closeOne(_ queue: any BatchQueue, nonce: UInt64, sequences: Sequences? = nil) async {
    _ = try! await queue.closeNext(kind: .placement, maxTime: .max, limit: 1_000) { pending throws(BatchQueueError) in
        let sequence = if let sequences { try await sequences.take(queue) } else { try await queue.reserveSequences(kind: .placement, count: 1) }
        let id = BatchID(kind: .placement, sequence: sequence)
        let tree = try! MerkleTree(leaves: pending.map(\.leaf))
        var proofs: [(leaf: Bytes32, proof: [Bytes32])] = []
        proofs.reserveCapacity(pending.count)
        for (i, r) in pending.enumerated() { proofs.append((r.leaf, try! tree.proof(forLeaf: i))) }
        var data = [UInt8](repeating: 0, count: 4 + 6 * 32)  // anchor(...) calldata shape
        data[35] = 1
        let tx = try! DynamicFeeTransaction(chainId: 137, nonce: nonce, maxPriorityFeePerGas: UInt256(30_000_000_000),
                                            maxFeePerGas: UInt256(200_000_000_000), gasLimit: 150_000,
                                            to: try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3"), value: .zero, data: data).signed(by: key)
        let raw = tx.rawRepresentation
        let record = BatchRecord(id: id, state: .closed, root: tree.root, count: pending.count, firstTime: 1, lastTime: 1,
                                 deadline: 1_795_608_540, closedAt: 1, oldestIngestedAt: 1)
        return ClosingBatch(record: record, proofs: proofs, treeNodes: tree.nodes, transaction: AnchorTransaction(
            hash: Keccak256.hash(data: raw), batchId: id.word, nonce: nonce, maxFee: "200000000000", priorityFee: "30000000000",
            gasLimit: 150_000, raw: raw, createdAt: 1))
    }
}

let key = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")

let benchmarks: @Sendable () -> Void = {
    let pool = (0..<200_000).map(receipt)

    // The fresh-store ingest, and the same followed by a TRUNCATE checkpoint (the bytes it leaves for the checkpoint).
    for truncate in [false, true] {
        Benchmark(truncate ? "ingest: 100k receipts, commits of 10,000, then a TRUNCATE checkpoint (every page in the main file)"
                           : "ingest: 100k receipts, commits of 10,000 (WAL, synchronous=FULL)",
                  configuration: .init(metrics: [.wallClock, .cpuUser], maxDuration: .seconds(30), maxIterations: 7)) { benchmark in
            for _ in benchmark.scaledIterations {
                let (queue, path) = freshQueue()
                benchmark.startMeasurement()
                for b in 0..<10 { blackHole(try! await queue.ingest(Array(pool[(b * 10_000)..<((b + 1) * 10_000)]), now: 1)) }
                if truncate {
                    try! await queue.pool.writeWithoutTransaction { db in
                        while true {  // SQLITE_BUSY while the last commit's automatic checkpoint still holds the checkpoint lock
                            do { _ = try db.checkpoint(.truncate); break } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY { continue }
                        }
                    }
                }
                benchmark.stopMeasurement()
                remove(path)
            }
        }
    }

    // A long-running store: 1,000,000 receipts in final batches (filled and finalised untimed, one fake batch row per
    // step). Each sample ingests 100,000 new receipts in commits of 10,000; after it (untimed) they are finalised too.
    // "kept in batch_receipts": the layout before the archive (every receipt in the two random-key indexes that ingest
    // writes); "archived": the receipts of final batches moved to batch_receipts_final (what `update` to final does
    // once 100,000 have gathered).
    for archived in [false, true] {
        Benchmark("ingest: 100k receipts, commits of 10,000, into a store of 1,000,000 final receipts \(archived ? "archived" : "kept in batch_receipts")",
                  configuration: .init(metrics: [.wallClock, .cpuUser], maxDuration: .seconds(90), maxIterations: 5)) { benchmark in
            let (queue, path) = freshQueue()
            var sequence: UInt64 = 0
            func finalise() async {
                sequence += 1
                let seq = sequence
                let id = Data(BatchID(kind: .placement, sequence: seq).word.bytes)
                try! await queue.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO batch_batches(id, kind, sequence, state, root, count, first_time, last_time, deadline, closed_at,
                          oldest_ingested_at, tree) VALUES (?, 1, ?, 'final', zeroblob(32),
                          (SELECT COUNT(*) FROM batch_receipts WHERE batch_id IS NULL), 1, 1, 1, 1, 1, zeroblob(64))
                        """, arguments: [id, Int64(seq)])
                    try db.execute(sql: "UPDATE batch_receipts SET batch_id = ?, tree_index = seq WHERE batch_id IS NULL", arguments: [id])
                }
                if archived { _ = try! await queue.archiveFinal(force: true) }
            }
            for b in 0..<20 { _ = try! await queue.ingest((b * 50_000..<(b + 1) * 50_000).map(receipt), now: 1) }
            await finalise()
            var next = 1_000_000
            for _ in benchmark.scaledIterations {
                let batches = (0..<10).map { b in (next + b * 10_000..<next + (b + 1) * 10_000).map(receipt) }
                next += 100_000
                benchmark.startMeasurement()
                for batch in batches { blackHole(try! await queue.ingest(batch, now: 1)) }
                benchmark.stopMeasurement()
                await finalise()
            }
            remove(path)
        }
    }

    Benchmark("ingest: one commit of 1,000 receipts (= acknowledgement latency)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 150)) { benchmark in
        let (queue, path) = freshQueue()
        var next = 0
        for _ in benchmark.scaledIterations {
            let slice = Array(pool[next..<(next + 1_000)])
            next = (next + 1_000) % pool.count
            benchmark.startMeasurement()
            blackHole(try! await queue.ingest(slice, now: 1))
            benchmark.stopMeasurement()
        }
        remove(path)
    }

    Benchmark("outbox: claim 100k rows of the core's outbox, 20,000 per step",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(30), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            let (queue, path) = freshQueue()
            try! await queue.pool.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (1, ?, ?)")
                for r in pool[0..<100_000] { try statement.execute(arguments: [Data(r.leaf.bytes), Data(r.abiEncoded)]) }
            }
            benchmark.startMeasurement()
            while try! await queue.claimOutbox(limit: 20_000, now: 1) > 0 {}
            benchmark.stopMeasurement()
            remove(path)
        }
    }

    Benchmark("close a batch of 1,000: tree, 1,000 proofs, signed anchor transaction, committed",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 100)) { benchmark in
        let (queue, path) = freshQueue()
        _ = try! await queue.ingest(Array(pool[0..<150_000]), now: 1)
        var nonce: UInt64 = 0
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let pending = try! await queue.pendingReceipts(kind: .placement, maxTime: .max, limit: 1_000)
            let sequence = try! await queue.reserveSequences(kind: .placement, count: 1)
            let id = BatchID(kind: .placement, sequence: sequence)
            let tree = try! MerkleTree(leaves: pending.map(\.leaf))
            var proofs: [(leaf: Bytes32, proof: [Bytes32])] = []
            proofs.reserveCapacity(pending.count)
            for (i, r) in pending.enumerated() { proofs.append((r.leaf, try! tree.proof(forLeaf: i))) }
            var data = [UInt8](repeating: 0, count: 4 + 6 * 32)  // anchor(...) calldata shape
            data[35] = 1
            let tx = try! DynamicFeeTransaction(chainId: 137, nonce: nonce, maxPriorityFeePerGas: UInt256(30_000_000_000),
                                                maxFeePerGas: UInt256(200_000_000_000), gasLimit: 150_000,
                                                to: try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3"), value: .zero, data: data).signed(by: key)
            let raw = tx.rawRepresentation
            let record = BatchRecord(id: id, state: .closed, root: tree.root, count: pending.count, firstTime: 1, lastTime: 1,
                                     deadline: 1_795_608_540, closedAt: 1, oldestIngestedAt: 1)
            try! await queue.close(ClosingBatch(record: record, proofs: proofs, treeNodes: tree.nodes, transaction: AnchorTransaction(
                hash: Keccak256.hash(data: raw), batchId: id.word, nonce: nonce, maxFee: "200000000000", priorityFee: "30000000000",
                gasLimit: 150_000, raw: raw, createdAt: 1)))
            benchmark.stopMeasurement()
            nonce += 1
        }
        remove(path)
    }

    Benchmark("PostgreSQL ingest: 100k receipts, commits of 10,000 (fsync on)",
              configuration: .init(metrics: [.wallClock, .cpuUser], maxDuration: .seconds(60), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            let queue = await freshPostgresQueue()
            benchmark.startMeasurement()
            for b in 0..<10 { blackHole(try! await queue.ingest(Array(pool[(b * 10_000)..<((b + 1) * 10_000)]), now: 1)) }
            benchmark.stopMeasurement()
            await queue.shutdown()
        }
    }

    Benchmark("PostgreSQL ingest: one commit of 1,000 receipts (= acknowledgement latency)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 150)) { benchmark in
        let queue = await freshPostgresQueue()
        var next = 0
        for _ in benchmark.scaledIterations {
            let slice = Array(pool[next..<(next + 1_000)])
            next = (next + 1_000) % pool.count
            benchmark.startMeasurement()
            blackHole(try! await queue.ingest(slice, now: 1))
            benchmark.stopMeasurement()
        }
        await queue.shutdown()
    }

    Benchmark("close a batch of 1,000 through closeNext (SQLite)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 100)) { benchmark in
        let (queue, path) = freshQueue()
        _ = try! await queue.ingest(Array(pool[0..<150_000]), now: 1)
        var nonce: UInt64 = 0
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            await closeOne(queue, nonce: nonce)
            benchmark.stopMeasurement()
            nonce += 1
        }
        remove(path)
    }

    Benchmark("close a batch of 1,000 through closeNext (SQLite), sequence numbers reserved 8 at a time as the engine does",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 100)) { benchmark in
        let (queue, path) = freshQueue()
        _ = try! await queue.ingest(Array(pool[0..<150_000]), now: 1)
        let sequences = Sequences()
        var nonce: UInt64 = 0
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            await closeOne(queue, nonce: nonce, sequences: sequences)
            benchmark.stopMeasurement()
            nonce += 1
        }
        remove(path)
    }

    Benchmark("PostgreSQL close a batch of 1,000 through closeNext (SKIP LOCKED, one transaction)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 100)) { benchmark in
        let queue = await freshPostgresQueue()
        _ = try! await queue.ingest(Array(pool[0..<150_000]), now: 1)
        var nonce: UInt64 = 0
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            await closeOne(queue, nonce: nonce)
            benchmark.stopMeasurement()
            nonce += 1
        }
        await queue.shutdown()
    }
}
