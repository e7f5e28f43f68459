import Foundation
import Receipts

/// Errors from parsing a ticker payload or a decimal price.
public enum PriceParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Text that is not a non-negative decimal number.
    case invalidNumber(String)
    /// Non-zero digits beyond the supported decimals (the price would have to be rounded).
    case tooManyDecimals(String, decimals: Int)
    /// A number too large for 64 bits once scaled.
    case overflow(String)
    /// A payload that is not JSON of the documented shape.
    case malformedPayload(String)
    /// A field the documented shape has, missing or of the wrong type.
    case missingField(String)
    /// A symbol or pair the adapter has no asset for.
    case unknownSymbol(String)
    /// A zero price (never a valid quote).
    case zeroPrice(String)
    /// The exchange reported an error instead of a ticker.
    case exchangeError(String)

    /// A human-readable message for the error.
    public var description: String {
        switch self {
        case .invalidNumber(let s): return "not a decimal number: \(s.debugDescription)"
        case .tooManyDecimals(let s, let d): return "\(s) has non-zero digits beyond \(d) decimals"
        case .overflow(let s): return "\(s) is too large"
        case .malformedPayload(let why): return "malformed ticker payload: \(why)"
        case .missingField(let f): return "ticker payload lacks field \(f)"
        case .unknownSymbol(let s): return "no asset for exchange symbol \(s)"
        case .zeroPrice(let s): return "zero price for \(s)"
        case .exchangeError(let e): return "exchange error: \(e)"
        }
    }
}

/// A price source's name (`binance`, `coinbase`, `kraken`, `sim-0` …).
public struct SourceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name.
    public let name: String
    /// A source called `name`.
    public init(_ name: String) { self.name = name }
    /// Orders sources by name.
    public static func < (a: SourceID, b: SourceID) -> Bool { a.name < b.name }
    /// The name.
    public var description: String { name }

    /// Binance.
    public static let binance = SourceID("binance")
    /// Coinbase Exchange.
    public static let coinbase = SourceID("coinbase")
    /// Kraken.
    public static let kraken = SourceID("kraken")
}

/// One source's price of one asset at one moment, 8 decimals.
public struct Quote: Hashable, Sendable {
    /// Where it comes from.
    public let source: SourceID
    /// The asset.
    public let asset: AssetID
    /// Price with 8 decimals.
    public let price: UInt64
    /// When it was observed (unix seconds): the fetcher's receive time, since the documented
    /// ticker shapes of Binance and Kraken carry none.
    public let observedAt: UInt64

    /// A quote from its parts.
    public init(source: SourceID, asset: AssetID, price: UInt64, observedAt: UInt64) {
        self.source = source
        self.asset = asset
        self.price = price
        self.observedAt = observedAt
    }
}

private func jsonObject(_ data: [UInt8]) throws(PriceParseError) -> Any {
    do {
        return try JSONSerialization.jsonObject(with: Data(data), options: [])
    } catch {
        throw .malformedPayload("not JSON")
    }
}

private func priceField(_ object: [String: Any], _ key: String, symbol: String) throws(PriceParseError) -> UInt64 {
    guard let text = object[key] as? String else { throw .missingField(key) }
    let value = try FixedPoint.parse(text, decimals: Units.priceDecimals)
    guard value > 0 else { throw .zeroPrice(symbol) }
    return value
}

/// Binance spot REST tickers (`GET /api/v3/ticker/price`, `GET /api/v3/ticker/bookTicker`).
///
/// Binance quotes against USDT; the default symbol table maps `BTCUSDT` to `BTC-USD` (USDT taken at par).
public enum BinanceTicker {
    /// Default exchange symbol → asset table.
    public static let defaultSymbols: [String: String] = ["BTCUSDT": "BTC-USD", "ETHUSDT": "ETH-USD", "SOLUSDT": "SOL-USD"]

    /// Parses `/api/v3/ticker/price`: one `{"symbol","price"}` object or an array of them.
    /// Symbols absent from `symbols` are skipped when the payload is an array, refused when it is a single object.
    public static func parsePrice(_ payload: [UInt8], observedAt: UInt64,
                                  symbols: [String: String] = defaultSymbols) throws(PriceParseError) -> [Quote] {
        try parse(payload, observedAt: observedAt, symbols: symbols) { object, symbol throws(PriceParseError) in
            try priceField(object, "price", symbol: symbol)
        }
    }

    /// Parses `/api/v3/ticker/bookTicker` (`bidPrice`, `askPrice` …): the mid price `floor((bid + ask) / 2)`.
    public static func parseBookTicker(_ payload: [UInt8], observedAt: UInt64,
                                       symbols: [String: String] = defaultSymbols) throws(PriceParseError) -> [Quote] {
        try parse(payload, observedAt: observedAt, symbols: symbols) { object, symbol throws(PriceParseError) in
            let bid = try priceField(object, "bidPrice", symbol: symbol)
            let ask = try priceField(object, "askPrice", symbol: symbol)
            return bid / 2 + ask / 2 + (bid % 2 + ask % 2) / 2
        }
    }

    private static func parse(_ payload: [UInt8], observedAt: UInt64, symbols: [String: String],
                              price: ([String: Any], String) throws(PriceParseError) -> UInt64) throws(PriceParseError) -> [Quote] {
        let json = try jsonObject(payload)
        if let error = json as? [String: Any], let message = error["msg"] as? String { throw .exchangeError(message) }
        let objects: [[String: Any]]
        let single: Bool
        if let one = json as? [String: Any] {
            objects = [one]
            single = true
        } else if let many = json as? [[String: Any]] {
            objects = many
            single = false
        } else {
            throw .malformedPayload("expected an object or an array of objects")
        }
        var quotes: [Quote] = []
        for object in objects {
            guard let symbol = object["symbol"] as? String else { throw .missingField("symbol") }
            guard let name = symbols[symbol] else {
                if single { throw .unknownSymbol(symbol) }
                continue
            }
            let asset = try assetID(name)
            quotes.append(Quote(source: .binance, asset: asset, price: try price(object, symbol), observedAt: observedAt))
        }
        return quotes
    }
}

/// Coinbase Exchange product ticker (`GET /products/{product_id}/ticker`): `{"ask","bid","volume",
/// "trade_id","price","size","time"}`; the last trade `price` is taken. The product id is the asset
/// symbol itself (`BTC-USD`).
public enum CoinbaseTicker {
    /// Parses the ticker of `productID`.
    public static func parse(_ payload: [UInt8], productID: String, observedAt: UInt64) throws(PriceParseError) -> Quote {
        let json = try jsonObject(payload)
        guard let object = json as? [String: Any] else { throw .malformedPayload("expected an object") }
        if let message = object["message"] as? String, object["price"] == nil { throw .exchangeError(message) }
        let asset = try assetID(productID)
        return Quote(source: .coinbase, asset: asset, price: try priceField(object, "price", symbol: productID),
                     observedAt: observedAt)
    }
}

/// Kraken public ticker (`GET /0/public/Ticker?pair=…`): `{"error":[],"result":{PAIR:{"a":[…],"b":[…],"c":[price, volume],…}}}`;
/// the last trade close `c[0]` is taken.
public enum KrakenTicker {
    /// Default Kraken pair → asset table (both the request and the response spellings).
    public static let defaultPairs: [String: String] = [
        "XXBTZUSD": "BTC-USD", "XBTUSD": "BTC-USD", "XETHZUSD": "ETH-USD", "ETHUSD": "ETH-USD", "SOLUSD": "SOL-USD",
    ]

    /// Parses every pair of the payload known to `pairs` (pairs in the table only; others are skipped).
    public static func parse(_ payload: [UInt8], observedAt: UInt64,
                             pairs: [String: String] = defaultPairs) throws(PriceParseError) -> [Quote] {
        let json = try jsonObject(payload)
        guard let object = json as? [String: Any] else { throw .malformedPayload("expected an object") }
        if let errors = object["error"] as? [String], let first = errors.first { throw .exchangeError(first) }
        guard let result = object["result"] as? [String: Any] else { throw .missingField("result") }
        var quotes: [Quote] = []
        for pair in result.keys.sorted() {
            guard let name = pairs[pair] else { continue }
            guard let ticker = result[pair] as? [String: Any], let close = ticker["c"] as? [Any],
                  let text = close.first as? String else { throw .missingField("\(pair).c") }
            let price = try FixedPoint.parse(text, decimals: Units.priceDecimals)
            guard price > 0 else { throw .zeroPrice(pair) }
            quotes.append(Quote(source: .kraken, asset: try assetID(name), price: price, observedAt: observedAt))
        }
        guard !quotes.isEmpty else { throw .unknownSymbol(result.keys.sorted().joined(separator: ",")) }
        return quotes
    }
}

private func assetID(_ symbol: String) throws(PriceParseError) -> AssetID {
    do { return try AssetID(symbol: symbol) } catch { throw .unknownSymbol(symbol) }
}

/// The aggregated price of one asset at one moment, with what was left out and why.
public struct AggregatedPrice: Sendable, Equatable {
    /// The median of the fresh, non-outlier quotes; `nil` when fewer than the minimum remain (the price is missing).
    public let price: UInt64?
    /// The median of all fresh quotes, against which outliers were judged (`nil` without fresh quotes).
    public let referenceMedian: UInt64?
    /// The fresh quotes (newest per source, within the age limit), ordered by source.
    public let fresh: [Quote]
    /// Quotes that made the price, ordered by source (empty when the price is missing).
    public let used: [Quote]
    /// Fresh quotes further than the allowed deviation from the reference median: discarded and reported.
    public let outliers: [Quote]
    /// Quotes ignored for age: older than the maximum age, from the future, or superseded by a newer quote of the same source.
    public let stale: [Quote]
}

/// Median-of-sources aggregation.
///
/// Rule, in order: (1) per source keep the newest quote observed in `[t − maxAge, t]`; every other
/// quote is stale. (2) With fewer than `minimumSources` fresh sources the price is missing.
/// (3) `m` = median of the fresh prices (odd count: the middle one; even count: the floor of the mean of
/// the two middle ones, as the on-chain oracle). (4) A quote with `|p − m| · 10 000 > m · maxDeviationBps`
/// is an outlier. (5) With fewer than `minimumSources` quotes left the price is missing; otherwise it
/// is the median of those left.
public struct PriceAggregator: Sendable, Equatable {
    /// Fewest fresh, agreeing sources for a price (default 3).
    public let minimumSources: Int
    /// Oldest quote age accepted, in seconds (default 10).
    public let maxAge: UInt64
    /// Largest deviation from the median, in basis points (default 10 = 0.1 %).
    public let maxDeviationBps: UInt64

    /// An aggregator with the given rules.
    public init(minimumSources: Int = 3, maxAge: UInt64 = 10, maxDeviationBps: UInt64 = 10) {
        self.minimumSources = max(1, minimumSources)
        self.maxAge = maxAge
        self.maxDeviationBps = maxDeviationBps
    }

    /// The median of `sorted` (ascending, non-empty).
    public static func median(sorted: [UInt64]) -> UInt64 {
        let n = sorted.count
        if n % 2 == 1 { return sorted[n / 2] }
        let a = sorted[n / 2 - 1], b = sorted[n / 2]
        return a / 2 + b / 2 + (a % 2 + b % 2) / 2
    }

    /// Aggregates `quotes` (of one asset) at time `t`.
    public func aggregate(_ quotes: [Quote], at t: UInt64) -> AggregatedPrice {
        var newest: [SourceID: Quote] = [:]
        var stale: [Quote] = []
        for q in quotes {
            guard q.observedAt <= t, t - q.observedAt <= maxAge else {
                stale.append(q)
                continue
            }
            if let previous = newest[q.source] {
                if q.observedAt > previous.observedAt {
                    stale.append(previous)
                    newest[q.source] = q
                } else {
                    stale.append(q)
                }
            } else {
                newest[q.source] = q
            }
        }
        let fresh = newest.values.sorted { $0.source < $1.source }
        guard fresh.count >= minimumSources else {
            return AggregatedPrice(price: nil, referenceMedian: fresh.isEmpty ? nil : PriceAggregator.median(sorted: fresh.map(\.price).sorted()),
                                   fresh: fresh, used: [], outliers: [], stale: stale)
        }
        let m = PriceAggregator.median(sorted: fresh.map(\.price).sorted())
        var used: [Quote] = []
        var outliers: [Quote] = []
        for q in fresh {
            let distance = q.price > m ? q.price - m : m - q.price
            if UInt128(distance) * 10_000 > UInt128(m) * UInt128(maxDeviationBps) {
                outliers.append(q)
            } else {
                used.append(q)
            }
        }
        guard used.count >= minimumSources else {
            return AggregatedPrice(price: nil, referenceMedian: m, fresh: fresh, used: [], outliers: outliers, stale: stale)
        }
        return AggregatedPrice(price: PriceAggregator.median(sorted: used.map(\.price).sorted()), referenceMedian: m,
                               fresh: fresh, used: used, outliers: outliers, stale: stale)
    }
}
