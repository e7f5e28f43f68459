import EVM

/// A badge class of the Badges contract (docs/PROTOCOL.md §8). The raw value is the on-chain class number; a token
/// id is `class << 128 | serial`.
public enum BadgeClass: UInt8, Sendable, CaseIterable, Hashable, Comparable, CustomStringConvertible {
    /// Soulbound: the first win.
    case firstWin = 1
    /// Soulbound: 100 wins.
    case wins100 = 2
    /// Soulbound: a streak of 10 wins or more.
    case hotStreak = 3
    /// Soulbound: 1,000 wins.
    case legendary = 4
    /// Collectible (420 in all): a win of exactly $420.69.
    case win420 = 16
    /// Collectible (6,969 in all): a win of exactly $69.69.
    case win69 = 17
    /// Collectible: the champion of one season (the serial is the season).
    case seasonChampion = 18
    /// Collectible (1,000 in all): one of the first 1,000 users.
    case founder = 19
    /// VIP pass, sold by the contract: no fee on winnings.
    case vipDiamond = 32
    /// VIP pass, sold by the contract: half the fee.
    case vipGold = 33

    /// The exact name written in the card and the metadata.
    public var name: String {
        switch self {
        case .firstWin: return "First Win"
        case .wins100: return "100 Wins"
        case .hotStreak: return "Hot Streak"
        case .legendary: return "Legendary"
        case .win420: return "$420.69 Win"
        case .win69: return "$69.69 Win"
        case .seasonChampion: return "Season Champion"
        case .founder: return "Founder"
        case .vipDiamond: return "VIP Diamond"
        case .vipGold: return "VIP Gold"
        }
    }

    /// A short command-line name: `first-win`, `wins-100`, `hot-streak`, `legendary`, `win-420`, `win-69`,
    /// `season-champion`, `founder`, `vip-diamond`, `vip-gold`.
    public var slug: String {
        switch self {
        case .firstWin: return "first-win"
        case .wins100: return "wins-100"
        case .hotStreak: return "hot-streak"
        case .legendary: return "legendary"
        case .win420: return "win-420"
        case .win69: return "win-69"
        case .seasonChampion: return "season-champion"
        case .founder: return "founder"
        case .vipDiamond: return "vip-diamond"
        case .vipGold: return "vip-gold"
        }
    }

    /// The slug.
    public var description: String { slug }

    /// A class from its slug, its number or its exact name; nil when it is none of them.
    public init?(parsing text: String) {
        if let n = UInt8(text), let c = BadgeClass(rawValue: n) { self = c; return }
        guard let c = BadgeClass.allCases.first(where: { $0.slug == text.lowercased() || $0.name == text }) else { return nil }
        self = c
    }

    /// Orders by class number.
    public static func < (a: BadgeClass, b: BadgeClass) -> Bool { a.rawValue < b.rawValue }

    /// Soulbound achievements (classes 1–4): never transferred, one per holder; their stats follow the holder.
    public var isSoulbound: Bool { rawValue <= 4 }

    /// Whether the minter mints it (everything but the VIP passes, which are sold).
    public var isMintable: Bool { rawValue < 32 }

    /// The contract's supply cap: `nil` for soulbound classes (one per holder, no total), 1 per season for the champion.
    public var cap: UInt64? {
        switch self {
        case .firstWin, .wins100, .hotStreak, .legendary: return nil
        case .win420: return 420
        case .win69: return 6_969
        case .seasonChampion: return 1
        case .founder, .vipDiamond: return 1_000
        case .vipGold: return 10_000
        }
    }

    /// The token id `class << 128 | serial`.
    public func tokenID(serial: UInt128) -> UInt256 { UInt256(rawValue) << 128 | UInt256(serial) }

    /// The class and serial of a token id; nil when the class is not one of the contract's.
    public static func split(_ tokenID: UInt256) -> (badgeClass: BadgeClass, serial: UInt128)? {
        let high = tokenID >> 128
        guard high <= UInt256(UInt8.max), let c = BadgeClass(rawValue: UInt8(truncatingIfNeeded: high)) else { return nil }
        return (c, UInt128(truncatingIfNeeded: tokenID))
    }
}

/// A dynamic badge's level, from the wins in its stats (PROTOCOL §8): bronze 0–99, silver 100–499, gold 500–999,
/// diamond from 1,000.
public enum BadgeLevel: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// 0–99 wins.
    case bronze
    /// 100–499 wins.
    case silver
    /// 500–999 wins.
    case gold
    /// 1,000 wins or more.
    case diamond

    /// The level of `wins`.
    public init(wins: UInt64) {
        self = wins >= 1_000 ? .diamond : wins >= 500 ? .gold : wins >= 100 ? .silver : .bronze
    }

    /// The fewest wins of this level.
    public var minimumWins: UInt32 { [0, 100, 500, 1_000][rawValue] }

    /// `bronze`, `silver`, `gold` or `diamond`.
    public var description: String { ["bronze", "silver", "gold", "diamond"][rawValue] }

    /// The card's background colour.
    public var colour: String { ["#a0522d", "#8a8d91", "#c9a227", "#1b9aaa"][rawValue] }

    /// Orders bronze < silver < gold < diamond.
    public static func < (a: BadgeLevel, b: BadgeLevel) -> Bool { a.rawValue < b.rawValue }
}

/// The stats a token shows (`update_stats`, `stats(id)`): wins, predictions and best streak, with
/// `wins ≤ predictions` and `bestStreak ≤ wins` (the contract refuses anything else).
public struct TokenStats: Sendable, Hashable, CustomStringConvertible {
    /// Winning predictions.
    public var wins: UInt32
    /// Decided predictions (won or lost).
    public var predictions: UInt32
    /// The longest run of consecutive wins.
    public var bestStreak: UInt32

    /// Stats; the caller keeps `bestStreak ≤ wins ≤ predictions`.
    public init(wins: UInt32, predictions: UInt32, bestStreak: UInt32) {
        self.wins = wins
        self.predictions = predictions
        self.bestStreak = bestStreak
    }

    /// All zero (a freshly minted token).
    public static let zero = TokenStats(wins: 0, predictions: 0, bestStreak: 0)

    /// Whether the contract accepts them (`bestStreak ≤ wins ≤ predictions`).
    public var isValid: Bool { wins <= predictions && bestStreak <= wins }

    /// `floor(wins × 100 / predictions)`, 0 without predictions.
    public var winRate: UInt32 { predictions == 0 ? 0 : UInt32(UInt64(wins) * 100 / UInt64(predictions)) }

    /// The level of the wins.
    public var level: BadgeLevel { BadgeLevel(wins: UInt64(wins)) }

    /// `wins/predictions/streak`.
    public var description: String { "\(wins)/\(predictions)/\(bestStreak)" }
}
