import EVM
import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO
import Receipts

/// The batch queue in PostgreSQL (postgres-nio), for several writers sharing one store, each with its own key: the same
/// tables, columns and behaviour as ``SQLiteBatchQueue`` (`batch_receipts`, `batch_batches`, `batch_transactions`,
/// `batch_meta`, `batch_settings`; migrations by name in `batch_migrations`). Writers close batches from disjoint
/// receipts (`SELECT … FOR UPDATE SKIP LOCKED`), reserve sequence numbers from one counter row, and record their
/// transactions with their sender (nonces per sender).
///
/// The prediction core's outbox stays in its SQLite database: given `outboxPath`, ``claimOutbox(limit:now:)`` copies
/// its rows after a cursor kept in PostgreSQL, one claimer at a time (the cursor row is taken `FOR UPDATE SKIP LOCKED`;
/// the others skip the round), idempotently per receipt id (docs/BATCHWRITER.md).
public final class PostgresBatchQueue: BatchQueue {
    /// Where the database is.
    public let location: PostgresLocation
    /// The connection pool.
    let client: PostgresClient
    /// The task running the pool (cancelled by ``shutdown()``).
    private let runner: Task<Void, Never>
    /// The prediction core's SQLite database, whose `outbox` is claimed (nil: receipts come only through ``ingest(_:now:)``).
    let outbox: DatabasePool?
    let logger: Logger

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`), applies the migrations, and opens the core's
    /// SQLite database at `outboxPath` (if any) to claim its outbox.
    public init(url: String, outboxPath: String? = nil, logger: Logger = Logger(label: "sixnines.batch-queue.postgres")) async throws(BatchQueueError) {
        location = try PostgresLocation(url: url)
        self.logger = logger
        var configuration = PostgresClient.Configuration(host: location.host, port: location.port, username: location.user,
                                                        password: location.password, database: location.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        if let outboxPath {
            var config = Configuration()
            config.busyMode = .timeout(10)
            do {
                let pool = try DatabasePool(path: outboxPath, configuration: config)
                try await pool.write { db in try db.execute(sql: Self.outboxDDL) }
                outbox = pool
            } catch {
                runner.cancel()
                throw .store("the core's database \(outboxPath): \(error)")
            }
        } else {
            outbox = nil
        }
        do {
            // One direct connection first: a refused or failed connection is reported now, with its reason (the pool
            // would keep retrying in the background).
            let location = location
            var direct = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                          password: location.password, database: location.database, tls: .disable)
            direct.options.connectTimeout = .seconds(5)
            let configuration = direct
            try await Self.deadline(seconds: 30, what: "connecting to \(location)") { () async throws(BatchQueueError) in
                do {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                    try? await connection.close()
                } catch {
                    throw Self.connectionError(error, location: location)
                }
            }
            try await Self.deadline(seconds: 30, what: "migrating \(location)") { () async throws(BatchQueueError) in
                try await self.migrate()
            }
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// The core's outbox table (its own DDL: whichever starts first creates it).
    static let outboxDDL = """
        CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL, receipt BLOB NOT NULL)
        """

    /// Stops the pool.
    public func shutdown() async {
        runner.cancel()
        _ = await runner.value
    }

    deinit { runner.cancel() }

    // MARK: Transactions

    /// A database error as the queue's error (the server's message, not the query text).
    static func storeError(_ error: any Error) -> BatchQueueError {
        if let e = error as? BatchQueueError { return e }
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return .store("postgres: \(message) (\(e.serverInfo?[.sqlState] ?? "?"))") }
            return .store("postgres: \(e.code)")
        }
        return .store("\(error)")
    }

    /// A failed connection as the queue's error: where, and why (the server's message or the network error).
    static func connectionError(_ error: any Error, location: PostgresLocation) -> BatchQueueError {
        guard let e = error as? PSQLError else { return .store("postgres: cannot connect to \(location): \(error)") }
        if let message = e.serverInfo?[.message] { return .store("postgres: cannot connect to \(location): \(message)") }
        return .store("postgres: cannot connect to \(location): \(e.underlying.map { "\($0)" } ?? "\(e.code)")")
    }

    /// Whether `error` is a serialization failure or deadlock (the transaction can simply run again).
    static func isRetryable(_ error: any Error) -> Bool {
        guard let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Runs `body` in one transaction on one connection (committed when it returns, rolled back when it throws; run again
    /// after a serialization failure or deadlock).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(BatchQueueError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                if attempt < 5, Self.isRetryable(error) { continue }
                throw Self.storeError(error)
            }
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws(BatchQueueError) -> [PostgresRow] {
        do { return try await client.query(query, logger: logger).collect() } catch { throw Self.storeError(error) }
    }

    /// `body`, or ``BatchQueueError/store(_:)`` once `seconds` pass.
    static func deadline<T: Sendable>(seconds: Int, what: String,
                                      _ body: @escaping @Sendable () async throws(BatchQueueError) -> T) async throws(BatchQueueError) -> T {
        let result: Result<T, BatchQueueError> = await withTaskGroup(of: Result<T, BatchQueueError>?.self) { group in
            group.addTask {
                do throws(BatchQueueError) { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.store("\(what): no answer within \(seconds) s"))
        }
        return try result.get()
    }

    /// A bytea parameter (a `ByteBuffer`: postgres-nio encodes it without throwing).
    static func bytes(_ w: Bytes32) -> ByteBuffer { ByteBuffer(bytes: w.bytes) }
    /// An address as a bytea parameter.
    static func bytes(_ a: Address) -> ByteBuffer { ByteBuffer(bytes: a.bytes) }
    static func buffer(_ w: Bytes32) -> ByteBuffer { ByteBuffer(bytes: w.bytes) }

    // MARK: Ingest

    /// Inserts `receipts` on `connection` (inside a transaction) and says what happened to each; with `failOnConflict` a
    /// conflict throws (the caller's transaction rolls back), otherwise it is reported.
    func insert(_ receipts: [Receipt], now: Int64, on connection: PostgresConnection, failOnConflict: Bool) async throws -> [IngestOutcome] {
        guard !receipts.isEmpty else { return [] }
        var leaves: [Bytes32] = [], leafColumn: [ByteBuffer] = [], kinds: [Int64] = [], predictions: [ByteBuffer] = []
        var encodings: [ByteBuffer] = [], times: [Int64] = [], deadlines: [Int64] = []
        for r in receipts {
            let leaf = r.leaf
            leaves.append(leaf)
            leafColumn.append(Self.buffer(leaf))
            kinds.append(Int64(r.kind.rawValue))
            predictions.append(Self.buffer(r.predictionId))
            encodings.append(ByteBuffer(bytes: r.abiEncoded))
            times.append(BatchRows.i64(BatchRows.batchTime(r)))
            deadlines.append(BatchRows.i64(r.settlesAt))
        }
        let inserted = try await connection.query("""
            INSERT INTO batch_receipts(leaf, kind, prediction_id, receipt, batch_time, deadline, ingested_at)
            SELECT l, k, p, r, t, d, \(now) FROM unnest(\(leafColumn)::bytea[], \(kinds)::bigint[], \(predictions)::bytea[],
              \(encodings)::bytea[], \(times)::bigint[], \(deadlines)::bigint[]) WITH ORDINALITY AS u(l, k, p, r, t, d, n)
            ORDER BY n ON CONFLICT DO NOTHING RETURNING leaf
            """, logger: logger).collect()
        var stored = Set<Bytes32>()
        for row in inserted { stored.insert(try BatchRows.word(try row.decode(Data.self))) }
        var outcomes = [IngestOutcome](repeating: .stored, count: receipts.count)
        var unstored: [Int] = []
        var first = Set<Bytes32>()
        for (i, leaf) in leaves.enumerated() where !(stored.contains(leaf) && first.insert(leaf).inserted) { unstored.append(i) }
        guard !unstored.isEmpty else { return outcomes }
        let probe = unstored.map { leafColumn[$0] }
        var existing = Set<Bytes32>()
        for row in try await connection.query("SELECT leaf FROM batch_receipts WHERE leaf = ANY(\(probe)::bytea[])", logger: logger).collect() {
            existing.insert(try BatchRows.word(try row.decode(Data.self)))
        }
        for i in unstored {
            if existing.contains(leaves[i]) { outcomes[i] = .duplicate; continue }
            outcomes[i] = .conflict
            if failOnConflict {
                let r = receipts[i]
                let other = try await connection.query(
                    "SELECT leaf FROM batch_receipts WHERE prediction_id = \(Self.bytes(r.predictionId)) AND kind = \(Int64(r.kind.rawValue))",
                    logger: logger).collect()
                throw BatchQueueError.conflict(index: i, existing: try BatchRows.word(try other.first?.decode(Data.self)))
            }
        }
        return outcomes
    }

    /// Stores receipts in one transaction (all or nothing on a conflict); see ``BatchQueue/ingest(_:now:)``.
    public func ingest(_ receipts: [Receipt], now: Int64) async throws(BatchQueueError) -> [IngestOutcome] {
        try await transaction { connection in try await self.insert(receipts, now: now, on: connection, failOnConflict: true) }
    }

    /// Copies up to `limit` rows of the core's outbox after the cursor and advances it in the same PostgreSQL transaction;
    /// 0 without an outbox or while another writer holds the cursor.
    public func claimOutbox(limit: Int, now: Int64) async throws(BatchQueueError) -> Int {
        guard let outbox else { return 0 }
        return try await transaction { connection in
            let locked = try await connection.query(
                "SELECT value FROM batch_meta WHERE key = 'outbox_cursor' FOR UPDATE SKIP LOCKED", logger: self.logger).collect()
            guard let cursor = try locked.first?.decode(Int64.self) else { return 0 }
            let rows = try await outbox.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, leaf, receipt FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [cursor, limit])
                    .map { row -> (Int64, Data?, Data) in (row["seq"], row["leaf"], row["receipt"]) }
            }
            guard let last = rows.last else { return 0 }
            var receipts: [Receipt] = []
            receipts.reserveCapacity(rows.count)
            for (seq, leaf, data) in rows {
                let receipt = try BatchRows.receipt(data, what: "outbox row \(seq)")
                if let leaf, leaf != Data(receipt.leaf.bytes) {
                    throw BatchQueueError.corrupt("outbox row \(seq): its leaf does not match its receipt")
                }
                receipts.append(receipt)
            }
            // A conflict cannot come from the core; it stays out of batches, visible as a gap between outbox and queue.
            _ = try await self.insert(receipts, now: now, on: connection, failOnConflict: false)
            try await connection.query("UPDATE batch_meta SET value = \(last.0) WHERE key = 'outbox_cursor'", logger: self.logger)
            return rows.count
        }
    }
}

/// A PostgreSQL server and database from a `postgres://` URL.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// TCP port (default 5432).
    public var port: Int
    /// User name (default `postgres`).
    public var user: String
    /// Password, if any.
    public var password: String?
    /// Database (default: the user name).
    public var database: String

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// Parses `postgres://user[:password]@host[:port]/database` (TLS is not supported: loopback or a private network).
    public init(url: String) throws(BatchQueueError) {
        guard Self.isURL(url), let components = URLComponents(string: url) else {
            throw .refused("database URL: expected postgres://user@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else { throw .refused("database URL: no host") }
        self.host = host
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw .refused("database URL: port \(port) out of range") }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        guard !database.contains("/") else { throw .refused("database URL: expected one database name after the host") }
        for item in components.queryItems ?? [] where !(item.name == "sslmode" && item.value == "disable") {
            throw .refused("database URL: unsupported parameter \(item.name) (only sslmode=disable)")
        }
    }

    /// The URL without its password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
