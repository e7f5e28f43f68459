import Foundation
import GRDB
import PredictionCore
@testable import PredictionStore
import Testing

/// Every SQLite store that acknowledges data commits with `synchronous = FULL` (in WAL mode `NORMAL` returns from a
/// commit before the WAL is synced).
@Suite("Durable SQLite commits")
struct DurableCommitTests {
    func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("GRDB's WAL set-up undoes a synchronous = FULL placed in prepareDatabase (why requireDurableCommits exists)")
    func grdbResetsSynchronous() throws {
        let path = temporaryStore()
        defer { remove(path) }
        var config = Configuration()
        config.journalMode = .wal
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: config)
        #expect(try pool.synchronousMode() == 1)
        try pool.requireDurableCommits()
        #expect(try pool.synchronousMode() == 2)
        // The setting belongs to the writer connection, which the pool keeps: later writes still see FULL.
        try pool.write { db in try db.execute(sql: "CREATE TABLE t(x)") }
        #expect(try pool.synchronousMode() == 2)
    }

    @Test("the batch queue's writer commits with synchronous = FULL, also when reopened")
    func batchQueueIsDurable() throws {
        let path = temporaryStore()
        defer { remove(path) }
        #expect(try SQLiteBatchQueue(path: path).pool.synchronousMode() == 2)
        #expect(try SQLiteBatchQueue(path: path).pool.synchronousMode() == 2)
    }

    @Test("the prediction core's store commits with synchronous = FULL")
    func coreStoreIsDurable() throws {
        let path = temporaryStore()
        defer { remove(path) }
        let store = try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(3)))
        #expect(try store.database.synchronousMode() == 2)
    }

    @Test("a new file gets 16 KiB pages; an existing file keeps its pages and its WAL checkpoint stays at 64 MiB")
    func pagesOfNewAndExistingFiles() throws {
        func pragma(_ queue: SQLiteBatchQueue, _ name: String) throws -> Int {
            try queue.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1 }
        }
        let fresh = temporaryStore(), old = temporaryStore()
        defer { remove(fresh); remove(old) }
        let queue = try SQLiteBatchQueue(path: fresh)
        #expect(try pragma(queue, "page_size") == 16_384)
        #expect(try pragma(queue, "wal_autocheckpoint") == 4_096)
        try DatabaseQueue(path: old).write { db in try db.execute(sql: "CREATE TABLE t(x)") }
        let existing = try SQLiteBatchQueue(path: old)
        #expect(try pragma(existing, "page_size") == 4_096)
        #expect(try pragma(existing, "wal_autocheckpoint") == 16_384)
    }
}
