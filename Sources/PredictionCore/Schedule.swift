import Receipts

/// Errors in the core's configuration (refused when the engine is set up, never at placement).
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The cutoff must leave part of the 600-second round open: `0 ≤ c < 600`.
    case invalidCutoff(UInt64)
    /// Stake limits must satisfy `0 < minimum ≤ maximum ≤ exposure cap ≤ 2^62`.
    case invalidLimits(minimum: UInt64, maximum: UInt64, exposureCap: UInt64)
    /// A fee above 10 000 basis points.
    case invalidFee(bps: UInt64)
    /// An asset registered twice.
    case duplicateAsset(String)
    /// An asset that is not registered.
    case unknownAsset(String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidCutoff(let c): return "cutoff \(c) s must be below the 600 s round"
        case .invalidLimits(let lo, let hi, let cap):
            return "limits must satisfy 0 < min (\(lo)) ≤ max (\(hi)) ≤ exposure cap (\(cap))"
        case .invalidFee(let bps): return "fee \(bps) bps is above 10000"
        case .duplicateAsset(let s): return "asset \(s) is already registered"
        case .unknownAsset(let s): return "unknown asset \(s)"
        }
    }
}

/// The round schedule: a round settles at every mark `S` (`S % 600 == 540`, i.e. :09, :19 … :59 UTC);
/// betting on it is open from the previous mark `S − 600` (inclusive) until the cutoff `S − c`
/// (exclusive). The lock price is taken at the cutoff, the settlement price at `S`.
public struct RoundSchedule: Sendable, Equatable {
    /// Seconds between marks.
    public static let period: UInt64 = 600
    /// `c`: seconds before the mark at which betting closes.
    public let cutoffSeconds: UInt64

    /// A schedule with cutoff `c` seconds (default 30).
    public init(cutoffSeconds: UInt64 = 30) throws(ConfigurationError) {
        guard cutoffSeconds < RoundSchedule.period else { throw .invalidCutoff(cutoffSeconds) }
        self.cutoffSeconds = cutoffSeconds
    }

    /// The first mark strictly after `t` — the round a prediction placed at `t` belongs to.
    /// Defined for `t < UInt64.max − 1140`.
    @inlinable
    public func mark(after t: UInt64) -> UInt64 { SettlementSchedule.nextSettlement(after: t) }

    /// The cutoff `S − c` of the round settling at `mark`.
    @inlinable
    public func cutoff(of mark: UInt64) -> UInt64 { mark - cutoffSeconds }

    /// The opening time `S − 600` (the previous mark) of the round settling at `mark`.
    @inlinable
    public func opening(of mark: UInt64) -> UInt64 { mark - RoundSchedule.period }

    /// Whether a prediction placed at `t` is accepted for the round of `mark(after: t)`.
    @inlinable
    public func isOpen(at t: UInt64) -> Bool { t < cutoff(of: mark(after: t)) }

    /// The round window containing `t`.
    public func window(at t: UInt64) -> RoundWindow {
        let m = mark(after: t)
        return RoundWindow(settlesAt: m, opensAt: opening(of: m), cutoff: cutoff(of: m), isOpen: t < cutoff(of: m))
    }

    /// The first round still accepting predictions at `t`: this mark's round before its cutoff,
    /// else the following one.
    public func nextOpenWindow(at t: UInt64) -> RoundWindow {
        let w = window(at: t)
        if w.isOpen { return w }
        let m = w.settlesAt + RoundSchedule.period
        return RoundWindow(settlesAt: m, opensAt: opening(of: m), cutoff: cutoff(of: m), isOpen: false)
    }
}

/// One round's times.
public struct RoundWindow: Sendable, Equatable {
    /// The settlement mark `S`.
    public let settlesAt: UInt64
    /// `S − 600`: betting opens (inclusive).
    public let opensAt: UInt64
    /// `S − c`: betting closes (exclusive) and the lock price is taken.
    public let cutoff: UInt64
    /// Whether the round accepted predictions at the time the window was asked for.
    public let isOpen: Bool

    /// A window from its times.
    public init(settlesAt: UInt64, opensAt: UInt64, cutoff: UInt64, isOpen: Bool) {
        self.settlesAt = settlesAt
        self.opensAt = opensAt
        self.cutoff = cutoff
        self.isOpen = isOpen
    }
}

/// Stake limits in micro-units, the same for every asset.
public struct StakeLimits: Sendable, Equatable {
    /// Smallest stake of one prediction.
    public let minimum: UInt64
    /// Largest stake of one prediction.
    public let maximum: UInt64
    /// Largest sum of one user's stakes in one round (both directions together).
    public let exposureCap: UInt64

    /// Limits with `0 < minimum ≤ maximum ≤ exposureCap ≤ 2^62` (so sums of stakes cannot overflow).
    /// Defaults: 1 USDC, 1 000 USDC, 5 000 USDC.
    public init(minimum: UInt64 = 1_000_000, maximum: UInt64 = 1_000_000_000,
                exposureCap: UInt64 = 5_000_000_000) throws(ConfigurationError) {
        guard minimum > 0, minimum <= maximum, maximum <= exposureCap, exposureCap <= 1 << 62 else {
            throw .invalidLimits(minimum: minimum, maximum: maximum, exposureCap: exposureCap)
        }
        self.minimum = minimum
        self.maximum = maximum
        self.exposureCap = exposureCap
    }
}

/// A user's VIP tier, which sets the fee on winnings.
public enum VIPTier: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Full fee.
    case standard = 0
    /// Half the fee (rounded down).
    case gold = 1
    /// No fee.
    case diamond = 2

    /// `standard`, `gold` or `diamond`.
    public var description: String {
        switch self {
        case .standard: return "standard"
        case .gold: return "gold"
        case .diamond: return "diamond"
        }
    }
}

/// The platform fee on a winner's share of the losing pool, in basis points.
public struct FeeSchedule: Sendable, Equatable {
    /// Fee of standard users in basis points (default 300 = 3 %).
    public let bps: UInt64

    /// A fee of `bps` basis points (at most 10 000).
    public init(bps: UInt64 = 300) throws(ConfigurationError) {
        guard bps <= 10_000 else { throw .invalidFee(bps: bps) }
        self.bps = bps
    }

    /// The fee of `tier` in basis points: full, half (floor) for Gold, zero for Diamond.
    @inlinable
    public func bps(for tier: VIPTier) -> UInt64 {
        switch tier {
        case .standard: return bps
        case .gold: return bps / 2
        case .diamond: return 0
        }
    }
}
