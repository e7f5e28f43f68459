import BatchWriter
import EVM
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import Testing

@Suite("The daily price root of :X9 mark prices (kind 3)")
struct DailyPriceRootTests {
    static let day: UInt64 = 20_782  // 2026-11-25

    /// The core with BTC marked at three marks of `day` and ETH at two (one of them missing), plus one mark the next day.
    static func core(path: String) throws -> (DurableEngine, PriceHistory) {
        let store = try DurableEngine(path: path, configuration: EngineConfiguration(
            limits: try StakeLimits(minimum: 1, maximum: 1_000_000_000, exposureCap: 1_000_000_000_000), entropy: .seeded(7)))
        let btc = try AssetID(symbol: "BTC-USD"), eth = try AssetID(symbol: "ETH-USD")
        try store.addAsset(btc)
        try store.addAsset(eth)
        var expected = PriceHistory()
        let start = day * 86_400
        let marks: [(AssetID, UInt64, UInt64?)] = [
            (btc, start + 540, 9_712_345_678_901), (btc, start + 1_140, 9_713_000_000_000), (btc, start + 86_340, 9_800_000_000_000),
            (eth, start + 540, 345_678_901_234), (eth, start + 1_140, nil), (btc, start + 86_400 + 540, 9_900_000_000_000),
        ]
        for (asset, mark, price) in marks {
            try store.lock(asset: asset, settlesAt: mark, price: price)
            _ = try store.settle(asset: asset, settlesAt: mark, price: price)
            expected.recordMark(asset: asset, settlesAt: mark, price: price)
        }
        return (store, expected)
    }

    @Test(arguments: Backend.allCases)
    func anchorsEachCompleteDaysRootOnceUnderItsDayNumber(backend: Backend) async throws {
        let h = try await Harness(backend) { $0.dailyRootDelaySeconds = 600 }
        h.chain.state.withLock { $0.automine = true }
        let (_, expected) = try Self.core(path: h.path)
        let prices = try CorePriceLog(path: h.path)
        #expect(try await prices.pricedDays(before: Self.day + 2) == [Self.day, Self.day + 1])
        let engine = try await h.engine(prices: prices)
        // The day ended, but not `dailyRootDelaySeconds` ago: nothing yet.
        h.chain.state.withLock { $0.time = (Self.day + 1) * 86_400 + 100 }
        h.chain.mine()
        try await engine.step()
        #expect(try await h.queue.batches(kind: .dailyPriceRoot, states: [], after: nil, limit: 10).isEmpty)
        h.chain.state.withLock { $0.time = (Self.day + 1) * 86_400 + 600 }
        h.chain.mine()
        let report = try await engine.step()
        try await engine.step()
        let id = BatchID(kind: .dailyPriceRoot, sequence: Self.day)
        #expect(report.closed == [id])
        #expect(id.word.description == "0x000000000000000000000000000000000000000000000003000000000000512e")
        let batch = try #require(try await h.queue.batch(id))
        let root = try expected.dailyPriceRoot(day: Self.day)
        #expect(batch.state == .final)
        #expect(batch.root == root.root)
        #expect(batch.count == 4)  // the missing ETH mark is not a leaf; the next day's mark is not in this day
        #expect(batch.firstTime == Self.day * 86_400 + 540 && batch.lastTime == Self.day * 86_400 + 86_340)
        #expect(try await h.queue.treeNodes(of: id) == root.tree.nodes)
        #expect(try await h.chain.anchoredAt(id, root: root.root) != nil)
        // Once: more steps, and a restarted engine, anchor nothing more for that day.
        try await engine.step()
        let restarted = try await h.engine(prices: prices)
        try await restarted.reconcile()
        try await restarted.step()
        #expect(h.chain.state.withLock { $0.anchorEvents[id.word] } == 1)
        #expect(try await h.queue.batches(kind: .dailyPriceRoot, states: [], after: nil, limit: 10).map(\.id) == [id])
        // The next day closes once it is complete.
        h.chain.state.withLock { $0.time = (Self.day + 2) * 86_400 + 600 }
        h.chain.mine()
        try await restarted.step()
        try await restarted.step()
        let next = try await h.queue.batches(kind: .dailyPriceRoot, states: [.final], after: nil, limit: 10)
        #expect(next.map(\.id.sequence) == [Self.day, Self.day + 1])
        #expect(next.last?.root == (try expected.dailyPriceRoot(day: Self.day + 1)).root)
        try await h.checkInvariants(expected: 0)
    }

    @Test func aDayAlreadyAnchoredInTheRegistryIsNotAnchoredAgain() async throws {
        let h = try await Harness(.sqlite) { $0.dailyRootDelaySeconds = 0 }
        h.chain.state.withLock { $0.automine = true; $0.time = (Self.day + 1) * 86_400 + 5 }
        h.chain.mine()
        _ = try Self.core(path: h.path)
        let id = BatchID(kind: .dailyPriceRoot, sequence: Self.day)
        h.chain.state.withLock { $0.anchored[id.word] = (Keccak256.hash(data: [9]), 1) }
        let engine = try await h.engine(prices: try CorePriceLog(path: h.path))
        #expect(try await engine.step().closed.isEmpty)
        #expect(try await h.queue.batch(id) == nil)
    }
}
