import Foundation
import GRDB
import GRDBSQLite

// WAL checkpoints off the acknowledgement path. SQLite's automatic checkpoint runs inside the COMMIT that crosses its
// threshold: the producer whose receipts made that commit waits while every page in the WAL is copied into the database
// file and the file is fsynced (a third of the bytes an ingest of 100,000 receipts writes; a 319 ms close on a busy
// machine). Here the writer's WAL hook only signals a checkpointer with its own connection, which copies the WAL
// (`PASSIVE`: it never blocks the writer or readers) while the writer goes on committing. Durability does not change: a
// commit is acknowledged after its frames are fsynced to the WAL (`synchronous = FULL`); a checkpoint only moves
// committed frames into the main file, and a crash in the middle of one is recovered from the WAL.
//
// The bound: if the checkpointer falls behind (or the WAL cannot restart because it never caught up between commits),
// the writer checkpoints inline once the WAL holds `inlinePages` frames, as SQLite's automatic checkpoint would.

/// Runs PASSIVE checkpoints of one database on its own connection when signalled.
final class WALCheckpointer: Sendable {
    /// Frames in the WAL after a commit from which the checkpointer is signalled (16 MiB of 4 KiB pages).
    static let signalPages: Int32 = 4_096
    /// Frames from which the writer checkpoints inline itself (256 MiB of 4 KiB pages).
    static let inlinePages: Int32 = 65_536

    private let signal: AsyncStream<Void>.Continuation
    private let task: Task<Void, Never>

    /// A checkpointer of the database at `path` (its connection is opened on the first signal).
    init(path: String) {
        let (stream, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.signal = signal
        task = Task.detached(priority: .utility) {
            var connection: DatabaseQueue?
            for await _ in stream {
                do {
                    if connection == nil {
                        var configuration = Configuration()
                        configuration.busyMode = .timeout(1)
                        configuration.label = "sixnines.batch-queue.checkpointer"
                        connection = try DatabaseQueue(path: path, configuration: configuration)
                    }
                    try await connection?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                } catch {
                    // A busy or failed checkpoint is retried on the next signal; the writer's inline bound still holds.
                }
            }
        }
    }

    deinit {
        signal.finish()
    }

    /// Asks for a checkpoint (coalesced with one already pending).
    func request() { signal.yield() }

    /// Installs the WAL hook on the writer connection `db`: signals this checkpointer past `signalPages` frames and
    /// checkpoints inline past `inlinePages` (it replaces SQLite's automatic checkpoint on that connection). The hook
    /// holds the checkpointer weakly (the connection may outlive the queue that owns it: `pool` is public); once it is
    /// gone, the hook checkpoints inline at `signalPages`, as SQLite's automatic checkpoint would.
    func install(on db: Database) {
        guard let connection = db.sqliteConnection else { return }
        let context = Unmanaged.passRetained(WeakCheckpointer(self)).toOpaque()  // one small box per writer connection
        sqlite3_wal_hook(connection, { context, connection, name, frames in
            guard frames >= WALCheckpointer.signalPages, let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WeakCheckpointer>.fromOpaque(context).takeUnretainedValue().value
            if let checkpointer, frames < WALCheckpointer.inlinePages {
                checkpointer.request()
            } else {
                // As SQLite's own automatic checkpoint: a busy or failed checkpoint is not the committing statement's error.
                _ = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            return SQLITE_OK
        }, context)
    }
}

/// The WAL hook's weak reference to its checkpointer.
private final class WeakCheckpointer: @unchecked Sendable {
    weak var value: WALCheckpointer?
    init(_ value: WALCheckpointer) { self.value = value }
}
