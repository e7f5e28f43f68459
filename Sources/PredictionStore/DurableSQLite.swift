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
