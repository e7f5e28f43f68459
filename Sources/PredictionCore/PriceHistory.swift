import EVM
import Receipts

/// A price leaf of the daily price root (docs/PROTOCOL.md §4, batch kind 3):
/// `(version = 1, asset, settlesAt, price, source)`, leaf encoding `["uint8","bytes32","uint64","uint128","uint8"]`.
public struct PriceLeaf: Hashable, Sendable {
    /// Where a mark price came from (§7): `1` median of reporters, `2` fallback aggregator, `3` resolved dispute.
    public enum Source: UInt8, Sendable {
        /// Median of several sources.
        case median = 1
        /// A fallback aggregator.
        case fallback = 2
        /// A resolved dispute.
        case resolved = 3
    }

    /// The leaf encoding.
    public static let leafEncoding = ["uint8", "bytes32", "uint64", "uint128", "uint8"]
    /// The asset.
    public let asset: AssetID
    /// The mark.
    public let settlesAt: UInt64
    /// Price, 8 decimals.
    public let price: UInt64
    /// Its source.
    public let source: Source

    /// A price leaf.
    public init(asset: AssetID, settlesAt: UInt64, price: UInt64, source: Source = .median) {
        self.asset = asset
        self.settlesAt = settlesAt
        self.price = price
        self.source = source
    }

    /// `abi.encode(1, asset, settlesAt, price, source)`: 160 bytes.
    public var abiEncoded: [UInt8] {
        var out = [UInt8](repeating: 0, count: 160)
        out[31] = 1
        out.replaceSubrange(32..<64, with: asset.word.bytes)
        withUnsafeBytes(of: settlesAt.bigEndian) { out.replaceSubrange(88..<96, with: $0) }
        withUnsafeBytes(of: price.bigEndian) { out.replaceSubrange(120..<128, with: $0) }
        out[159] = source.rawValue
        return out
    }

    /// `keccak256(keccak256(abi.encode(…)))`.
    public var leaf: Bytes32 { Keccak256.hash(Keccak256.hash(data: abiEncoded)) }
}

/// The kept price history: the mark price and the cutoff (lock) price of every round, by asset.
/// Missing prices are recorded as missing.
public struct PriceHistory: Sendable {
    private var marks: [AssetID: [UInt64: (price: UInt64?, source: PriceLeaf.Source)]] = [:]
    private var locks: [AssetID: [UInt64: UInt64?]] = [:]

    /// An empty history.
    public init() {}

    /// Records the price (or its absence) at the mark `settlesAt`, with its source.
    public mutating func recordMark(asset: AssetID, settlesAt: UInt64, price: UInt64?, source: PriceLeaf.Source = .median) {
        marks[asset, default: [:]][settlesAt] = (price, source)
    }

    /// Records the lock price (or its absence) of the round settling at `settlesAt`.
    public mutating func recordLock(asset: AssetID, settlesAt: UInt64, price: UInt64?) {
        locks[asset, default: [:]][settlesAt] = .some(price)
    }

    /// The mark price: `nil` if never recorded, `.some(nil)` if recorded as missing.
    public func markPrice(asset: AssetID, settlesAt: UInt64) -> UInt64?? {
        guard let mark = marks[asset]?[settlesAt] else { return nil }
        return .some(mark.price)
    }

    /// The lock price of a round: `nil` if never recorded, `.some(nil)` if missing.
    public func lockPrice(asset: AssetID, settlesAt: UInt64) -> UInt64?? { locks[asset]?[settlesAt] }

    /// The price leaves of UTC day `day` (`floor(t / 86400)`): every recorded, non-missing mark price,
    /// ordered by asset symbol then time.
    public func priceLeaves(day: UInt64) -> [PriceLeaf] {
        var out: [PriceLeaf] = []
        for asset in marks.keys.sorted(by: { $0.symbol < $1.symbol }) {
            for (t, mark) in marks[asset]!.sorted(by: { $0.key < $1.key }) where t / 86_400 == day {
                if let price = mark.price { out.append(PriceLeaf(asset: asset, settlesAt: t, price: price, source: mark.source)) }
            }
        }
        return out
    }

    /// The daily price root batch of `day`: its batch id (kind 3, sequence = day), leaves and
    /// OpenZeppelin-compatible tree. Throws `MerkleError.emptyTree` for a day without prices.
    public func dailyPriceRoot(day: UInt64) throws(MerkleError) -> DailyPriceRoot {
        let leaves = priceLeaves(day: day)
        let tree = try MerkleTree(leaves: leaves.map(\.leaf))
        return DailyPriceRoot(batchID: BatchID(kind: .dailyPriceRoot, sequence: day), leaves: leaves, tree: tree)
    }
}

/// One day's price batch.
public struct DailyPriceRoot: Sendable {
    /// `3 << 64 | day`.
    public let batchID: BatchID
    /// The leaves in insertion order (the tree's `treeIndices` follow this order).
    public let leaves: [PriceLeaf]
    /// The tree.
    public let tree: MerkleTree
    /// The root to anchor.
    public var root: Bytes32 { tree.root }
}
