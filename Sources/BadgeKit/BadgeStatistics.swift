import EVM
import PredictionCore
import Receipts

/// Errors of the badges backend: what went wrong, where, why.
public enum BadgeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A season calendar that cannot be used.
    case invalidSeason(String)
    /// A renderer input out of range (an unknown class, stats the contract would refuse).
    case invalidInput(String)
    /// The chain answered something that cannot be (a token of an unknown class, a log that does not decode).
    case chain(String)
    /// The journal's database failed.
    case journal(String)
    /// Sending a transaction failed (nothing is lost: the journal holds it and the next run resumes it).
    case send(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .invalidSeason(let why): return "season calendar: \(why)"
        case .invalidInput(let why): return why
        case .chain(let why): return "chain: \(why)"
        case .journal(let why): return "badge journal: \(why)"
        case .send(let why): return "sending: \(why)"
        }
    }
}

/// Every user's `UserStats`, computed from the prediction core's settled predictions (integer arithmetic only).
public struct BadgeStatistics: Sendable {
    /// The founders: the first 1,000 users.
    public static let founderCount: UInt32 = 1_000
    /// The exact stake or payout of a $420.69 win, in micro-units.
    public static let exact420: UInt64 = 420_690_000
    /// The exact stake or payout of a $69.69 win, in micro-units.
    public static let exact69: UInt64 = 69_690_000
    /// A placement this close to its cutoff (strictly less, in seconds) is perfect timing.
    public static let perfectTimingWindow: UInt64 = 5

    /// One entry per registered user, by user number.
    public let users: [UserStats]
    /// The latest settlement time of a settled prediction (the core's clock for seasons), 0 without any.
    public let lastSettlement: UInt64
    /// The season calendar used.
    public let calendar: SeasonCalendar

    /// The stats of `user`, or nil when unknown.
    public func stats(of user: UserID) -> UserStats? { Int(user.raw) < users.count ? users[Int(user.raw)] : nil }

    /// The stats of the user at `address` (the first registered with it), or nil.
    public func stats(of address: Address) -> UserStats? { users.first { $0.address == address } }

    /// Computes the stats of every user of `engine`.
    public init(engine: PredictionEngine, calendar: SeasonCalendar) {
        self.calendar = calendar
        var users: [UserStats] = []
        users.reserveCapacity(engine.userCount)
        for raw in 0..<engine.userCount {
            let id = UserID(raw: UInt32(raw))
            // invariant: every id below userCount is registered, so it has an address
            users.append(UserStats(user: id, address: engine.address(of: id) ?? Address(lastBytesOf: .zero)))
        }
        // The user's settled predictions in settlement order: stable sort of placement order by round time.
        let cutoffSeconds = engine.configuration.schedule.cutoffSeconds
        var settled: [[Settled]] = Array(repeating: [], count: users.count)
        var last: UInt64 = 0
        for p in engine.predictions {
            let cutoff = p.settlesAt - cutoffSeconds
            if p.placedAt < cutoff, cutoff - p.placedAt < Self.perfectTimingWindow, Int(p.user.raw) < users.count {
                users[Int(p.user.raw)].perfectTimings += 1
            }
            guard p.outcome != .pending, Int(p.user.raw) < users.count else { continue }
            settled[Int(p.user.raw)].append(Settled(settlesAt: p.settlesAt, number: p.number, outcome: p.outcome, stake: p.stake, payout: p.payout))
            last = max(last, p.settlesAt)
        }
        for i in users.indices {
            // Placement numbers grow with placement order, so (round time, number) is the settlement order.
            let list = settled[i].sorted { ($0.settlesAt, $0.number) < ($1.settlesAt, $1.number) }
            Self.accumulate(list, into: &users[i], calendar: calendar)
        }
        self.users = users
        lastSettlement = last
    }

    /// What the stats need of a settled prediction (a fraction of `Prediction`'s size).
    struct Settled {
        let settlesAt: UInt64
        let number: UInt32
        let outcome: Receipt.Outcome
        let stake: UInt64
        let payout: UInt64
    }

    private static func accumulate(_ predictions: [Settled], into stats: inout UserStats, calendar: SeasonCalendar) {
        var seasonStreak: [UInt32: UInt64] = [:]
        for p in predictions {
            let season = calendar.season(of: p.settlesAt)
            switch p.outcome {
            case .win:
                stats.wins += 1
                stats.predictions += 1
                stats.currentStreak += 1
                stats.longestStreak = max(stats.longestStreak, stats.currentStreak)
                let order = SettlementOrder(settlesAt: p.settlesAt, number: p.number)
                if p.stake == exact420 || p.payout == exact420 {
                    stats.exactWins420 += 1
                    if stats.first420 == nil { stats.first420 = (stats.tokenStats, order) }
                }
                if p.stake == exact69 || p.payout == exact69 {
                    stats.exactWins69 += 1
                    if stats.first69 == nil { stats.first69 = (stats.tokenStats, order) }
                }
            case .loss:
                stats.predictions += 1
                stats.currentStreak = 0
            default:
                stats.refunds += 1
                continue
            }
            guard let season else { continue }
            var result = stats.seasons[season] ?? SeasonResult(season: season, stats: .zero, net: 0)
            let won = p.outcome == .win
            result.stats.predictions = result.stats.predictions &+ (result.stats.predictions == .max ? 0 : 1)
            var streak = seasonStreak[season] ?? 0
            if won {
                result.stats.wins = result.stats.wins &+ (result.stats.wins == .max ? 0 : 1)
                streak += 1
                result.stats.bestStreak = max(result.stats.bestStreak, UInt32(clamping: streak))
            } else {
                streak = 0
            }
            seasonStreak[season] = streak
            // Stakes and payouts are at most 2^62 each (stake limits), so the difference fits an Int64.
            result.net = result.net.addingReportingOverflow(Int64(clamping: p.payout) - Int64(clamping: p.stake)).partialValue
            stats.seasons[season] = result
        }
    }

    /// The champion of each season that is over at `asOf` (default: the latest settlement in the core): the user with
    /// the most wins in the season, then the highest net result, then the earliest registered. Seasons without a
    /// decided prediction have no champion.
    public func champions(asOf: UInt64? = nil) -> [UInt32: UserID] {
        let now = asOf ?? lastSettlement
        var best: [UInt32: (UserID, SeasonResult)] = [:]
        for user in users {
            for (season, result) in user.seasons where calendar.end(of: season) <= now && result.stats.predictions > 0 {
                if let current = best[season]?.1 {
                    let better = (result.stats.wins, result.net) > (current.stats.wins, current.net)
                    if !better { continue }  // ties keep the earlier registered user (users are visited in order)
                }
                best[season] = (user.user, result)
            }
        }
        return best.mapValues(\.0)
    }
}
