import EVM
import Foundation
import PredictionCore
import PredictionStore
import Receipts
import TestSupport
import Testing

let mark: UInt64 = 1_795_608_540
let btc = try! AssetID(symbol: "BTC-USD")
let eth = try! AssetID(symbol: "ETH-USD")
let spy = try! AssetID(symbol: "SPY")

func temporaryStore() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("core-\(UUID().uuidString).sqlite").path
}

@Suite("Durable engine (SQLite WAL)")
struct DurableEngineTests {
    let configuration = EngineConfiguration(entropy: .seeded(3))

    /// Reopening replays the log into an identical engine; settled rounds stay settled.
    @Test func reopenRestoresEverything() throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expectedPredictions: [Prediction] = []
        var expectedBalances: [Int64] = []
        do {
            let store = try DurableEngine(path: path, configuration: configuration)
            try store.addAsset(btc)
            try store.addAsset(eth)
            try store.setCurrentPrice(9_712_345_678_901, asset: btc)
            try store.setCurrentPrice(362_150_000_000, asset: eth)
            var users: [UserID] = []
            for i in 0..<6 {
                let u = try store.registerUser(address: PredictionEngine.address(forUserName: "d\(i)"), tier: VIPTier.allCases[i % 3])
                try store.deposit(100_000_000, to: u)
                users.append(u)
            }
            var batch: [(PlacementRequest, UInt64)] = []
            for i in 0..<30 {
                let asset: AssetID = i % 2 == 0 ? btc : eth
                let direction: Receipt.Direction = i % 3 == 0 ? .down : .up
                let stake: UInt64 = 1_000_000 + UInt64(i) * 12_345
                let request = PlacementRequest(user: users[i % 6], asset: asset, direction: direction, stake: stake,
                                               clientKey: UInt128(i))
                batch.append((request, mark - 100 + UInt64(i)))
            }
            let results = try store.place(batch: batch)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            // A retry is answered from the first result and writes nothing.
            let again = try store.place(batch[0].0, at: mark - 50).get()
            #expect(again.replayed)
            #expect(try store.place(PlacementRequest(user: users[0], asset: btc, direction: .up, stake: 1), at: mark - 50)
                    == .failure(.stakeBelowMinimum(stake: 1, minimum: 1_000_000)))
            try store.lock(asset: btc, settlesAt: mark, price: 10)
            _ = try store.settle(asset: btc, settlesAt: mark, price: 11)
            try store.lock(asset: eth, settlesAt: mark, price: 10)
            expectedPredictions = Array(store.engine.predictions)
            expectedBalances = store.engine.ledger.balances
            #expect(try store.outboxCount() == 30 + 15)
        }
        let reopened = try DurableEngine(path: path, configuration: configuration)
        #expect(Array(reopened.engine.predictions) == expectedPredictions)
        #expect(reopened.engine.ledger.balances == expectedBalances)
        #expect(reopened.engine.outbox.pendingCount == 0)
        #expect(try reopened.outboxCount() == 45)
        #expect(throws: DurableError.settlement(.alreadySettled(asset: "BTC-USD", settlesAt: mark))) {
            try reopened.settle(asset: btc, settlesAt: mark, price: 11)
        }
        // The ETH round was locked before the restart and settles after it.
        let report = try reopened.settle(asset: eth, settlesAt: mark, price: 9)
        #expect(report.isConserved && report.result == .down)
        #expect(try reopened.outboxCount() == 60)
        let leaves = try reopened.outboxLeaves()
        #expect(Set(leaves).count == 60)
        #expect(reopened.engine.ledger.total == 0)
    }

    /// The durable outbox holds each placement's leaf, in order, with and without client keys; a reopened store
    /// replays to the same predictions (ids, salts, client keys, entry prices).
    @Test func durablePlacementsStoreTheirLeavesAndReplay() throws {
        let path = temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var leaves: [Bytes32] = []
        var predictions: [Prediction] = []
        do {
            let store = try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(9)))
            try store.addAsset(btc)
            try store.addAsset(spy)
            try store.setCurrentPrice(9_712_345_678_901, asset: btc)
            try store.setCurrentPrice(60_112_000_000, asset: spy)
            let users = try (0..<5).map { i in
                let u = try store.registerUser(address: PredictionEngine.address(forUserName: "e\(i)"))
                try store.deposit(1_000_000_000, to: u)
                return u
            }
            for group in 0..<3 {
                let batch: [(PlacementRequest, UInt64)] = (0..<40).map { i in
                    let n = group * 40 + i
                    return (PlacementRequest(user: users[n % 5], asset: n % 2 == 0 ? btc : spy, direction: n % 3 == 0 ? .down : .up,
                                             stake: 1_000_000 + UInt64(n), clientKey: n % 4 == 0 ? UInt128(n) << 70 | 0xABCD : nil),
                             mark - 200 + UInt64(n))
                }
                for result in try store.place(batch: batch) { leaves.append(try result.get().leaf) }
            }
            #expect(try store.outboxLeaves() == leaves)
            // A settlement (written through the generic commit, sharing the outbox statement), then more placements.
            try store.lock(asset: btc, settlesAt: mark, price: 10)
            let report = try store.settle(asset: btc, settlesAt: mark, price: 11)
            leaves = try store.outboxLeaves()
            #expect(leaves.count == 120 + report.receiptsEmitted)
            for n in 0..<7 {
                let request = PlacementRequest(user: users[n % 5], asset: btc, direction: .up, stake: 2_000_000,
                                               clientKey: n % 2 == 0 ? UInt128(n) : nil)
                leaves.append(try store.place(request, at: mark + 60 + UInt64(n)).get().leaf)
            }
            #expect(try store.outboxLeaves() == leaves)
            predictions = Array(store.engine.predictions)
            #expect(Set(predictions.map(\.placementLeaf)).isSubset(of: leaves))
        }
        let reopened = try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(1)))
        #expect(Array(reopened.engine.predictions) == predictions)
        #expect(try reopened.outboxLeaves() == leaves)
    }
}

@Suite("Simulation on the durable engine")
struct DurableSimulationTests {
    /// `Simulation` is written once against `PredictionCommands`: on the durable engine it gives the same rounds as
    /// in memory, and its store holds every receipt it emitted.
    @Test func durableRunEqualsInMemoryRun() throws {
        let path = temporaryStore()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let configuration = Simulation.Configuration(assets: ["BTC-USD", "SPY"], rounds: 3, users: 20, seed: 7)
        var memory = try Simulation(configuration)
        var durable = try Simulation(configuration) { try DurableEngine(path: path, configuration: $0) }
        let expected = try memory.run()
        let got = try durable.run()
        #expect(got == expected)
        let receipts = got.reduce(0) { $0 + $1.receipts }
        #expect(receipts > 0)
        let reopened = try DurableEngine(path: path)
        #expect(try reopened.outboxCount() == receipts)
        // The store now holds a run: a second simulation on it is refused, not mixed in.
        #expect(throws: Simulation.SetupError.store("the engine already holds a run")) {
            _ = try Simulation(configuration) { try DurableEngine(path: path, configuration: $0) }
        }
    }

    /// A store that cannot be opened is a clear setup error, not a crash.
    @Test func unopenableStoreIsAnError() {
        #expect(throws: Simulation.SetupError.self) {
            _ = try Simulation(Simulation.Configuration(assets: ["BTC-USD"], rounds: 1, users: 1, seed: 1)) {
                try DurableEngine(path: "/nonexistent-dir/x/store.sqlite", configuration: $0)
            }
        }
    }
}
