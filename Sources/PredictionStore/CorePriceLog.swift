import EVM
import Foundation
import GRDB
import PredictionCore
import Receipts

/// The prediction core's mark prices as its durable command log (``DurableEngine``) records them: every settle command
/// (kind 7, one per asset and mark, its price or none) — the source of the daily price root (docs/PROTOCOL.md §4, batch
/// kind 3). Read-only; a database without the core's tables has no prices.
public struct CorePriceLog: Sendable {
    /// The core's database.
    let pool: DatabasePool
    /// The command kind of a settlement in the core's log (`DurableEngine`'s `Kind.settle`, the kind of its
    /// `one_settlement_per_round` index).
    static let settleKind: Int64 = 7

    /// Opens the core's SQLite database at `path`.
    public init(path: String) throws(BatchQueueError) {
        var config = Configuration()
        config.busyMode = .timeout(10)
        do { pool = try DatabasePool(path: path, configuration: config) } catch { throw .store("the core's database \(path): \(error)") }
    }

    /// UTC days (`floor(t / 86400)`) before `day` with at least one recorded mark price, ascending.
    public func pricedDays(before day: UInt64) async throws(BatchQueueError) -> [UInt64] {
        let end = Int64(clamping: day) * 86_400
        do {
            return try await pool.read { db in
                guard try db.tableExists("commands") else { return [] }
                return try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT time / 86400 FROM commands WHERE kind = ? AND price IS NOT NULL AND time >= 0 AND time < ? ORDER BY 1
                    """, arguments: [Self.settleKind, end]).map { UInt64($0) }
            }
        } catch { throw .store("the core's prices: \(error)") }
    }

    /// The mark prices of UTC day `day` as a `PriceHistory` (whose `dailyPriceRoot(day:)` is the batch).
    public func history(day: UInt64) async throws(BatchQueueError) -> PriceHistory {
        let start = Int64(clamping: day) * 86_400
        let rows: [(String, Int64, Int64?)]
        do {
            rows = try await pool.read { db in
                guard try db.tableExists("commands") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT asset, time, price FROM commands WHERE kind = ? AND time >= ? AND time < ?",
                                        arguments: [Self.settleKind, start, start + 86_400]).map { ($0["asset"], $0["time"], $0["price"]) }
            }
        } catch { throw .store("the core's prices: \(error)") }
        var history = PriceHistory()
        for (symbol, time, price) in rows {
            let asset: AssetID
            do { asset = try AssetID(symbol: symbol) } catch { throw .corrupt("the core's settle command for \(symbol): \(error)") }
            history.recordMark(asset: asset, settlesAt: UInt64(time), price: price.map { UInt64(bitPattern: $0) })
        }
        return history
    }
}
