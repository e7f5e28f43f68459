import BatchWriter
import EVM
import Foundation
import GRDB
import PredictionStore
import Receipts
import Testing

/// SQLite: receipts of final batches move to `batch_receipts_final` in bulk; nothing the queue answers changes.
@Suite("Archive of final receipts (SQLite)")
struct ArchiveTests {
    let path = temporaryDatabase()

    func count(_ queue: SQLiteBatchQueue, _ table: String) async throws -> Int {
        try await queue.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// Closes the open settlements (up to `limit`) into a new batch and marks it final through `update`.
    func closeAndFinalise(_ queue: SQLiteBatchQueue, limit: Int, nonce: UInt64) async throws -> BatchID {
        let open = try await queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: limit)
        let id = BatchID(kind: .settlement, sequence: try await queue.reserveSequences(kind: .settlement, count: 1))
        try await queue.close(try closing(open, id: id, nonce: nonce).0)
        var record = try #require(try await queue.batch(id))
        record.state = .final
        record.finalAt = 30
        try await queue.update(record)
        return id
    }

    @Test func finalReceiptsMoveAtTheThresholdAndAreServedDeduplicatedAndGuardedAsBefore() async throws {
        let queue = try SQLiteBatchQueue(path: path, archiveThreshold: 5)
        try await queue.setSetting("chain_id", "31337")
        try await queue.setSetting("registry", "0x5FbDB2315678afecb367f032d93F642f64180aa3")
        let receipts = (0..<8).map { settlement(500 + $0) }
        #expect(try await queue.ingest(receipts, now: 1) == Array(repeating: .stored, count: 8))

        // Four final receipts wait (threshold 5): nothing moves.
        let first = try await closeAndFinalise(queue, limit: 4, nonce: 0)
        #expect(try await count(queue, "batch_receipts_final") == 0)
        let ofFirst = try await queue.receipts(of: first)
        #expect(ofFirst.count == 4)
        let second = try await closeAndFinalise(queue, limit: 4, nonce: 1)
        let served = try await receipts.asyncMap { try #require(try await queue.receipt($0.leaf)) }
        let files = try await receipts.asyncMap { try #require(try await ProofFiles.proofFile(queue: queue, leaf: $0.leaf)) }
        let ofSecond = served.filter { $0.batchId == second.word }.sorted { $0.leaf < $1.leaf }
        #expect(ofSecond.count == 4)
        // The second final batch brought eight: both batches moved together (the update already ran the move).
        #expect(try await count(queue, "batch_receipts_final") == 8)
        #expect(try await count(queue, "batch_receipts") == 0)
        #expect(try await queue.archiveFinal(force: true) == 0)

        // Every answer is the same: receipts, batches' receipts, proofs, proof files; reopening changes nothing.
        for reopened in [queue, try SQLiteBatchQueue(path: path, archiveThreshold: 5)] {
            for (i, r) in receipts.enumerated() {
                #expect(try await reopened.receipt(r.leaf) == served[i])
                #expect(try await ProofFiles.proofFile(queue: reopened, leaf: r.leaf) == files[i])
                #expect(files[i].offlineChecks().allSatisfy { $0.passed })
            }
            #expect(try await reopened.receipts(of: first) == ofFirst)
            #expect(try await reopened.receipts(of: second).sorted { $0.leaf < $1.leaf } == ofSecond)
            #expect((try await reopened.backlog())[.settlement, default: 0] == 0)
        }

        // Archived receipts are duplicates, never stored again (also when they come through the core's outbox).
        #expect(try await queue.ingest(receipts.reversed(), now: 2) == Array(repeating: .duplicate, count: 8))
        try await queue.pool.write { db in
            try db.execute(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (2, ?, ?)", arguments: [Data(receipts[3].leaf.bytes), Data(receipts[3].abiEncoded)])
        }
        #expect(try await queue.claimOutbox(limit: 10, now: 3) == 1)
        #expect(try await count(queue, "batch_receipts") == 0)
        #expect(try await queue.pendingReceipts(kind: .settlement, maxTime: .max, limit: 10).isEmpty)

        // Another receipt under an archived receipt's prediction id and kind is a conflict, reported with the archived
        // leaf, and nothing of its request is stored (also when it sorts after a new receipt).
        var changed = receipts[6]
        changed.payout += 1
        let fresh = settlement(900)
        for body in [[changed], [fresh, changed], [changed, fresh]] {
            let index = body.firstIndex(of: changed) ?? -1
            await #expect(throws: BatchQueueError.conflict(index: index, existing: receipts[6].leaf)) { try await queue.ingest(body, now: 4) }
        }
        #expect(try await queue.receipt(fresh.leaf) == nil)
        #expect(try await count(queue, "batch_receipts") == 0)

        // A final, archived batch cannot be abandoned or go back to an earlier state.
        await #expect(throws: BatchQueueError.self) { try await queue.abandon(first) }
        var earlier = try #require(try await queue.batch(first))
        earlier.state = .included
        await #expect(throws: BatchQueueError.self) { try await queue.update(earlier) }
        #expect(try await queue.batch(first)?.state == .final)
        #expect(try await queue.receipts(of: first) == ofFirst)
    }

    @Test func aStoreAtTheDefaultThresholdKeepsFinalReceiptsUntilForced() async throws {
        let queue = try SQLiteBatchQueue(path: path)
        #expect(queue.archiveThreshold == 100_000)
        let receipts = (0..<3).map { settlement(600 + $0) }
        _ = try await queue.ingest(receipts, now: 1)
        let id = try await closeAndFinalise(queue, limit: 3, nonce: 0)
        #expect(try await count(queue, "batch_receipts_final") == 0)
        let before = try await queue.receipts(of: id)
        #expect(try await queue.archiveFinal(force: true) == 3)
        #expect(try await queue.receipts(of: id) == before)
        #expect(try await queue.archiveFinal(force: true) == 0)
        // The emptied table numbers new rows from 1 again; the next move keeps both batches apart.
        let more = (0..<3).map { settlement(700 + $0) }
        _ = try await queue.ingest(more, now: 2)
        let next = try await closeAndFinalise(queue, limit: 3, nonce: 1)
        let nextBefore = try await queue.receipts(of: next)
        #expect(try await queue.archiveFinal(force: true) == 3)
        #expect(try await queue.receipts(of: id) == before)
        #expect(try await queue.receipts(of: next) == nextBefore)
        #expect(try await count(queue, "batch_receipts_final") == 6)
    }
}

extension Array {
    /// `map` with an async throwing transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
