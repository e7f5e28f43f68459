import EVM
import Foundation
import PredictionCore
import Receipts
import TestSupport
import Testing

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
}
