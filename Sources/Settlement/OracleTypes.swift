import EVM
import PredictionCore
import Receipts

/// The status of a round's price in the `PriceOracle` (docs/PROTOCOL.md §7, `price()`).
public enum OracleStatus: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// No price.
    case missing = 0
    /// Finalised; the dispute window is open.
    case provisional = 1
    /// Finalised, the dispute window closed, not disputed.
    case final = 2
    /// Frozen, waiting for the resolver.
    case disputed = 3
    /// Set by the resolver.
    case resolved = 4

    /// Whether a round may be settled on a price of this status (PROTOCOL §10 item 6: only FINAL and RESOLVED).
    public var allowsSettlement: Bool { self == .final || self == .resolved }

    /// `MISSING`, `PROVISIONAL`, `FINAL`, `DISPUTED` or `RESOLVED`.
    public var description: String {
        switch self {
        case .missing: return "MISSING"
        case .provisional: return "PROVISIONAL"
        case .final: return "FINAL"
        case .disputed: return "DISPUTED"
        case .resolved: return "RESOLVED"
        }
    }
}

/// Where a round's price came from (`round_info()`'s source; the price leaves' codes, PROTOCOL §4).
public enum OracleSource: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// No price yet.
    case none = 0
    /// The median of the reports.
    case median = 1
    /// The fallback aggregator.
    case fallback = 2
    /// The resolver.
    case resolved = 3

    /// `none`, `median`, `fallback` or `resolved`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .median: return "median"
        case .fallback: return "fallback"
        case .resolved: return "resolved"
        }
    }
}

/// The price of one round as `price(asset, settles_at)` returns it.
public struct OraclePrice: Hashable, Sendable {
    /// The price with 8 decimals (0 while missing; below 2^96, as the oracle requires).
    public let price: UInt128
    /// Its status.
    public let status: OracleStatus

    /// A price and its status.
    public init(price: UInt128, status: OracleStatus) {
        self.price = price
        self.status = status
    }

    /// The price as the core holds prices (`nil` for 0 or a price beyond 64 bits).
    public var corePrice: UInt64? { price == 0 ? nil : UInt64(exactly: price) }
}

/// One reporter's report of a round (`reports()` stores `reporter << 96 | price`).
public struct OracleReport: Hashable, Sendable {
    /// Who reported.
    public let reporter: Address
    /// The price reported, 8 decimals (below 2^96, as the oracle requires).
    public let price: UInt128

    /// A report.
    public init(reporter: Address, price: UInt128) {
        self.reporter = reporter
        self.price = price
    }

    /// Unpacks `reporter << 96 | price`.
    public init(packed: UInt256) {
        let (w0, w1, _, _) = packed.limbs
        reporter = Address(lastBytesOf: (packed >> 96).bytes32)
        price = UInt128(w1 & 0xFFFF_FFFF) << 64 | UInt128(w0)
    }
}

/// Everything the oracle says about one round, read at one block.
public struct OracleRound: Hashable, Sendable {
    /// The asset.
    public let asset: AssetID
    /// The mark.
    public let settlesAt: UInt64
    /// The price and its status.
    public let price: OraclePrice
    /// Where the price came from.
    public let source: OracleSource
    /// The end of the dispute window (0 before finalisation).
    public let finalAfter: UInt64
    /// The reports, in submission order.
    public let reports: [OracleReport]
    /// The oracle's current report window, seconds.
    public let reportWindow: UInt64
    /// The oracle's current dispute window, seconds.
    public let disputeWindow: UInt64
    /// The chain time of the block read (its timestamp).
    public let chainTime: UInt64

    /// A round snapshot from its parts.
    public init(asset: AssetID, settlesAt: UInt64, price: OraclePrice, source: OracleSource, finalAfter: UInt64,
                reports: [OracleReport], reportWindow: UInt64, disputeWindow: UInt64, chainTime: UInt64) {
        self.asset = asset
        self.settlesAt = settlesAt
        self.price = price
        self.source = source
        self.finalAfter = finalAfter
        self.reports = reports
        self.reportWindow = reportWindow
        self.disputeWindow = disputeWindow
        self.chainTime = chainTime
    }

    /// The median of every report (PROTOCOL §7.1 step 2): what the rule judges outliers by; `nil` without reports
    /// (or with a report beyond 64 bits, which the core cannot represent).
    public var reportsMedian: UInt64? {
        let prices = reports.compactMap { UInt64(exactly: $0.price) }
        guard !prices.isEmpty, prices.count == reports.count else { return nil }
        return PriceAggregator.median(sorted: prices.sorted())
    }

    /// Reports are accepted while `settlesAt ≤ now ≤ reportsCloseAt`.
    public var reportsCloseAt: UInt64 { settlesAt + reportWindow }

    /// Seconds of dispute window left at `chainTime` (0 when not provisional or closed).
    public var disputeWindowRemaining: UInt64 {
        guard price.status == .provisional, finalAfter > chainTime else { return 0 }
        return finalAfter - chainTime
    }

    /// The report of `reporter`, if it reported.
    public func report(of reporter: Address) -> OracleReport? { reports.first { $0.reporter == reporter } }
}
