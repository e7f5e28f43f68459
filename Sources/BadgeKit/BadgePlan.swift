import EVM
import PredictionCore

/// What a sync would do: the difference between the badges users have earned (`BadgeStatistics`) and what the
/// contract holds (`BadgeChainState`).
public struct BadgePlan: Sendable {
    /// A badge to mint.
    public struct Mint: Sendable, Hashable {
        /// The earner in the core.
        public let user: UserID
        /// The receiver.
        public let address: Address
        /// The class.
        public let badgeClass: BadgeClass
        /// The season (champions only; else 0).
        public let season: UInt32
        /// The stats to set once it is minted (`.zero`: none).
        public let stats: TokenStats
    }

    /// Stats to set on a minted token.
    public struct Update: Sendable, Hashable {
        /// The token.
        public let tokenID: UInt256
        /// Its class.
        public let badgeClass: BadgeClass
        /// Its holder.
        public let address: Address
        /// The stats on chain now.
        public let from: TokenStats
        /// The stats to set.
        public let to: TokenStats
        /// Whether the level changes (bronze → silver → gold → diamond).
        public var levelChanges: Bool { from.level != to.level }
    }

    /// An earner left without a badge because its class (or the season) is full.
    public struct CapReached: Sendable, Hashable {
        /// The earner in the core.
        public let user: UserID
        /// The earner's address.
        public let address: Address
        /// The class.
        public let badgeClass: BadgeClass
        /// The season (champions only; else 0).
        public let season: UInt32
        /// Why: the class's supply cap, or the season's champion minted to someone else.
        public let reason: String
    }

    /// Badges to mint, founders first (in founder order), then by class and earning order.
    public internal(set) var mints: [Mint] = []
    /// Stats to set on tokens already minted.
    public internal(set) var updates: [Update] = []
    /// Earners told that the class is full (not an error).
    public internal(set) var capReached: [CapReached] = []
    /// Earned badges that are already on chain as they should be.
    public internal(set) var upToDate = 0

    /// Whether a sync would send nothing.
    public var isEmpty: Bool { mints.isEmpty && updates.isEmpty }

    /// The transactions a sync sends: each mint, each non-zero stats of a new token, each update.
    public var transactionCount: Int { mints.count + mints.filter { $0.stats != .zero }.count + updates.count }
}

/// Decides who earns what and diffs it against the chain.
///
/// Rules (PROTOCOL §8 leaves eligibility to the minter): First Win at 1 win, 100 Wins at 100, Hot Streak at a streak of
/// 10, Legendary at 1,000 wins; $420.69 and $69.69 Win at the first exact win (`UserStats`); Founder for the first 1,000
/// users; Season Champion for each season that is over (`BadgeStatistics.champions`). One badge per class and user. Users
/// sharing an address count once (the first registered); the zero address gets nothing.
///
/// Stats on tokens: soulbound achievements show the holder's lifetime stats and are updated as they change (their level
/// follows the wins); collectibles are tradeable, so their stats are frozen at the moment they were earned ($420.69 /
/// $69.69: the stats right after that win; champion: the season's stats; founder: none) and set once.
public enum BadgePlanner {
    /// The plan for `statistics` against `chain`; seasons are over at `asOf` (default: the core's latest settlement).
    public static func plan(_ statistics: BadgeStatistics, chain: BadgeChainState, asOf: UInt64? = nil) -> BadgePlan {
        var plan = BadgePlan()
        var seen = Set<Address>()
        var candidates: [BadgeClass: [(order: SettlementOrder, mint: BadgePlan.Mint)]] = [:]
        let zero = Address(lastBytesOf: .zero)
        for user in statistics.users {
            guard user.address != zero, seen.insert(user.address).inserted else { continue }
            let lifetime = user.tokenStats
            var earned: [(BadgeClass, TokenStats)] = []
            if user.wins >= 1 { earned.append((.firstWin, lifetime)) }
            if user.wins >= 100 { earned.append((.wins100, lifetime)) }
            if user.longestStreak >= 10 { earned.append((.hotStreak, lifetime)) }
            if user.wins >= 1_000 { earned.append((.legendary, lifetime)) }
            for (c, stats) in earned {
                if let token = chain.minted(c, to: user.address).first {
                    if token.stats != stats {
                        plan.updates.append(.init(tokenID: token.tokenID, badgeClass: c, address: user.address, from: token.stats, to: stats))
                    } else {
                        plan.upToDate += 1
                    }
                } else {
                    plan.mints.append(.init(user: user.user, address: user.address, badgeClass: c, season: 0, stats: stats))
                }
            }
            var collectibles: [(BadgeClass, TokenStats, SettlementOrder)] = []
            if let (stats, order) = user.first420 { collectibles.append((.win420, stats, order)) }
            if let (stats, order) = user.first69 { collectibles.append((.win69, stats, order)) }
            if user.founderRank != nil { collectibles.append((.founder, .zero, SettlementOrder(settlesAt: 0, number: user.user.raw))) }
            for (c, stats, order) in collectibles {
                if let token = chain.minted(c, to: user.address).first {
                    setOnce(token, stats, user.address, &plan)
                } else {
                    candidates[c, default: []].append((order, BadgePlan.Mint(user: user.user, address: user.address, badgeClass: c, season: 0, stats: stats)))
                }
            }
        }
        // Capped collectibles: the earliest earners first, as many as the cap leaves.
        var capped: [BadgePlan.Mint] = []
        for c in [BadgeClass.founder, .win420, .win69] {
            let list = (candidates[c] ?? []).sorted { $0.order < $1.order }
            let cap = c.cap ?? .max
            let used = chain.minted[c] ?? 0
            let room = cap > used ? Int(min(cap - used, UInt64(Int.max))) : 0
            for (i, entry) in list.enumerated() {
                if i < room {
                    capped.append(entry.mint)
                } else {
                    plan.capReached.append(.init(user: entry.mint.user, address: entry.mint.address, badgeClass: c, season: 0,
                                                 reason: "supply cap reached: \(used) of \(cap) minted"))
                }
            }
        }
        // Champions: one per season that is over.
        for (season, id) in statistics.champions(asOf: asOf).sorted(by: { $0.key < $1.key }) {
            guard let user = statistics.stats(of: id), let result = user.seasons[season] else { continue }
            let tokenID = BadgeClass.seasonChampion.tokenID(serial: UInt128(season))
            if let token = chain.tokens[tokenID] {
                if token.receiver == user.address {
                    setOnce(token, result.stats, user.address, &plan)
                } else {
                    plan.capReached.append(.init(user: id, address: user.address, badgeClass: .seasonChampion, season: season,
                                                 reason: "season \(season) already has a champion (\(token.receiver.checksummed))"))
                }
            } else {
                capped.append(.init(user: id, address: user.address, badgeClass: .seasonChampion, season: season, stats: result.stats))
            }
        }
        plan.mints = capped + plan.mints.sorted { ($0.badgeClass, $0.user) < ($1.badgeClass, $1.user) }
        return plan
    }

    /// A collectible's frozen stats are set once: when the token still shows none.
    private static func setOnce(_ token: BadgeChainState.Token, _ stats: TokenStats, _ address: Address, _ plan: inout BadgePlan) {
        if token.stats == .zero, stats != .zero {
            plan.updates.append(.init(tokenID: token.tokenID, badgeClass: token.badgeClass, address: address, from: .zero, to: stats))
        } else {
            plan.upToDate += 1
        }
    }
}
