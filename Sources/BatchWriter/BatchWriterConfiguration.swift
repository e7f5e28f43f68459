import EVM
import EVMRPC
import Foundation
import PredictionStore
import Receipts

/// The batch writer's settings (every one also a `SIXNINES_*` variable of `sixnines daemon run`).
public struct BatchWriterConfiguration: Sendable, Hashable, Codable {
    /// A batch closes once it holds this many receipts.
    public var maxBatchSize: Int = 1000
    /// A batch closes once its oldest receipt waited this long (milliseconds, wall clock).
    public var maxAgeMillis: Int64 = 30_000
    /// Placements: anchored at least this long before their settlement mark (seconds of chain time).
    public var placementLeadSeconds: UInt64 = 60
    /// Placements: time allowed for a closed batch to become final (seconds); a placement batch closes once
    /// `earliest settlesAt − lead − allowance ≤ chain time`.
    public var anchorAllowanceSeconds: UInt64 = 30
    /// Confirmations that make a block final (ignored with `useFinalizedTag`).
    public var confirmations: UInt64 = 1
    /// Final means covered by the node's `finalized` tag.
    public var useFinalizedTag: Bool = false
    /// Replace a transaction not included after this long (milliseconds).
    public var replaceAfterMillis: Int64 = 60_000
    /// Fee increase of each replacement, percent (at least 10).
    public var bumpPercent: Int = 12
    /// Rebroadcast the same bytes of a transaction not seen in a block after this long (milliseconds).
    public var rebroadcastAfterMillis: Int64 = 10_000
    /// Gas limit of an anchor transaction (≈53,400 used, ≈73,300 for the first id of a bitmap word).
    public var gasLimit: UInt64 = 150_000
    /// Outbox rows claimed per step.
    public var claimLimit: Int = 20_000
    /// Fee ceiling in gwei (nil: none): no transaction or replacement offers more per gas; during a fee spike above it
    /// batches wait (still durable, still reconciled) instead of paying the spike.
    public var maxFeePerGasGwei: UInt64?

    /// Daily price roots: a UTC day's root is anchored once chain time is this far past the day's end (seconds), so
    /// that its last marks are settled.
    public var dailyRootDelaySeconds: UInt64 = 900

    /// The defaults.
    public init() {}
}

/// What one step did.
public struct StepReport: Sendable, Hashable {
    /// Outbox rows claimed.
    public var claimed = 0
    /// Batches closed.
    public var closed: [BatchID] = []
    /// Batches that became final.
    public var finalized: [BatchID] = []

    /// An empty report.
    public init() {}
}

// Fees under the configured ceiling, and the fees of a recorded transaction.
extension BatchWriterEngine {
    /// `fees` under the configured ceiling.
    nonisolated func capped(_ fees: Fees) -> Fees {
        guard let gwei = configuration.maxFeePerGasGwei else { return fees }
        let cap = UInt256(gwei) * UInt256(1_000_000_000)
        switch fees {
        case .eip1559(let maxFee, let tip):
            let m = Swift.min(maxFee, cap)
            return .eip1559(maxFeePerGas: m, maxPriorityFeePerGas: Swift.min(tip, m))
        case .legacy(let price):
            return .legacy(gasPrice: Swift.min(price, cap))
        }
    }

    /// The fees a recorded transaction offers.
    static func fees(of t: AnchorTransaction) -> Fees {
        let maxFee = (try? UInt256(decimalString: t.maxFee)) ?? .zero
        if let tip = t.priorityFee { return .eip1559(maxFeePerGas: maxFee, maxPriorityFeePerGas: (try? UInt256(decimalString: tip)) ?? .zero) }
        return .legacy(gasPrice: maxFee)
    }
}
