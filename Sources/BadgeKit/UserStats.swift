import EVM
import PredictionCore
import Receipts

/// Seasons: consecutive periods of `length` seconds from `origin`; season `n ≥ 1` holds the predictions whose round
/// settles in `[origin + (n − 1)·length, origin + n·length)`. A season is over once the core has settled a round at
/// or after its end (or at the `asOf` time a caller gives). Default: weeks from Monday 2026-11-23 00:00 UTC.
public struct SeasonCalendar: Sendable, Equatable {
    /// The start of season 1 (unix seconds).
    public let origin: UInt64
    /// The length of a season in seconds (> 0).
    public let length: UInt64

    /// A calendar; refused for a zero length.
    public init(origin: UInt64 = 1_795_392_000, length: UInt64 = 7 * 86_400) throws(BadgeError) {
        guard length > 0 else { throw .invalidSeason("the season length must be positive") }
        self.origin = origin
        self.length = length
    }

    /// The season of a round settling at `settlesAt`, or nil before season 1 (or past season 2^32 − 1).
    public func season(of settlesAt: UInt64) -> UInt32? {
        guard settlesAt >= origin else { return nil }
        let n = (settlesAt - origin) / length + 1
        return n <= UInt64(UInt32.max) ? UInt32(n) : nil
    }

    /// The end (exclusive) of season `n`, saturating at `UInt64.max`.
    public func end(of n: UInt32) -> UInt64 {
        let (span, o1) = UInt64(n).multipliedReportingOverflow(by: length)
        let (end, o2) = origin.addingReportingOverflow(span)
        return o1 || o2 ? .max : end
    }
}

/// One user's results in one season.
public struct SeasonResult: Sendable, Equatable {
    /// The season number (from 1).
    public let season: UInt32
    /// Won, decided predictions and the longest streak within the season.
    public internal(set) var stats: TokenStats
    /// Payouts minus stakes of the season's decided predictions, in micro-units.
    public internal(set) var net: Int64
}

/// What the badges are decided from, for one user: counts over the user's settled predictions, taken from the
/// prediction core (each prediction's outcome, stake, payout and times, as written in its settlement receipt).
///
/// - `wins`: predictions with outcome `win`; `predictions`: decided ones (`win` or `loss`; refunds — push and void —
///   are neither won nor lost and are not counted); the win rate is `floor(wins × 100 / predictions)`.
/// - Streaks run over decided predictions in settlement order (round time, then placement order); a refund neither
///   extends nor breaks a streak.
/// - An **exact $420.69 win** (or $69.69) is a win whose stake or payout is exactly 420.69 USDC = `420_690_000`
///   micro-units (`69_690_000`); PROTOCOL §8 leaves "exact" to the minter, this is our reading.
/// - A **perfect-timing** placement was accepted less than 5 s before its round's cutoff (`cutoff − placedAt < 5`).
/// - `founderRank` is the registration order from 1 for the first 1,000 users (nil after).
public struct UserStats: Sendable, Equatable {
    /// The user in the core.
    public let user: UserID
    /// The address badges are minted to.
    public let address: Address
    /// Won predictions.
    public internal(set) var wins: UInt64 = 0
    /// Decided predictions (won or lost).
    public internal(set) var predictions: UInt64 = 0
    /// Refunded predictions (push or void).
    public internal(set) var refunds: UInt64 = 0
    /// The longest run of consecutive wins.
    public internal(set) var longestStreak: UInt64 = 0
    /// The run of wins going on now.
    public internal(set) var currentStreak: UInt64 = 0
    /// Wins with a stake or payout of exactly $420.69.
    public internal(set) var exactWins420: UInt64 = 0
    /// Wins with a stake or payout of exactly $69.69.
    public internal(set) var exactWins69: UInt64 = 0
    /// Stats at the first exact $420.69 win (frozen on that collectible), and its settlement order key.
    public internal(set) var first420: (stats: TokenStats, order: SettlementOrder)?
    /// Stats at the first exact $69.69 win, and its settlement order key.
    public internal(set) var first69: (stats: TokenStats, order: SettlementOrder)?
    /// Placements accepted less than 5 s before the cutoff.
    public internal(set) var perfectTimings: UInt64 = 0
    /// Results per season, by season number.
    public internal(set) var seasons: [UInt32: SeasonResult] = [:]
    /// 1…1,000 for the first 1,000 users, else nil.
    public var founderRank: UInt32? { user.raw < BadgeStatistics.founderCount ? user.raw + 1 : nil }

    /// A user with no settled prediction yet.
    public init(user: UserID, address: Address) {
        self.user = user
        self.address = address
    }

    /// `floor(wins × 100 / predictions)`, 0 without predictions.
    public var winRate: UInt64 { predictions == 0 ? 0 : wins * 100 / predictions }

    /// The lifetime stats as a token shows them (saturating at `UInt32.max`).
    public var tokenStats: TokenStats {
        TokenStats(wins: UInt32(clamping: wins), predictions: UInt32(clamping: predictions), bestStreak: UInt32(clamping: longestStreak))
    }

    /// Equal when every count is equal (the frozen collectible stats and their keys included).
    public static func == (a: UserStats, b: UserStats) -> Bool {
        a.user == b.user && a.address == b.address && a.wins == b.wins && a.predictions == b.predictions && a.refunds == b.refunds
            && a.longestStreak == b.longestStreak && a.currentStreak == b.currentStreak && a.exactWins420 == b.exactWins420
            && a.exactWins69 == b.exactWins69 && a.first420?.stats == b.first420?.stats && a.first420?.order == b.first420?.order
            && a.first69?.stats == b.first69?.stats && a.first69?.order == b.first69?.order
            && a.perfectTimings == b.perfectTimings && a.seasons == b.seasons
    }
}

/// Where a prediction stands in settlement order: its round's time, then its placement number. Earlier earners of a
/// capped collectible come first.
public struct SettlementOrder: Sendable, Hashable, Comparable {
    /// The round's settlement time.
    public let settlesAt: UInt64
    /// The prediction's number in the core.
    public let number: UInt32
    /// Orders by time, then number.
    public static func < (a: SettlementOrder, b: SettlementOrder) -> Bool { (a.settlesAt, a.number) < (b.settlesAt, b.number) }
}
