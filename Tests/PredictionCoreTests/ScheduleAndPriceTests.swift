import EVM
import Foundation
import PredictionCore
import Receipts
import TestSupport
import Testing

let btc = try! AssetID(symbol: "BTC-USD")
let eth = try! AssetID(symbol: "ETH-USD")
let spy = try! AssetID(symbol: "SPY")

func payload(_ name: String) throws -> [UInt8] { Array(try fixtureData("prices/\(name)")) }

@Suite("Schedule")
struct ScheduleTests {
    let schedule = try! RoundSchedule()

    @Test func marksAcrossHourAndDayBoundaries() {
        // 2026-11-25 12:09:00 UTC is a mark.
        let m: UInt64 = 1_795_608_540
        #expect(schedule.mark(after: m - 1) == m)
        #expect(schedule.mark(after: m) == m + 600)
        #expect(schedule.mark(after: m - 600) == m)
        // 23:59:00 and 00:09:00 next day around a UTC day boundary (86400 · 20782 = 2026-11-25 00:00).
        let midnight: UInt64 = 86_400 * 20_783
        #expect(schedule.mark(after: midnight - 61) == midnight - 60)
        #expect(schedule.mark(after: midnight - 60) == midnight + 540)
        #expect(schedule.mark(after: midnight) == midnight + 540)
        // :59 → next hour :09.
        let hour: UInt64 = 3600 * 498_780
        #expect(schedule.mark(after: hour - 60) == hour + 540)
        #expect(schedule.mark(after: 0) == 540)
    }

    @Test func cutoffToTheSecond() throws {
        let m: UInt64 = 1_795_608_540
        #expect(schedule.cutoff(of: m) == m - 30)
        #expect(schedule.isOpen(at: m - 31))
        #expect(!schedule.isOpen(at: m - 30))
        #expect(!schedule.isOpen(at: m - 1))
        #expect(schedule.isOpen(at: m))  // the next round opens at the mark
        #expect(schedule.window(at: m - 30) == RoundWindow(settlesAt: m, opensAt: m - 600, cutoff: m - 30, isOpen: false))
        #expect(schedule.nextOpenWindow(at: m - 30).settlesAt == m + 600)
        let zero = try RoundSchedule(cutoffSeconds: 0)
        #expect(zero.isOpen(at: m - 1))
        #expect(throws: ConfigurationError.invalidCutoff(600)) { try RoundSchedule(cutoffSeconds: 600) }
    }

    @Test func anyTimestampProperty() {
        var random = SeededRandom()
        for _ in 0..<20_000 {
            let t = random.next() >> 2
            let c = random.next() % 600
            let s = try! RoundSchedule(cutoffSeconds: c)
            let m = s.mark(after: t)
            #expect(m % 600 == 540 && m > t && m - t <= 600, "t=\(t) \(random.replay)")
            #expect(s.isOpen(at: t) == (t < m - c), "t=\(t) c=\(c) \(random.replay)")
            #expect(SettlementSchedule.nextSettlement(after: t) == m)
        }
    }
}

@Suite("Prices")
struct PriceTests {
    @Test func decimalsParseExactly() throws {
        #expect(try FixedPoint.parse("97123.45678901", decimals: 8) == 9_712_345_678_901)
        #expect(try FixedPoint.parse("97123.45", decimals: 8) == 9_712_345_000_000)
        #expect(try FixedPoint.parse("97123", decimals: 8) == 9_712_300_000_000)
        #expect(try FixedPoint.parse("0.00000001", decimals: 8) == 1)
        #expect(try FixedPoint.parse("3621.500000000000", decimals: 8) == 362_150_000_000)
        #expect(try FixedPoint.parse(".5", decimals: 8) == 50_000_000)
        #expect(throws: PriceParseError.tooManyDecimals("1.000000001", decimals: 8)) { try FixedPoint.parse("1.000000001", decimals: 8) }
        for bad in ["", ".", "1.2.3", "-1", "1e5", " 1", "0x10", "1,5"] {
            #expect(throws: PriceParseError.invalidNumber(bad)) { try FixedPoint.parse(bad, decimals: 8) }
        }
        #expect(throws: PriceParseError.overflow("184467440737.09551616")) { try FixedPoint.parse("184467440737.09551616", decimals: 8) }
        #expect(try FixedPoint.parse("184467440737.09551615", decimals: 8) == UInt64.max)
        #expect(FixedPoint.format(9_712_345_678_901, decimals: 8) == "97123.45678901")
        #expect(FixedPoint.format(1, decimals: 6) == "0.000001")
        #expect(FixedPoint.format(signed: -1_500_000, decimals: 6) == "-1.500000")
    }

    @Test func formatParseRoundTrip() throws {
        var random = SeededRandom()
        for _ in 0..<5_000 {
            let v = random.next() >> UInt64(random.next() % 64)
            #expect(try FixedPoint.parse(FixedPoint.format(v, decimals: 8), decimals: 8) == v, "\(v) \(random.replay)")
        }
    }

    @Test func binance() throws {
        let one = try BinanceTicker.parsePrice(try payload("binance-ticker-price.json"), observedAt: 100)
        #expect(one == [Quote(source: .binance, asset: btc, price: 9_712_345_000_000, observedAt: 100)])
        let many = try BinanceTicker.parsePrice(try payload("binance-ticker-price-array.json"), observedAt: 7)
        #expect(many.map(\.asset) == [btc, eth])
        #expect(many.map(\.price) == [9_712_345_000_000, 362_150_000_000])
        let book = try BinanceTicker.parseBookTicker(try payload("binance-book-ticker.json"), observedAt: 1)
        #expect(book.map(\.price) == [9_712_344_500_000])
        #expect(throws: PriceParseError.exchangeError("Invalid symbol.")) {
            try BinanceTicker.parsePrice(try payload("binance-error.json"), observedAt: 0)
        }
        #expect(throws: PriceParseError.unknownSymbol("BTCUSDT")) {
            try BinanceTicker.parsePrice(try payload("binance-ticker-price.json"), observedAt: 0, symbols: [:])
        }
        #expect(throws: PriceParseError.malformedPayload("not JSON")) { try BinanceTicker.parsePrice(Array("{".utf8), observedAt: 0) }
        #expect(throws: PriceParseError.missingField("price")) {
            try BinanceTicker.parsePrice(Array(#"{"symbol":"BTCUSDT","price":97123.45}"#.utf8), observedAt: 0)
        }
    }

    @Test func coinbaseAndKraken() throws {
        let q = try CoinbaseTicker.parse(try payload("coinbase-ticker-BTC-USD.json"), productID: "BTC-USD", observedAt: 5)
        #expect(q == Quote(source: .coinbase, asset: btc, price: 9_712_511_000_000, observedAt: 5))
        let e = try CoinbaseTicker.parse(try payload("coinbase-ticker-ETH-USD.json"), productID: "ETH-USD", observedAt: 5)
        #expect(e.price == 362_158_000_000)
        #expect(throws: PriceParseError.exchangeError("NotFound")) {
            try CoinbaseTicker.parse(try payload("coinbase-error.json"), productID: "BTC-USD", observedAt: 0)
        }
        let k = try KrakenTicker.parse(try payload("kraken-ticker.json"), observedAt: 9)
        #expect(k.map(\.asset) == [eth, btc])  // result keys sorted: XETHZUSD < XXBTZUSD
        #expect(k.map(\.price) == [362_161_000_000, 9_712_490_000_000])
        #expect(throws: PriceParseError.exchangeError("EQuery:Unknown asset pair")) {
            try KrakenTicker.parse(try payload("kraken-error.json"), observedAt: 0)
        }
    }

    func quote(_ source: String, _ price: UInt64, at t: UInt64 = 100) -> Quote {
        Quote(source: SourceID(source), asset: btc, price: price, observedAt: t)
    }

    @Test func medianAndOutliers() {
        let agg = PriceAggregator()
        // Odd: the middle one.
        #expect(agg.aggregate([quote("a", 100_000), quote("b", 100_010), quote("c", 100_005)], at: 100).price == 100_005)
        // Even: floor of the mean of the two middle ones.
        #expect(agg.aggregate([quote("a", 100_000), quote("b", 100_003), quote("c", 100_006), quote("d", 100_010)], at: 100).price == 100_004)
        // Exactly 0.1 % away stays; one unit more is an outlier and is reported.
        let m: UInt64 = 1_000_000
        let exact = agg.aggregate([quote("a", m), quote("b", m), quote("c", m), quote("d", m + 1_000)], at: 100)
        #expect(exact.outliers.isEmpty && exact.price == m)
        let beyond = agg.aggregate([quote("a", m), quote("b", m), quote("c", m), quote("d", m + 1_001), quote("e", m - 1_001)], at: 100)
        #expect(beyond.outliers.map(\.source.name) == ["d", "e"])
        #expect(beyond.price == m && beyond.used.count == 3)
        // Outliers leave fewer than 3: missing.
        let few = agg.aggregate([quote("a", m), quote("b", m), quote("c", 2 * m)], at: 100)
        #expect(few.price == nil && few.outliers.count == 1)
    }

    @Test func staleSourcesAreIgnored() {
        let agg = PriceAggregator(maxAge: 10)
        let quotes = [quote("a", 100, at: 90), quote("b", 100, at: 89), quote("c", 100, at: 100), quote("d", 100, at: 101)]
        let r = agg.aggregate(quotes, at: 100)
        #expect(r.price == nil)  // a and c are fresh; b is 11 s old, d is from the future
        #expect(r.stale.map(\.source.name) == ["b", "d"])
        // A source's older quote is superseded by its newer one (one vote per source).
        let dup = agg.aggregate([quote("a", 100, at: 95), quote("a", 200, at: 99), quote("b", 200, at: 99), quote("c", 200, at: 99)], at: 100)
        #expect(dup.price == 200 && dup.stale.count == 1)
        #expect(agg.aggregate([], at: 100).price == nil)
    }

    @Test func aggregationProperty() {
        var random = SeededRandom()
        let agg = PriceAggregator()
        for _ in 0..<3_000 {
            let base = 1_000_000 + random.next() % 10_000_000_000
            let n = Int(random.next() % 8)
            let quotes = (0..<n).map { i in
                let off = random.next() % 3 == 0 ? base / 100 : random.next() % (base / 2_000 + 1)
                return quote("s\(i)", random.next() % 2 == 0 ? base + off : base - off, at: 100 - random.next() % 15)
            }
            let r = agg.aggregate(quotes, at: 100)
            if let p = r.price {
                #expect(r.used.count >= 3, "\(random.replay)")
                let sorted = r.used.map(\.price).sorted()
                #expect(sorted.first! <= p && p <= sorted.last!, "\(random.replay)")
                for q in r.used { #expect(q.observedAt + 10 >= 100) }
            } else {
                #expect(r.used.isEmpty)
            }
            #expect(r.fresh.count + r.stale.count == quotes.count, "\(random.replay)")
            if r.fresh.count >= 3 { #expect((r.price == nil ? r.fresh.count - r.outliers.count : r.used.count) + r.outliers.count == r.fresh.count, "\(random.replay)") }
        }
    }

    @Test func simulatedFeedIsDeterministic() {
        let assets = [try! SimulatedFeed.Asset.standard("BTC-USD"), try! SimulatedFeed.Asset.standard("SPY")]
        var a = SimulatedFeed(assets: assets, seed: 42, start: 1_000)
        var b = SimulatedFeed(assets: assets, seed: 42, start: 1_000)
        a.advance(to: 5_000)
        b.advance(to: 5_000)
        #expect(a.quotes(0) == b.quotes(0) && a.truePrice(1) == b.truePrice(1))
        #expect(a.truePrice(0) % 1_000_000 == 0)
    }

    @Test func dailyPriceRootMatchesTheProtocolFixture() throws {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let tree = try #require(vectors["priceTree"] as? [String: Any])
        let dump = try #require(tree["dump"] as? [String: Any])
        let values = try #require(dump["values"] as? [[String: Any]])
        var history = PriceHistory()
        var expectedLeaves: [String] = []
        for entry in values {
            let v = try #require(entry["value"] as? [Any])
            let asset = try AssetID(word: try Bytes32(hex: try #require(v[1] as? String)))
            let t = UInt64(try #require(v[2] as? Int))
            let price = try #require((v[3] as? Int).map(UInt64.init) ?? (v[3] as? String).flatMap { UInt64($0) })
            let sourceByte = try #require(v[4] as? Int)
            let source = try #require(PriceLeaf.Source(rawValue: UInt8(sourceByte)))
            history.recordMark(asset: asset, settlesAt: t, price: price, source: source)
            expectedLeaves.append(PriceLeaf(asset: asset, settlesAt: t, price: price, source: source).leaf.description)
        }
        #expect(Set(expectedLeaves) == Set(try #require(tree["leaves"] as? [String])))
        let day = try #require(values.first.flatMap { ($0["value"] as? [Any])?[2] as? Int }).magnitude / 86_400
        let root = try history.dailyPriceRoot(day: UInt64(day))
        #expect(root.root.description == tree["root"] as? String)
        #expect(root.batchID.description == tree["batchId"] as? String)
        #expect(PriceLeaf.leafEncoding == vectors["priceLeafEncoding"] as? [String])
    }
}
