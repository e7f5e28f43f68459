import EVM
import Foundation
import PredictionCore
import Receipts
import TestSupport
import Testing

/// One median rule (docs/PROTOCOL.md §7.1) on both sides: `PriceAggregator` gives the price `PriceOracle` computes on
/// chain for every quote set of Tests/Fixtures/oracle-median-vectors.json (random sets drawn by
/// Contracts/tests/gen_median_vectors.py, results taken from the contract through titanoboa).
@Suite("Oracle median parity")
struct OracleMedianParityTests {
    @Test func aggregatorMatchesTheContract() throws {
        let file = try #require(try fixtureJSON("oracle-median-vectors.json") as? [String: Any])
        let vectors = try #require(file["vectors"] as? [[String: Any]])
        #expect(vectors.count >= 200)
        let asset = try AssetID(symbol: "BTC-USD")
        var mismatches: [String] = []
        for (n, vector) in vectors.enumerated() {
            let bps = UInt64(try #require(vector["deviationBps"] as? Int))
            let minimum = try #require(vector["minReports"] as? Int)
            let prices = try #require(vector["prices"] as? [String]).map { UInt64($0)! }
            let expected = try #require(vector["result"] as? String)
            let quotes = prices.enumerated().map { Quote(source: SourceID("reporter-\($0.offset)"), asset: asset, price: $0.element, observedAt: 100) }
            let result = PriceAggregator(minimumSources: minimum, maxAge: 10, maxDeviationBps: bps).aggregate(quotes, at: 100)
            let got = result.price.map(String.init) ?? "refused"
            if got != expected { mismatches.append("vector \(n) (\(prices), bps \(bps), min \(minimum)): Swift \(got), contract \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
