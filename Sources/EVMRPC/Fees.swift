import EVM

/// The fee fields of a transaction.
public enum Fees: Sendable, Hashable, CustomStringConvertible {
    /// EIP-1559 fees (type 2 transactions).
    case eip1559(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256)
    /// A legacy gas price (type 0/1 transactions).
    case legacy(gasPrice: UInt256)

    /// The most the sender pays per gas.
    public var maxPerGas: UInt256 {
        switch self {
        case .eip1559(let maxFee, _): return maxFee
        case .legacy(let price): return price
        }
    }

    /// Fees raised enough to replace a pending transaction: every field by at least `percent` % (and 1 wei),
    /// and never below `floor` when given (a fresh estimate).
    public func bumped(percent: Int = 10, atLeast floor: Fees? = nil) -> Fees {
        func raise(_ v: UInt256) -> UInt256 { v + v * UInt256(UInt64(percent)) / 100 + 1 }
        switch (self, floor) {
        case let (.eip1559(maxFee, tip), .eip1559(floorFee, floorTip)?):
            let newTip = Swift.max(raise(tip), floorTip)
            return .eip1559(maxFeePerGas: Swift.max(Swift.max(raise(maxFee), floorFee), newTip), maxPriorityFeePerGas: newTip)
        case let (.eip1559(maxFee, tip), _):
            return .eip1559(maxFeePerGas: raise(maxFee), maxPriorityFeePerGas: raise(tip))
        case let (.legacy(price), .legacy(floorPrice)?):
            return .legacy(gasPrice: Swift.max(raise(price), floorPrice))
        case let (.legacy(price), _):
            return .legacy(gasPrice: raise(price))
        }
    }

    /// The fee fields in wei: `maxFee … tip …` or `gasPrice …`.
    public var description: String {
        switch self {
        case .eip1559(let maxFee, let tip): return "maxFee \(maxFee) tip \(tip)"
        case .legacy(let price): return "gasPrice \(price)"
        }
    }
}

/// Estimates fees from `eth_feeHistory` percentiles, never below the chain's minimum priority fee.
public struct FeeEstimator: Sendable {
    /// The chain (for its minimum priority fee and EIP-1559 support).
    public var chain: Chain
    /// Blocks of history to look at.
    public var blocks: Int
    /// Reward percentile taken from each block (e.g. 50 = median tip).
    public var percentile: Double
    /// The max fee is `baseFeeMultiplier × next base fee + tip`, to survive base fee rises.
    public var baseFeeMultiplier: UInt64

    /// An estimator for `chain`.
    public init(chain: Chain, blocks: Int = 10, percentile: Double = 50, baseFeeMultiplier: UInt64 = 2) {
        self.chain = chain
        self.blocks = blocks
        self.percentile = percentile
        self.baseFeeMultiplier = baseFeeMultiplier
    }

    /// Current fees for a transaction on `client`'s chain. When the history has no tips at all (empty
    /// blocks), the node's `eth_maxPriorityFeePerGas` is the floor.
    public func estimate(_ client: RPCClient) async throws(RPCError) -> Fees {
        guard chain.supportsEIP1559 else {
            return .legacy(gasPrice: Swift.max(try await client.gasPrice(), chain.minPriorityFee))
        }
        let history = try await client.feeHistory(blockCount: blocks, newest: .latest, percentiles: [percentile])
        var floor = chain.minPriorityFee
        if history.reward.allSatisfy({ ($0.first ?? .zero).isZero }) {
            // Empty blocks say nothing about tips: ask the node's own suggestion.
            floor = Swift.max(floor, (try? await client.maxPriorityFeePerGas()) ?? .zero)
        }
        return Self.fees(from: history, minPriorityFee: floor, baseFeeMultiplier: baseFeeMultiplier)
    }

    /// The fee rule on a fee history: the median of the per-block tips at the percentile, floored at
    /// `minPriorityFee`; max fee = multiplier × the next block's base fee + tip.
    public static func fees(from history: FeeHistory, minPriorityFee: UInt256, baseFeeMultiplier: UInt64 = 2) -> Fees {
        let tips = history.reward.compactMap(\.first).filter { !$0.isZero }.sorted()
        let median = tips.isEmpty ? UInt256.zero : tips[tips.count / 2]
        let tip = Swift.max(median, minPriorityFee)
        let nextBase = history.baseFeePerGas.last ?? .zero
        return .eip1559(maxFeePerGas: nextBase * UInt256(baseFeeMultiplier) + tip, maxPriorityFeePerGas: tip)
    }
}
