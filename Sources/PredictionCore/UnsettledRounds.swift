import Receipts

/// A round that has predictions and is not settled yet, as a settler sees it.
public struct UnsettledRound: Hashable, Sendable {
    /// The asset.
    public let asset: AssetID
    /// The round's mark.
    public let settlesAt: UInt64
    /// Whether its lock price was recorded (its cutoff passed in the engine's view).
    public let isLocked: Bool
    /// Number of its predictions.
    public let predictions: Int
}

extension PredictionEngine {
    /// The rounds with at least one unsettled prediction whose mark is at or before `time`, ordered by mark then
    /// asset symbol, and the number of the first unsettled prediction (a settler passes it back as `from` next time:
    /// the predictions before it are all settled and are not scanned again). Rounds without predictions have nothing
    /// to settle and are not listed. Cost: one pass over the predictions from `from`.
    public func unsettledRounds(through time: UInt64, from: Int = 0) -> (rounds: [UnsettledRound], firstUnsettled: Int) {
        var counts: [RoundID: Int] = [:]
        var firstUnsettled = predictions.count
        var index = max(0, min(from, predictions.count))
        while index < predictions.count {
            let p = predictions[index]
            if p.outcome == .pending {
                if index < firstUnsettled { firstUnsettled = index }
                if p.settlesAt <= time { counts[RoundID(asset: p.asset, settlesAt: p.settlesAt), default: 0] += 1 }
            }
            index += 1
        }
        let rounds = counts.map { key, count in
            UnsettledRound(asset: key.asset, settlesAt: key.settlesAt,
                           isLocked: isLocked(asset: key.asset, settlesAt: key.settlesAt), predictions: count)
        }
        .filter { report(asset: $0.asset, settlesAt: $0.settlesAt) == nil }
        .sorted { ($0.settlesAt, $0.asset.symbol) < ($1.settlesAt, $1.asset.symbol) }
        return (rounds, firstUnsettled)
    }

    private struct RoundID: Hashable {
        let asset: AssetID
        let settlesAt: UInt64
    }
}
