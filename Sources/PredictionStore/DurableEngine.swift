import Dispatch
import EVM
import Foundation
import GRDB
import GRDBSQLite
import PredictionCore
import Receipts

/// Errors of the durable engine: the engine's own refusals, or the store's failures.
public enum DurableError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite failed (nothing was acknowledged; the engine was reloaded from the store).
    case store(String)
    /// The store holds a command the engine refuses on replay.
    case corrupt(String)
    /// A configuration refusal.
    case configuration(ConfigurationError)
    /// A ledger refusal.
    case ledger(LedgerError)
    /// A settlement refusal.
    case settlement(SettlementError)

    public var description: String {
        switch self {
        case .store(let why): return "store: \(why)"
        case .corrupt(let why): return "corrupt store: \(why)"
        case .configuration(let e): return "\(e)"
        case .ledger(let e): return "\(e)"
        case .settlement(let e): return "\(e)"
        }
    }
}

/// A `PredictionEngine` made durable in SQLite (GRDB, WAL, `synchronous = FULL`): every accepted command
/// is committed before its result is returned (acknowledged), with the receipts it emitted in the
/// `outbox` table. Placements can be committed in groups (`place(batch:)`): one transaction, one fsync,
/// for many predictions. On open, the engine is rebuilt by replaying the command log (prediction ids,
/// salts and entry prices are recorded, so the replay is exact); a settlement is unique per round in
/// the store, so a round never settles twice, even across crashes.
///
/// WAL checkpoints (copying committed pages from the WAL into the database file, then an fsync of it; 10–30 ms
/// per 4 MB on the benchmark machine) do not run inside an acknowledged commit: a second connection runs a
/// PASSIVE checkpoint on a background queue once about 1 MB was committed since the last one (small
/// checkpoints keep their fsyncs short beside the writer's own). While the writer keeps committing, the WAL
/// cannot restart from its beginning, so it grows until SQLite's own in-line checkpoint (kept as the
/// backstop, at 65,536 pages = 256 MB) lets it wrap; that one commit pays the frames not yet checkpointed
/// (measured 50–70 ms with 4 MB background checkpoints), about once per 400,000 placements. Durability is
/// unchanged: a commit is durable once its WAL frames are synced (`synchronous = FULL`), checkpointed or not.
///
/// Not thread-safe: one owner (the single writer) calls it.
public final class DurableEngine {
    /// The in-memory engine (its outbox is empty: receipts live in the `outbox` table).
    public private(set) var engine: PredictionEngine
    let database: DatabaseQueue
    private let configuration: EngineConfiguration
    /// The second connection, used only for PASSIVE checkpoints on `checkpointQueue`.
    private let checkpointer: DatabaseQueue
    private let checkpointQueue = DispatchQueue(label: "sixnines.durable.checkpoint")
    /// Bytes of rows committed since the last checkpoint was requested (an estimate of the WAL's growth).
    private var bytesSinceCheckpoint = 0
    private static let checkpointEvery = 1 << 20

    private enum Kind: Int64 {
        case addAsset = 1, setEnabled = 2, registerUser = 3, deposit = 4, place = 5, lock = 6, settle = 7, setTier = 8
    }

    /// Opens (or creates) the store at `path` and replays it.
    public init(path: String, configuration: EngineConfiguration = EngineConfiguration()) throws(DurableError) {
        self.configuration = configuration
        var config = Configuration()
        config.busyMode = .timeout(10)  // the batch writer daemon commits to the same file (docs: BatchWriter)
        config.journalMode = .wal
        config.prepareDatabase { db in
            try DurableSQLite.setPages(db, checkpointEvery: 256 << 20)  // 65,536 pages of 4 KiB, as before
        }
        do {
            database = try DatabaseQueue(path: path, configuration: config)
            try database.requireDurableCommits()  // GRDB's WAL set-up leaves the writer at NORMAL
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS commands(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, asset TEXT,
                      user INTEGER, direction INTEGER, amount INTEGER, time INTEGER, price INTEGER, client_key BLOB,
                      prediction_id BLOB, salt BLOB, address BLOB, flag INTEGER);
                    CREATE UNIQUE INDEX IF NOT EXISTS one_settlement_per_round ON commands(asset, time) WHERE kind = 7;
                    CREATE UNIQUE INDEX IF NOT EXISTS one_lock_per_round ON commands(asset, time) WHERE kind = 6;
                    CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, leaf BLOB NOT NULL,
                      receipt BLOB NOT NULL);
                    """)
            }
            var checkpointConfig = Configuration()
            checkpointConfig.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointConfig)
        } catch {
            throw .store("\(error)")
        }
        engine = PredictionEngine(configuration: configuration)
        try replay()
    }

    deinit {
        // Let a running checkpoint finish before the connections close.
        checkpointQueue.sync {}
    }

    /// Requests a background PASSIVE checkpoint once enough was committed since the last one.
    private func noteCommitted(bytes: Int) {
        bytesSinceCheckpoint += bytes
        guard bytesSinceCheckpoint >= Self.checkpointEvery else { return }
        bytesSinceCheckpoint = 0
        let connection = checkpointer
        checkpointQueue.async {
            // A failed or partial passive checkpoint is harmless: the next one (or SQLite's backstop) resumes it.
            try? connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        }
    }

    /// Number of receipts in the durable outbox.
    public func outboxCount() throws(DurableError) -> Int {
        do { return try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 } } catch {
            throw .store("\(error)")
        }
    }

    /// The durable outbox's leaves, in emission order.
    public func outboxLeaves() throws(DurableError) -> [Bytes32] {
        do {
            return try database.read { db in
                try Data.fetchAll(db, sql: "SELECT leaf FROM outbox ORDER BY seq").map { try Bytes32($0) }
            }
        } catch {
            throw .store("\(error)")
        }
    }

    // MARK: Commands

    /// Registers an asset (durably).
    public func addAsset(_ id: AssetID, enabled: Bool = true) throws(DurableError) {
        do { try engine.addAsset(id, enabled: enabled) } catch { throw .configuration(error) }
        try commit([[ "kind": Kind.addAsset.rawValue, "asset": id.symbol, "flag": enabled ? 1 : 0 ]])
    }

    /// Enables or disables an asset (durably).
    public func setEnabled(_ enabled: Bool, asset id: AssetID) throws(DurableError) {
        do { try engine.setEnabled(enabled, asset: id) } catch { throw .configuration(error) }
        try commit([[ "kind": Kind.setEnabled.rawValue, "asset": id.symbol, "flag": enabled ? 1 : 0 ]])
    }

    /// Sets the current price used as entry price (transient: entry prices are stored with each placement).
    public func setCurrentPrice(_ price: UInt64?, asset id: AssetID) throws(DurableError) {
        do { try engine.setCurrentPrice(price, asset: id) } catch { throw .configuration(error) }
    }

    /// Registers a user (durably).
    public func registerUser(address: Address, tier: VIPTier = .standard) throws(DurableError) -> UserID {
        let user = engine.registerUser(address: address, tier: tier)
        try commit([[ "kind": Kind.registerUser.rawValue, "address": Data(address.bytes), "flag": Int64(tier.rawValue) ]])
        return user
    }

    /// Changes a user's VIP tier (durably), e.g. when a VIP pass changes hands on chain.
    public func setTier(_ tier: VIPTier, of user: UserID) throws(DurableError) {
        do { try engine.setTier(tier, of: user) } catch { throw .ledger(error) }
        try commit([[ "kind": Kind.setTier.rawValue, "user": Int64(user.raw), "flag": Int64(tier.rawValue) ]])
    }

    /// Faucet deposit (durably).
    public func deposit(_ amount: UInt64, to user: UserID) throws(DurableError) {
        do { try engine.deposit(amount, to: user) } catch { throw .ledger(error) }
        try commit([[ "kind": Kind.deposit.rawValue, "user": Int64(user.raw), "amount": Int64(amount) ]])
    }

    /// Places one prediction; returns after its commit.
    public func place(_ request: PlacementRequest, at now: UInt64) throws(DurableError) -> Result<Placement, PlacementError> {
        try place(batch: [(request, now)])[0]
    }

    /// Group commit: places every request in order (the engine's batched placement: commitments and leaves
    /// hashed four at a time), then commits all accepted ones (and their placement receipts) in one
    /// transaction, then returns; nothing is acknowledged before the commit.
    public func place(batch: [(PlacementRequest, UInt64)]) throws(DurableError) -> [Result<Placement, PlacementError>] {
        let results = engine.place(contentsOf: batch)
        var accepted: [Prediction] = []
        accepted.reserveCapacity(batch.count)
        for case .success(let placement) in results where !placement.replayed { accepted.append(placement.prediction) }
        if !accepted.isEmpty { try commitPlacements(accepted) }
        return results
    }

    /// Records the lock price (durably).
    public func lock(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws(DurableError) {
        do { try engine.lock(asset: id, settlesAt: settlesAt, price: price) } catch { throw .settlement(error) }
        try commit([[ "kind": Kind.lock.rawValue, "asset": id.symbol, "time": Int64(settlesAt),
                      "price": price.map { Int64(bitPattern: $0) } ]])
    }

    /// Settles a round; its settlement receipts are in the outbox table when this returns.
    public func settle(asset id: AssetID, settlesAt: UInt64, price: UInt64?) throws(DurableError) -> RoundReport {
        let report: RoundReport
        do { report = try engine.settle(asset: id, settlesAt: settlesAt, price: price) } catch { throw .settlement(error) }
        try commit([[ "kind": Kind.settle.rawValue, "asset": id.symbol, "time": Int64(settlesAt),
                      "price": price.map { Int64(bitPattern: $0) } ]])
        return report
    }

    // MARK: Store

    private static func data(_ key: UInt128) -> Data {
        withUnsafeBytes(of: key.bigEndian) { Data($0) }
    }

    private static let columns = ["kind", "asset", "user", "direction", "amount", "time", "price", "client_key",
                                  "prediction_id", "salt", "address", "flag"]

    private static let placeSQL = """
        INSERT INTO commands(kind, asset, user, direction, amount, time, price, client_key, prediction_id, salt)
        VALUES (\(Kind.place.rawValue), ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let outboxSQL = "INSERT INTO outbox(kind, leaf, receipt) VALUES (?, ?, ?)"

    /// The placement path of `commit`: the same rows as `commit` would write (one `place` command per accepted
    /// prediction, then the pending receipts into `outbox`), bound straight from the values into two prepared
    /// statements, without per-row dictionaries, argument arrays or `Data` copies. One transaction; on failure
    /// the engine is reloaded from the store and the error thrown.
    private func commitPlacements(_ predictions: [Prediction]) throws(DurableError) {
        let receipts = engine.outbox.drain(max: .max)
        do {
            try database.write { db in
                let insert = try db.cachedStatement(sql: Self.placeSQL).sqliteStatement
                let outbox = try db.cachedStatement(sql: Self.outboxSQL).sqliteStatement
                let connection = db.sqliteConnection
                // GRDB leaves a statement it executed un-reset (it resets before its next use), and the outbox
                // statement is shared with `commit`: binding a stepped statement fails, so reset first.
                sqlite3_reset(insert)
                sqlite3_reset(outbox)
                // Blobs and text are bound SQLITE_STATIC (nil destructor): they live until the step and reset below.
                func step(_ statement: SQLiteStatement) throws {
                    let code = sqlite3_step(statement)
                    sqlite3_reset(statement)
                    sqlite3_clear_bindings(statement)
                    guard code == SQLITE_DONE else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) })
                    }
                }
                for p in predictions {
                    let key = (p.clientKey ?? 0).bigEndian
                    try p.asset.word.withUnsafeBytes { asset in
                        try p.id.withUnsafeBytes { id in
                            try p.salt.withUnsafeBytes { salt in
                                try withUnsafeBytes(of: key) { keyBytes in
                                    // The asset column holds the symbol: the word's bytes up to the first zero.
                                    let symbolLength = asset.firstIndex(of: 0) ?? 32
                                    sqlite3_bind_text(insert, 1, asset.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                      Int32(symbolLength), nil)
                                    sqlite3_bind_int64(insert, 2, Int64(p.user.raw))
                                    sqlite3_bind_int64(insert, 3, Int64(p.direction.rawValue))
                                    sqlite3_bind_int64(insert, 4, Int64(p.stake))
                                    sqlite3_bind_int64(insert, 5, Int64(p.placedAt))
                                    sqlite3_bind_int64(insert, 6, Int64(bitPattern: p.entryPrice))
                                    if p.clientKey != nil { sqlite3_bind_blob(insert, 7, keyBytes.baseAddress, 16, nil) }
                                    sqlite3_bind_blob(insert, 8, id.baseAddress, 32, nil)
                                    sqlite3_bind_blob(insert, 9, salt.baseAddress, 32, nil)
                                    try step(insert)
                                }
                            }
                        }
                    }
                }
                try withUnsafeTemporaryAllocation(byteCount: Receipt.encodedSize, alignment: 8) { buffer in
                    for entry in receipts {
                        entry.receipt.encode(into: buffer)
                        try entry.leaf.withUnsafeBytes { leaf in
                            sqlite3_bind_int64(outbox, 1, Int64(entry.receipt.kind.rawValue))
                            sqlite3_bind_blob(outbox, 2, leaf.baseAddress, 32, nil)
                            sqlite3_bind_blob(outbox, 3, buffer.baseAddress, Int32(Receipt.encodedSize), nil)
                            try step(outbox)
                        }
                    }
                }
            }
        } catch {
            engine = PredictionEngine(configuration: configuration)
            try? replay()
            throw .store("\(error)")
        }
        noteCommitted(bytes: predictions.count * 160 + receipts.count * (Receipt.encodedSize + 64))
    }

    /// Writes `rows` and the engine's pending receipts in one transaction; on failure reloads the engine from
    /// the store (so memory never runs ahead of what is durable) and throws.
    private func commit(_ rows: [[String: (any DatabaseValueConvertible)?]]) throws(DurableError) {
        let receipts = engine.outbox.drain(max: .max)
        do {
            try database.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO commands(\(Self.columns.joined(separator: ","))) VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ",")))
                    """)
                for row in rows {
                    let values: [(any DatabaseValueConvertible)?] = Self.columns.map { column in row[column] ?? nil }
                    try insert.execute(arguments: StatementArguments(values))
                }
                let outbox = try db.cachedStatement(sql: "INSERT INTO outbox(kind, leaf, receipt) VALUES (?, ?, ?)")
                for entry in receipts {
                    try outbox.execute(arguments: [Int64(entry.receipt.kind.rawValue), Data(entry.leaf.bytes),
                                                   Data(entry.receipt.abiEncoded)])
                }
            }
        } catch {
            engine = PredictionEngine(configuration: configuration)
            try? replay()
            throw .store("\(error)")
        }
        noteCommitted(bytes: rows.count * 160 + receipts.count * (Receipt.encodedSize + 64))
    }

    /// Rebuilds the engine from the command log.
    private func replay() throws(DurableError) {
        var fresh = PredictionEngine(configuration: configuration)
        do {
            try database.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM commands ORDER BY seq")
                while let row = try rows.next() { try Self.apply(row, to: &fresh) }
            }
        } catch let error as DurableError {
            throw error
        } catch {
            throw .store("\(error)")
        }
        _ = fresh.outbox.drain(max: .max)
        engine = fresh
    }

    private static func apply(_ row: Row, to engine: inout PredictionEngine) throws {
        let seq: Int64 = row["seq"]
        func asset() throws -> AssetID {
            let symbol: String = row["asset"]
            return try AssetID(symbol: symbol)
        }
        func price() -> UInt64? { (row["price"] as Int64?).map { UInt64(bitPattern: $0) } }
        func word(_ column: String) throws -> Bytes32? { try (row[column] as Data?).map { try Bytes32($0) } }
        guard let kind = Kind(rawValue: row["kind"]) else { throw DurableError.corrupt("command \(seq): unknown kind") }
        do {
            switch kind {
            case .addAsset: try engine.addAsset(try asset(), enabled: (row["flag"] as Int64) != 0)
            case .setEnabled: try engine.setEnabled((row["flag"] as Int64) != 0, asset: try asset())
            case .registerUser:
                let address = try Address(row["address"] as Data)
                guard let tier = VIPTier(rawValue: UInt8(row["flag"] as Int64)) else { throw DurableError.corrupt("command \(seq): tier") }
                _ = engine.registerUser(address: address, tier: tier)
            case .setTier:
                guard let tier = VIPTier(rawValue: UInt8(row["flag"] as Int64)) else { throw DurableError.corrupt("command \(seq): tier") }
                try engine.setTier(tier, of: UserID(raw: UInt32(row["user"] as Int64)))
            case .deposit: try engine.deposit(UInt64(row["amount"] as Int64), to: UserID(raw: UInt32(row["user"] as Int64)))
            case .place:
                let id = try asset()
                guard let direction = Receipt.Direction(rawValue: UInt8(row["direction"] as Int64)) else {
                    throw DurableError.corrupt("command \(seq): direction")
                }
                let key = (row["client_key"] as Data?).map { $0.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
                try engine.setCurrentPrice(price(), asset: id)
                let request = PlacementRequest(user: UserID(raw: UInt32(row["user"] as Int64)), asset: id, direction: direction,
                                               stake: UInt64(row["amount"] as Int64), clientKey: key,
                                               predictionID: try word("prediction_id"), salt: try word("salt"))
                _ = try engine.place(request, at: UInt64(row["time"] as Int64))
            case .lock: try engine.lock(asset: try asset(), settlesAt: UInt64(row["time"] as Int64), price: price())
            case .settle: _ = try engine.settle(asset: try asset(), settlesAt: UInt64(row["time"] as Int64), price: price())
            }
        } catch let error as DurableError {
            throw error
        } catch {
            throw DurableError.corrupt("command \(seq) (\(kind)): \(error)")
        }
    }
}

extension DurableEngine: PredictionCommands {}
