import GRDB

/// Durable commits for SQLite databases opened in WAL mode.
///
/// GRDB activates WAL after running `Configuration.prepareDatabase`, and its WAL set-up switches the writer connection
/// to `synchronous = NORMAL`: a `PRAGMA synchronous = FULL` placed in `prepareDatabase` is silently undone. Under
/// `NORMAL` a WAL commit returns before the WAL is synced, so a power loss can take back a commit that was already
/// acknowledged. Every store that acknowledges receipts, predictions or chain data calls this once after opening.
extension DatabaseWriter {
    /// Sets the writer connection to `synchronous = FULL` (each commit synced to the WAL before it returns) and reads
    /// the setting back; throws if SQLite did not take it.
    public func requireDurableCommits() throws {
        try writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            let mode = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            // 2 = FULL, 3 = EXTRA (both sync the WAL at every commit).
            guard mode >= 2 else {
                throw DatabaseError(message: "PRAGMA synchronous is \(mode) after setting FULL: commits would not be durable")
            }
        }
    }

    /// The writer connection's `synchronous` setting (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
    public func synchronousMode() throws -> Int {
        try writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}

/// Page layout shared by the stores in the core's SQLite file.
public enum DurableSQLite {
    /// The page size of a new database file (SQLite's default is 4 KiB; an existing file keeps its own). Each WAL frame
    /// is two `pwrite` calls whatever its size, and a commit of 10,000 receipts dirties nearly every page of the batch
    /// queue's two random-key indexes: 16 KiB pages write the same bytes in a quarter of the calls
    /// (docs/bench/2026-12-05-ingest.md).
    public static let pageSize = 16_384

    /// For `Configuration.prepareDatabase`: asks for ``pageSize`` (taken only by a file not created yet) and sets the
    /// automatic WAL checkpoint to about `checkpointEvery` bytes in the file's actual page size.
    public static func setPages(_ db: Database, checkpointEvery bytes: Int) throws {
        try db.execute(sql: "PRAGMA page_size = \(pageSize)")
        let actual = max(512, try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096)
        try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1, bytes / actual))")
    }
}
