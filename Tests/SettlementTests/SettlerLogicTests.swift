import EVM
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import Settlement
import Synchronization
import Testing

/// An oracle in memory: prices by (asset, mark), a clock, and rounds whose reads fail.
final class FakeFeed: SettlementPriceFeed, @unchecked Sendable {
    let state = Mutex<(now: UInt64, prices: [String: OraclePrice], failing: Set<String>)>((0, [:], []))

    func set(_ asset: String, _ mark: UInt64, _ price: UInt64, _ status: OracleStatus) {
        state.withLock { $0.prices["\(asset) \(mark)"] = OraclePrice(price: UInt128(price), status: status) }
    }
    func chainTime() async throws(Settlement.OracleError) -> UInt64 { state.withLock { $0.now } }
    func price(asset: AssetID, mark: UInt64) async throws(Settlement.OracleError) -> OraclePrice {
        let key = "\(asset.symbol) \(mark)"
        let (price, fails) = state.withLock { ($0.prices[key], $0.failing.contains(key)) }
        if fails { throw .chain(action: "price", detail: "connection reset") }
        return price ?? OraclePrice(price: 0, status: .missing)
    }
}

@Suite("The settler's rules, on an in-memory oracle")
struct SettlerLogicTests {
    static let mark: UInt64 = 1_795_608_540
    static let lock: UInt64 = 9_700_000_000_000

    /// An in-memory engine with rounds of BTC-USD and ETH-USD at `mark`, two predictions each; BTC locked, ETH locked
    /// when `lockBoth`.
    func engine(lockBoth: Bool = true) throws -> PredictionEngine {
        var engine = PredictionEngine(configuration: EngineConfiguration(entropy: .seeded(1)))
        for symbol in ["BTC-USD", "ETH-USD"] {
            let asset = try AssetID(symbol: symbol)
            try engine.addAsset(asset)
            try engine.setCurrentPrice(Self.lock, asset: asset)
        }
        for i in 0..<2 {
            let user = engine.registerUser(address: PredictionEngine.address(forUserName: "logic-\(i)"))
            try engine.deposit(50_000_000, to: user)
            for symbol in ["BTC-USD", "ETH-USD"] {
                let request = PlacementRequest(user: user, asset: try AssetID(symbol: symbol), direction: i == 0 ? .up : .down, stake: 10_000_000)
                guard case .success = try engine.submit(request, at: Self.mark - 100) else { throw FixtureError("refused") }
            }
        }
        try engine.lock(asset: try AssetID(symbol: "BTC-USD"), settlesAt: Self.mark, price: Self.lock)
        if lockBoth { try engine.lock(asset: try AssetID(symbol: "ETH-USD"), settlesAt: Self.mark, price: Self.lock) }
        return engine
    }

    @Test(arguments: [OracleStatus.missing, .provisional, .disputed])
    func waitsOnAPriceItMayNotSettleOn(_ status: OracleStatus) async throws {
        var engine = try engine()
        let feed = FakeFeed()
        feed.state.withLock { $0.now = Self.mark + 1_000 }
        feed.set("BTC-USD", Self.mark, Self.lock + 1, status)
        feed.set("ETH-USD", Self.mark, Self.lock + 1, status)
        var settler = Settler(feed: feed, policy: try SettlementPolicy())
        let pass = try await settler.pass(&engine)
        #expect(pass.map(\.decision) == Array(repeating: .waiting(voidAt: Self.mark + 86_400), count: 2))
        #expect(pass.map(\.oracle.status) == [status, status])
        #expect(engine.report(asset: try AssetID(symbol: "BTC-USD"), settlesAt: Self.mark) == nil)
    }

    @Test(arguments: [OracleStatus.final, .resolved])
    func settlesOnAFinalOrResolvedPriceExactly(_ status: OracleStatus) async throws {
        var engine = try engine()
        let feed = FakeFeed()
        feed.state.withLock { $0.now = Self.mark + 1_000 }
        feed.set("BTC-USD", Self.mark, Self.lock - 7, status)
        var settler = Settler(feed: feed, policy: try SettlementPolicy())
        let pass = try await settler.pass(&engine)
        guard case .settled(let report)? = pass.first?.decision else { Issue.record("\(pass)"); return }
        #expect(report.settlementPrice == Self.lock - 7)
        #expect(report.result == .down)
        let receipts = engine.outbox.drain(max: .max).map(\.receipt).filter { $0.kind == .settlement }
        #expect(receipts.count == 2 && receipts.allSatisfy { $0.settlementPrice == UInt128(Self.lock - 7) })
        #expect(pass.last?.decision == .waiting(voidAt: Self.mark + 86_400))  // ETH-USD: no price yet
    }

    @Test func nothingIsDueBeforeTheMark() async throws {
        var engine = try engine()
        let feed = FakeFeed()
        feed.set("BTC-USD", Self.mark, Self.lock, .final)
        var settler = Settler(feed: feed, policy: try SettlementPolicy())
        #expect(try await settler.pass(&engine, now: Self.mark - 1).isEmpty)
        #expect(try await settler.pass(&engine, now: Self.mark).count == 2)
    }

    @Test func anUnlockedRoundWaitsForItsLockThenIsVoidedAtTheDeadline() async throws {
        var engine = try engine(lockBoth: false)
        let feed = FakeFeed()
        feed.set("ETH-USD", Self.mark, Self.lock + 1, .final)
        var settler = Settler(feed: feed, policy: try SettlementPolicy(voidAfter: 3_600))
        var pass = try await settler.pass(&engine, now: Self.mark + 3_599)
        #expect(pass.last?.decision == .waitingForLock(voidAt: Self.mark + 3_600))
        pass = try await settler.pass(&engine, now: Self.mark + 3_600)
        guard case .voided(let report)? = pass.last?.decision else { Issue.record("\(pass)"); return }
        #expect(report.result == .void(.missingLockPrice))
        #expect(report.settlementPrice == nil && report.refunded == 20_000_000)
    }

    @Test func aPriceThatComesAfterTheDeadlineStillSettlesALockedRound() async throws {
        var engine = try engine()
        let feed = FakeFeed()
        feed.set("BTC-USD", Self.mark, Self.lock + 9, .resolved)
        var settler = Settler(feed: feed, policy: try SettlementPolicy(voidAfter: 3_600))
        let pass = try await settler.pass(&engine, now: Self.mark + 10_000)
        guard case .settled(let report)? = pass.first?.decision else { Issue.record("\(pass)"); return }
        #expect(report.settlementPrice == Self.lock + 9)
        guard case .voided? = pass.last?.decision else { Issue.record("ETH-USD: \(pass)"); return }
    }

    @Test func anOracleFailureStopsThePassAndTheNextPassResumes() async throws {
        var engine = try engine()
        let feed = FakeFeed()
        feed.state.withLock { $0.now = Self.mark + 1_000; $0.failing = ["ETH-USD \(Self.mark)"] }
        feed.set("BTC-USD", Self.mark, Self.lock + 1, .final)
        feed.set("ETH-USD", Self.mark, Self.lock + 1, .final)
        var settler = Settler(feed: feed, policy: try SettlementPolicy())
        await #expect(throws: SettlerError.oracle(.chain(action: "price", detail: "connection reset"))) { try await settler.pass(&engine) }
        #expect(engine.report(asset: try AssetID(symbol: "BTC-USD"), settlesAt: Self.mark) != nil)
        feed.state.withLock { $0.failing = [] }
        let pass = try await settler.pass(&engine)
        #expect(pass.map(\.round.asset.symbol) == ["ETH-USD"])
        #expect(try await settler.pass(&engine).isEmpty)
    }

    @Test func twoSettlersOfOneStoreSettleARoundOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sixnines-settlers-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let core = try CoreRound(mark: Self.mark, lockPrice: Self.lock, directory: directory)
        var first = try core.open(), second = try core.open()  // two processes on one store
        let feed = FakeFeed()
        feed.state.withLock { $0.now = Self.mark + 1_000 }
        feed.set("BTC-USD", Self.mark, Self.lock + 5, .final)
        var a = Settler(feed: feed, policy: try SettlementPolicy()), b = Settler(feed: feed, policy: try SettlementPolicy())
        guard case .settled? = try await a.pass(&first).first?.decision else { Issue.record("first did not settle"); return }
        #expect(try await b.pass(&second).map(\.decision) == [.alreadySettled])
        #expect(try core.settlementReceipts().count == 4)
        #expect(second.engine.report(asset: core.asset, settlesAt: Self.mark)?.settlementPrice == Self.lock + 5)
    }

    @Test func theVoidDeadlineMustOutlastTheOracleWindows() throws {
        #expect(throws: SettlerError.invalidVoidAfter(720, minimum: 721)) {
            try SettlementPolicy(voidAfter: 720, reportWindow: 120, disputeWindow: 600)
        }
        #expect(try SettlementPolicy(voidAfter: 721, reportWindow: 120, disputeWindow: 600).voidDeadline(of: Self.mark) == Self.mark + 721)
        #expect(throws: SettlerError.invalidVoidAfter(0, minimum: 1)) { try SettlementPolicy(voidAfter: 0) }
        #expect(SettlementPolicy.defaultVoidAfter == 86_400)
    }

    @Test func marksAndSourcesAreDeterministic() throws {
        #expect(ReporterLoop.lastMark(atOrBefore: Self.mark) == Self.mark)
        #expect(ReporterLoop.lastMark(atOrBefore: Self.mark + 599) == Self.mark)
        #expect(ReporterLoop.lastMark(atOrBefore: Self.mark - 1) == Self.mark - 600)
        let btc = try AssetID(symbol: "BTC-USD")
        let a = try SimulatedSources(seed: 7).aggregatedPrice(asset: btc, at: Self.mark).price
        #expect(try SimulatedSources(seed: 7).aggregatedPrice(asset: btc, at: Self.mark).price == a)
        #expect(try SimulatedSources(seed: 8).aggregatedPrice(asset: btc, at: Self.mark).price != a)
        // One walk per day: consecutive marks of a day move from each other, not from the start price each time.
        let b = try SimulatedSources(seed: 7).aggregatedPrice(asset: btc, at: Self.mark + 600).price
        #expect(a != b)
    }

    @Test func quotesFilesAreCheckedAndAggregatedByTheMedianRule() throws {
        let t = Self.mark
        let good = """
            {"SPY": {"a": {"price": "601.12", "observedAt": \(t)}, "b": {"price": "601.14", "observedAt": \(t - 3)},
                     "c": {"price": "601.10", "observedAt": \(t - 9)}, "d": {"price": "640.00", "observedAt": \(t)},
                     "e": {"price": "601.13", "observedAt": \(t - 11)}}}
            """
        let file = try QuotesFile(text: good, path: "q.json")
        let (price, detail) = try file.aggregatedPrice(asset: try AssetID(symbol: "SPY"), at: t)
        #expect(price == 60_112_000_000)  // the outlier d and the stale e are left out
        #expect(detail.outliers.map(\.source.name) == ["d"] && detail.stale.map(\.source.name) == ["e"])
        func refused(_ text: String, _ fragment: String) {
            #expect { try QuotesFile(text: text, path: "q.json") } throws: { "\($0)".contains(fragment) }
        }
        refused("[1]", "expected an object of assets")
        refused(#"{"btc usd": {}}"#, "not an asset symbol")
        refused(#"{"SPY": {}}"#, "must be an object of sources")
        refused(#"{"SPY": {"a": {"price": "1.123456789", "observedAt": 1}}}"#, "beyond 8 decimals")
        refused(#"{"SPY": {"a": {"price": "0", "observedAt": 1}}}"#, "must be positive")
        refused(#"{"SPY": {"a": {"price": "1", "observedAt": -1}}}"#, "observedAt must be unix seconds")
        #expect(throws: Settlement.OracleError.noAggregatedPrice(asset: "SPY", at: t + 100, fresh: 0, outliers: 0, stale: 5, minimum: 3)) {
            try file.aggregatedPrice(asset: try AssetID(symbol: "SPY"), at: t + 100)
        }
    }
}
