import EVM
import PredictionCore
import Receipts

/// Where a reporter's quotes come from: one quote per source for an asset at a time, aggregated by the core's
/// `PriceAggregator` (the one median rule of PROTOCOL §7.1) into the price that is reported.
public protocol PriceSources: Sendable {
    /// A short name for messages (`simulated sources (seed 7)`, `quotes file q.json`).
    var name: String { get }
    /// The assets quoted (empty: any).
    var knownAssets: [String] { get }
    /// The sources' quotes of `asset` around `time`.
    func quotes(asset: AssetID, at time: UInt64) throws(OracleError) -> [Quote]
}

extension PriceSources {
    /// The aggregated price of `asset` at `time` with `aggregator` (default: ≥ 3 fresh sources within 10 s, 0.1 %),
    /// or ``OracleError/noAggregatedPrice(asset:at:fresh:outliers:stale:minimum:)`` when the rule refuses.
    public func aggregatedPrice(asset: AssetID, at time: UInt64,
                                aggregator: PriceAggregator = PriceAggregator()) throws(OracleError) -> (price: UInt64, detail: AggregatedPrice) {
        let detail = aggregator.aggregate(try quotes(asset: asset, at: time), at: time)
        guard let price = detail.price else {
            throw .noAggregatedPrice(asset: asset.symbol, at: time, fresh: detail.fresh.count, outliers: detail.outliers.count,
                                     stale: detail.stale.count, minimum: aggregator.minimumSources)
        }
        return (price, detail)
    }
}

/// Deterministic simulated sources: for each asset and UTC day, `SimulatedFeed`'s random walk (one step a second from
/// the day's start, seeded by the seed, the asset and the day) quoted by `sourceCount` sources (`sim-0` …), a few of them
/// now and then off, late or silent. The same seed gives every reporter the same quotes, so runs are reproducible.
public struct SimulatedSources: PriceSources {
    /// The seed.
    public let seed: UInt64
    /// Sources per asset.
    public let sourceCount: Int

    /// The assets the simulated market has (`SimulatedFeed.Asset.standard`'s realistic ones).
    public static let assets = ["BTC-USD", "ETH-USD", "SOL-USD", "SPY"]

    /// Simulated sources from `seed`, `sourceCount` of them (default 5).
    public init(seed: UInt64, sourceCount: Int = 5) {
        self.seed = seed
        self.sourceCount = max(1, sourceCount)
    }

    /// `simulated sources (seed N)`.
    public var name: String { "simulated sources (seed \(seed))" }
    /// ``assets``.
    public var knownAssets: [String] { Self.assets }

    /// The quotes of `asset` at `time`.
    public func quotes(asset: AssetID, at time: UInt64) throws(OracleError) -> [Quote] {
        guard Self.assets.contains(asset.symbol) else {
            throw .unknownAsset(asset: asset.symbol, sources: name, known: Self.assets)
        }
        let standard: SimulatedFeed.Asset
        do { standard = try SimulatedFeed.Asset.standard(asset.symbol) } catch {
            throw .unknownAsset(asset: asset.symbol, sources: name, known: Self.assets)
        }
        let day = time / 86_400
        var mix = SplitMix64(seed: seed ^ Keccak256.hash(utf8: asset.symbol).bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let feedSeed = mix.next() ^ (day &* 0x9E37_79B9_7F4A_7C15)
        var feed = SimulatedFeed(assets: [standard], seed: feedSeed, start: day * 86_400, sourceCount: sourceCount)
        feed.advance(to: time)
        return feed.quotes(0)
    }
}

/// Quotes from a JSON file, for reproducible reports from recorded prices:
///
/// ```json
/// {"BTC-USD": {"binance":  {"price": "97123.45", "observedAt": 1795608539},
///              "coinbase": {"price": "97123.40", "observedAt": 1795608540},
///              "kraken":   {"price": "97123.50", "observedAt": 1795608538}}}
/// ```
///
/// asset → source → price (a decimal string in USD, at most 8 decimals) and observation time (unix seconds). The
/// aggregator keeps the quotes observed within its age limit before the mark.
public struct QuotesFile: PriceSources {
    /// The quotes by asset.
    public let quotes: [AssetID: [Quote]]
    /// The file's name, for messages.
    public let path: String

    /// Parses the file's text; `path` names it in errors.
    public init(text: String, path: String) throws(OracleError) {
        self.path = path
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw .badQuotes("\(path): \(error)") }
        guard let assets = json.objectValue else { throw .badQuotes("\(path): expected an object of assets") }
        var quotes: [AssetID: [Quote]] = [:]
        for (symbol, sources) in assets {
            let asset: AssetID
            do { asset = try AssetID(symbol: symbol) } catch { throw .badQuotes("\(path): \(symbol.debugDescription) is not an asset symbol") }
            guard let members = sources.objectValue, !members.isEmpty else {
                throw .badQuotes("\(path): $.\(symbol) must be an object of sources")
            }
            for (source, quote) in members {
                let at = "\(path): $.\(symbol).\(source)"
                guard let priceText = quote["price"]?.stringValue else { throw .badQuotes("\(at).price must be a decimal string") }
                let price: UInt64
                do { price = try FixedPoint.parse(priceText, decimals: PredictionCore.Units.priceDecimals) } catch {
                    throw .badQuotes("\(at).price: \(error)")
                }
                guard price > 0 else { throw .badQuotes("\(at).price must be positive") }
                guard case .number(let timeText)? = quote["observedAt"], let observedAt = UInt64(timeText) else {
                    throw .badQuotes("\(at).observedAt must be unix seconds")
                }
                quotes[asset, default: []].append(Quote(source: SourceID(source), asset: asset, price: price, observedAt: observedAt))
            }
        }
        self.quotes = quotes
    }

    /// `quotes file <path>`.
    public var name: String { "quotes file \(path)" }
    /// The assets in the file.
    public var knownAssets: [String] { quotes.keys.map(\.symbol).sorted() }

    /// The file's quotes of `asset` (the aggregator picks the fresh ones at `time`).
    public func quotes(asset: AssetID, at time: UInt64) throws(OracleError) -> [Quote] {
        guard let list = quotes[asset] else { throw .unknownAsset(asset: asset.symbol, sources: name, known: knownAssets) }
        return list
    }
}
