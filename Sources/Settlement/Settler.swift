import EVM
import PredictionCore
import Receipts

/// The oracle as the settler reads it: the chain's clock and `price(asset, mark)`. ``OracleClient`` is the real one.
public protocol SettlementPriceFeed: Sendable {
    /// The chain's time (the latest block's timestamp).
    func chainTime() async throws(OracleError) -> UInt64
    /// `price(asset, mark)` and its status.
    func price(asset: AssetID, mark: UInt64) async throws(OracleError) -> OraclePrice
}

extension OracleClient: SettlementPriceFeed {}

/// The settler's settings.
public struct SettlementPolicy: Sendable, Equatable {
    /// The default void deadline, seconds after the mark: 24 hours (docs/PROTOCOL.md §2). The oracle's default windows
    /// (120 s of reports, then 600 s of dispute after finalisation) take 12 minutes; the rest of the day is the
    /// resolver's allowance to gather its multisig on a disputed round, or on one without a median (resolvable once
    /// its report and dispute windows have passed), while stakes still come back the same day when no price ever comes.
    public static let defaultVoidAfter: UInt64 = 86_400

    /// Seconds after its mark at which a round without a FINAL or RESOLVED price is voided and refunded.
    public let voidAfter: UInt64

    /// A policy voiding rounds `voidAfter` seconds after their mark (at least 1 s).
    public init(voidAfter: UInt64 = SettlementPolicy.defaultVoidAfter) throws(SettlerError) {
        guard voidAfter > 0 else { throw .invalidVoidAfter(voidAfter, minimum: 1) }
        self.voidAfter = voidAfter
    }

    /// A policy for an oracle with these windows: `voidAfter` must exceed `reportWindow + disputeWindow`, else a round
    /// could be voided while its price is still on the way to FINAL in the normal flow.
    public init(voidAfter: UInt64, reportWindow: UInt64, disputeWindow: UInt64) throws(SettlerError) {
        let minimum = reportWindow &+ disputeWindow &+ 1
        guard voidAfter >= minimum else { throw .invalidVoidAfter(voidAfter, minimum: minimum) }
        self.voidAfter = voidAfter
    }

    /// The void deadline of the round settling at `mark`.
    public func voidDeadline(of mark: UInt64) -> UInt64 { mark &+ voidAfter }
}

/// Why the settler stopped.
public enum SettlerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A void deadline that is too short.
    case invalidVoidAfter(UInt64, minimum: UInt64)
    /// Reading the oracle failed (nothing was settled for that round).
    case oracle(OracleError)
    /// The engine refused or failed to settle (its store failed: nothing was acknowledged).
    case engine(asset: String, mark: UInt64, detail: String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidVoidAfter(let v, let minimum):
            return "void deadline of \(v) s after the mark is too short: at least \(minimum) s (the oracle's report and dispute windows)"
        case .oracle(let e): return "\(e)"
        case .engine(let asset, let mark, let detail): return "settling \(asset) \(mark): \(detail)"
        }
    }
}

/// What the settler did with one round in one pass.
public enum SettlementDecision: Sendable, Equatable {
    /// Settled on the oracle's FINAL or RESOLVED price (that exact price is in the settlement receipts).
    case settled(RoundReport)
    /// No FINAL or RESOLVED price by the void deadline: voided and refunded (`settlementPrice` 0 in the receipts).
    case voided(RoundReport)
    /// Waiting for a price the round may settle on (the oracle's status now), until the void deadline.
    case waiting(voidAt: UInt64)
    /// The round's lock price is not recorded yet; it waits (until the void deadline) for the core to lock it.
    case waitingForLock(voidAt: UInt64)
    /// Settled meanwhile by another settler of the same store (nothing was done twice).
    case alreadySettled
}

/// One round of a settlement pass: the round, what the oracle said, and what was done.
public struct RoundSettlement: Sendable, Equatable {
    /// The round.
    public let round: UnsettledRound
    /// The oracle's price and status for its mark when it was read.
    public let oracle: OraclePrice
    /// The decision.
    public let decision: SettlementDecision
}

/// Settles a prediction engine's rounds on the oracle's price (docs/PROTOCOL.md §10 item 6).
///
/// Each pass reads the chain's time and, for every round with unsettled predictions whose mark has passed, the
/// oracle's `price(asset, mark)`: on status FINAL (2) or RESOLVED (4) the round is settled with exactly that price;
/// on MISSING, PROVISIONAL or DISPUTED it waits. A round still without such a price at its void deadline
/// (``SettlementPolicy``) is settled with no price: voided, every stake refunded, receipts with outcome void and
/// settlement price 0. A price the round may settle on wins whenever the settler sees it, also after the deadline
/// (the deadline only ends the wait of a locked round). Settling is one durable command of the engine (the durable engine commits it
/// with its receipts before returning and refuses a second settlement of a round), so a pass re-run after a crash
/// settles nothing twice.
public struct Settler: Sendable {
    /// The oracle.
    public let feed: any SettlementPriceFeed
    /// The void deadline.
    public let policy: SettlementPolicy
    /// The first prediction that may be unsettled (a cursor: settled predictions before it are not scanned again).
    public private(set) var scanFrom = 0

    /// A settler reading `feed`, voiding by `policy`.
    public init(feed: any SettlementPriceFeed, policy: SettlementPolicy) {
        self.feed = feed
        self.policy = policy
    }

    /// One pass at the chain's time. Rounds are handled in mark order; an oracle failure stops the pass (the rounds
    /// settled before it stay settled; a later pass resumes).
    public mutating func pass<Engine: PredictionCommands>(_ engine: inout Engine) async throws(SettlerError) -> [RoundSettlement] {
        let now: UInt64
        do { now = try await feed.chainTime() } catch { throw .oracle(error) }
        return try await pass(&engine, now: now)
    }

    /// One pass at time `now` (chain time).
    public mutating func pass<Engine: PredictionCommands>(_ engine: inout Engine, now: UInt64) async throws(SettlerError) -> [RoundSettlement] {
        let (rounds, first) = engine.engine.unsettledRounds(through: now, from: scanFrom)
        scanFrom = first
        var done: [RoundSettlement] = []
        for round in rounds {
            let price: OraclePrice
            do { price = try await feed.price(asset: round.asset, mark: round.settlesAt) } catch { throw .oracle(error) }
            let deadline = policy.voidDeadline(of: round.settlesAt)
            let settleable = round.isLocked && price.status.allowsSettlement ? price.corePrice : nil
            let decision: SettlementDecision
            if let settleable {
                decision = try settle(&engine, round, price: settleable).map(SettlementDecision.settled) ?? .alreadySettled
            } else if now >= deadline {
                // No price it may settle on (or never locked) by the deadline: void, settlement price 0 (PROTOCOL §2).
                decision = try settle(&engine, round, price: nil).map(SettlementDecision.voided) ?? .alreadySettled
            } else {
                decision = round.isLocked ? .waiting(voidAt: deadline) : .waitingForLock(voidAt: deadline)
            }
            done.append(RoundSettlement(round: round, oracle: price, decision: decision))
        }
        return done
    }

    /// Settles one round; `nil` when another settler of the same store settled it first.
    private func settle<Engine: PredictionCommands>(_ engine: inout Engine, _ round: UnsettledRound,
                                                    price: UInt64?) throws(SettlerError) -> RoundReport? {
        do {
            return try engine.settle(asset: round.asset, settlesAt: round.settlesAt, price: price)
        } catch {
            // A durable engine reloads itself from its store when a commit fails: a settlement committed by another
            // process shows up there (the store allows one per round).
            if engine.engine.report(asset: round.asset, settlesAt: round.settlesAt) != nil { return nil }
            throw .engine(asset: round.asset.symbol, mark: round.settlesAt, detail: "\(error)")
        }
    }
}
