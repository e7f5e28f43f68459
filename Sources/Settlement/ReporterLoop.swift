import PredictionCore
import Receipts

/// What the reporter daemon did in one step, for one mark.
public enum ReporterEvent: Sendable {
    /// Reported (or found already reported by this key): the round after it, and this key's price on chain.
    case reported(OracleActionResult, price: UInt64)
    /// Finalised (or found already finalised) after its report window.
    case finalized(OracleActionResult)
    /// An attempt failed; `willRetry` says whether a later step tries again (bounded by the retry count).
    case failed(action: String, asset: AssetID, mark: UInt64, attempt: Int, error: OracleError, willRetry: Bool)
    /// Marks whose report window had closed before the daemon got to them (it was down, or the chain's time jumped).
    case missed(asset: AssetID, marks: [UInt64])
}

/// The reporter daemon's logic (`sixnines oracle report --follow`), one step per poll of the chain's time: every
/// mark of the given assets is reported once, as it passes, with the price aggregated from the sources at the mark;
/// with `finalize`, each reported mark is also finalised once its report window has closed. Transient failures are
/// retried on the next steps, at most `attempts` times per mark and action; a refusal that cannot change (a revert,
/// no aggregated price, the window closed) is not retried.
public struct ReporterLoop: Sendable {
    /// The oracle, with the reporter's key.
    public let client: OracleClient
    /// The price sources.
    public let sources: any PriceSources
    /// The assets reported.
    public let assets: [AssetID]
    /// The median rule's parameters.
    public let aggregator: PriceAggregator
    /// Attempts per mark and action.
    public let attempts: Int
    /// Whether reported marks are finalised after their report window.
    public let finalize: Bool

    private var nextMark: [AssetID: UInt64] = [:]
    private var toFinalize: [(asset: AssetID, mark: UInt64)] = []
    private var failures: [String: Int] = [:]

    /// A loop reporting `assets` from `sources` through `client`.
    public init(client: OracleClient, sources: any PriceSources, assets: [AssetID], aggregator: PriceAggregator = PriceAggregator(),
                attempts: Int = 3, finalize: Bool = false) {
        self.client = client
        self.sources = sources
        self.assets = assets
        self.aggregator = aggregator
        self.attempts = max(1, attempts)
        self.finalize = finalize
    }

    /// The last mark at or before `t`.
    public static func lastMark(atOrBefore t: UInt64) -> UInt64 {
        let offset = t % 600
        return offset >= 540 ? t - offset + 540 : t - offset - 60
    }

    /// One step at chain time `now` with the oracle's report window: reports the marks that have passed since the
    /// last step (the first step starts at the last mark at or before `now`), then finalises what is due.
    public mutating func step(now: UInt64, reportWindow: UInt64) async -> [ReporterEvent] {
        var events: [ReporterEvent] = []
        let last = Self.lastMark(atOrBefore: now)
        for asset in assets {
            var mark = nextMark[asset] ?? last
            var missed: [UInt64] = []
            while mark <= last {
                if now > mark + reportWindow {
                    missed.append(mark)
                    mark += 600
                    continue
                }
                let key = "submit \(asset.symbol) \(mark)"
                do {
                    let (price, _) = try sources.aggregatedPrice(asset: asset, at: mark, aggregator: aggregator)
                    let result = try await client.report(asset: asset, mark: mark, price: price)
                    // Already reported: the price on chain (a retry may have computed another one).
                    let onChain = client.sender.flatMap { result.round.report(of: $0) }.flatMap { UInt64(exactly: $0.price) }
                    events.append(.reported(result, price: onChain ?? price))
                    if finalize { toFinalize.append((asset, mark)) }
                    failures[key] = nil
                } catch {
                    let attempt = (failures[key] ?? 0) + 1
                    let retry = attempt < attempts && Self.isTransient(error)
                    events.append(.failed(action: "submit", asset: asset, mark: mark, attempt: attempt, error: error, willRetry: retry))
                    if retry {
                        failures[key] = attempt
                        break  // this mark again next step; later marks wait for it
                    }
                    failures[key] = nil
                }
                mark += 600
            }
            nextMark[asset] = mark
            if !missed.isEmpty { events.append(.missed(asset: asset, marks: missed)) }
        }
        var pending: [(asset: AssetID, mark: UInt64)] = []
        for (asset, mark) in toFinalize {
            guard now > mark + reportWindow else {
                pending.append((asset, mark))
                continue
            }
            let key = "finalize \(asset.symbol) \(mark)"
            do {
                events.append(.finalized(try await client.finalize(asset: asset, mark: mark)))
                failures[key] = nil
            } catch {
                let attempt = (failures[key] ?? 0) + 1
                let retry = attempt < attempts && Self.isTransient(error)
                events.append(.failed(action: "finalize", asset: asset, mark: mark, attempt: attempt, error: error, willRetry: retry))
                if retry { pending.append((asset, mark)) }
                failures[key] = retry ? attempt : nil
            }
        }
        toFinalize = pending
        return events
    }

    /// Whether retrying may help: node or transport failures, and the report window not yet open (the node's clock
    /// lags); not reverts, missing prices or closed windows.
    public static func isTransient(_ error: OracleError) -> Bool {
        switch error {
        case .chain, .windowNotOpen, .reportWindowOpen: return true
        default: return false
        }
    }
}
