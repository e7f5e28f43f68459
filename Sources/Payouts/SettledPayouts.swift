import EVM
import Foundation
import PredictionCore
import PredictionStore
import Receipts

/// A round id: `ASSET@SETTLES_AT`, the asset symbol and the unix second of the round's :X9 mark, e.g.
/// `BTC-USD@1795612140` (docs/PAYOUTS.md).
public struct RoundID: Hashable, Sendable, CustomStringConvertible {
    /// The asset.
    public let asset: AssetID
    /// The mark.
    public let settlesAt: UInt64

    /// A round id from its parts.
    public init(asset: AssetID, settlesAt: UInt64) {
        self.asset = asset
        self.settlesAt = settlesAt
    }

    /// Parses `ASSET@SETTLES_AT`; the time must be a settlement mark (`t % 600 == 540`).
    public init(_ text: String) throws(PayoutError) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { throw .badRoundID(text, reason: "no single @") }
        guard let time = UInt64(parts[1]) else { throw .badRoundID(text, reason: "the time is not unix seconds") }
        guard SettlementSchedule.isSettlementTime(time) else { throw .badRoundID(text, reason: "\(time) is not a settlement mark (:09, :19, … :59)") }
        do { asset = try AssetID(symbol: String(parts[0])) } catch { throw .badRoundID(text, reason: "\(error)") }
        settlesAt = time
    }

    /// `ASSET@SETTLES_AT`.
    public var description: String { "\(asset.symbol)@\(settlesAt)" }
}

/// A settled prediction that is owed money: a win, push or void with a payout above zero, with its settlement
/// receipt (whose leaf entitles the payout on chain) and the user's address.
public struct SettledPayout: Hashable, Sendable {
    /// The round.
    public var round: RoundID
    /// The prediction.
    public var predictionId: Bytes32
    /// Who is paid (the user's registered address).
    public var recipient: Address
    /// The outcome (`win`, `push` or `void`).
    public var outcome: Receipt.Outcome
    /// The payout in the core's micro-units (1 USDC = 1,000,000).
    public var micro: UInt64
    /// The settlement receipt.
    public var receipt: Receipt

    /// A payout owed from its parts.
    public init(round: RoundID, predictionId: Bytes32, recipient: Address, outcome: Receipt.Outcome, micro: UInt64, receipt: Receipt) {
        self.round = round
        self.predictionId = predictionId
        self.recipient = recipient
        self.outcome = outcome
        self.micro = micro
        self.receipt = receipt
    }

    /// The receipt's leaf (the vault's `receipt` field).
    public var leaf: Bytes32 { receipt.leaf }
}

extension Receipt.Outcome {
    /// `pending`, `win`, `loss`, `push` or `void`.
    public var name: String {
        switch self {
        case .pending: return "pending"
        case .win: return "win"
        case .loss: return "loss"
        case .push: return "push"
        case .void: return "void"
        }
    }
}

/// Reads what the prediction core owes from its durable store.
public enum SettledPayouts {
    /// Which rounds to read.
    public enum Selection: Sendable {
        /// These rounds (each must be settled).
        case rounds([RoundID])
        /// Every settled round whose mark is at or after this unix second.
        case since(UInt64)
    }

    /// The payouts owed in the selected settled rounds of the store at `path`, in placement order, each with the
    /// settlement receipt the store emitted (read from its outbox: the exact receipt, with the price it was settled
    /// on), checked against the engine's outcome and payout.
    public static func read(store path: String, selection: Selection) throws(PayoutError) -> [SettledPayout] {
        guard FileManager.default.fileExists(atPath: path) else { throw .store("\(path): no such file") }
        let durable: DurableEngine
        let emitted: [Bytes32: Receipt]
        do {
            durable = try DurableEngine(path: path)
            emitted = try SettlementReceipts.read(path: path)
        } catch { throw .store("\(path): \(error)") }
        return try read(engine: durable.engine, selection: selection, receipts: emitted)
    }

    /// The payouts owed in the selected settled rounds of `engine`. `receipts` are the settlement receipts the store
    /// emitted, by prediction id (nil: rebuilt from the engine's state, for an engine without a store); each must
    /// exist and agree with the engine on outcome and payout.
    public static func read(engine: PredictionEngine, selection: Selection, receipts: [Bytes32: Receipt]? = nil) throws(PayoutError) -> [SettledPayout] {
        var wanted: Set<RoundID>? = nil
        var since: UInt64 = 0
        switch selection {
        case .rounds(let ids):
            for id in ids where engine.report(asset: id.asset, settlesAt: id.settlesAt) == nil {
                throw .badRoundID(id.description, reason: "no settled round \(id) in the store")
            }
            wanted = Set(ids)
        case .since(let t): since = t
        }
        var out: [SettledPayout] = []
        for p in engine.predictions where p.payout > 0 && p.settlesAt >= since {
            guard p.outcome == .win || p.outcome == .push || p.outcome == .void else { continue }
            let round = RoundID(asset: p.asset, settlesAt: p.settlesAt)
            if let wanted, !wanted.contains(round) { continue }
            guard let report = engine.report(asset: p.asset, settlesAt: p.settlesAt) else { continue }
            guard let recipient = engine.address(of: p.user) else { throw .store("prediction \(p.id): unknown user \(p.user)") }
            let receipt: Receipt
            if let receipts {
                guard let stored = receipts[p.id] else {
                    throw .store("prediction \(p.id) (round \(round)) is settled but its settlement receipt is not in the store's outbox")
                }
                guard stored.outcome == p.outcome, stored.payout == UInt128(p.payout), stored.settlesAt == p.settlesAt else {
                    throw .store("the settlement receipt of prediction \(p.id) (round \(round)) says \(stored.outcome.name) \(stored.payout), the ledger \(p.outcome.name) \(p.payout)")
                }
                receipt = stored
            } else {
                receipt = Receipt(kind: .settlement, predictionId: p.id, userCommitment: p.userCommitment, asset: p.asset,
                                  direction: p.direction, stake: UInt128(p.stake), placedAt: p.placedAt, settlesAt: p.settlesAt,
                                  entryPrice: UInt128(report.lockPrice ?? 0), settlementPrice: UInt128(report.settlementPrice ?? 0),
                                  outcome: p.outcome, payout: UInt128(p.payout))
            }
            out.append(SettledPayout(round: round, predictionId: p.id, recipient: recipient, outcome: p.outcome, micro: p.payout,
                                     receipt: receipt))
        }
        return out
    }
}
