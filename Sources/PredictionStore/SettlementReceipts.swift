import EVM
import Foundation
import GRDB
import Receipts

/// Read access to the settlement receipts the core emitted into its durable `outbox` (the exact receipts, with the
/// prices they were settled on), through a separate connection: for vault payouts, which pay each receipt's leaf.
public enum SettlementReceipts {
    /// The settlement receipts in the store at `path`, by prediction id, with the leaf stored beside each (checked
    /// against the receipt). Rows are read in emission order; reading never writes.
    public static func read(path: String) throws(DurableError) -> [Bytes32: Receipt] {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.readonly = true
        do {
            let database = try DatabaseQueue(path: path, configuration: config)
            return try database.read { db in
                var out: [Bytes32: Receipt] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT seq, leaf, receipt FROM outbox WHERE kind = ? ORDER BY seq",
                                               arguments: [Int64(Receipt.Kind.settlement.rawValue)])
                while let row = try rows.next() {
                    let seq: Int64 = row["seq"]
                    let data: Data = row["receipt"]
                    let receipt: Receipt
                    do { receipt = try Receipt(abiEncoded: data) } catch { throw DurableError.corrupt("outbox row \(seq): \(error)") }
                    let leaf: Data = row["leaf"]
                    guard leaf == Data(receipt.leaf.bytes) else { throw DurableError.corrupt("outbox row \(seq): its leaf does not match its receipt") }
                    out[receipt.predictionId] = receipt
                }
                return out
            }
        } catch let error as DurableError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }
}
