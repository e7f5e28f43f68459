import EVM
import Foundation
import PredictionCore
import Receipts
import Testing

/// The receipts the engine emits on its fast paths (settlement built and hashed in parallel chunks, durable
/// placements bound straight into SQLite) are exactly the receipts the protocol defines, in emission order.
@Suite("Receipt emission")
struct ReceiptEmissionTests {
    /// A round large enough to be settled in several parallel chunks: one settlement receipt per prediction,
    /// in placement order, contiguous sequence numbers, every leaf `receipt.leaf`, fields as the rule says.
    @Test(arguments: [3, 4_096, 10_007])
    func settlementReceiptsOfLargeRounds(count: Int) throws {
        var engine = makeEngine(limits: try StakeLimits(minimum: 1, maximum: 1_000_000_000, exposureCap: 1_000_000_000_000))
        let users = (0..<97).map { engine.user($0, tier: VIPTier.allCases[$0 % 3], funds: 1_000_000_000_000) }
        for i in 0..<count {
            let request = PlacementRequest(user: users[i % users.count], asset: btc, direction: i % 3 == 0 ? .down : .up,
                                           stake: 1_000_000 + UInt64(i % 977) * 1_013)
            _ = try engine.place(request, at: mark - 300 + UInt64(i % 200))
        }
        let placed = engine.outbox.drain(max: .max)
        #expect(placed.count == count)
        try engine.lock(asset: btc, settlesAt: mark, price: 100)
        let report = try engine.settle(asset: btc, settlesAt: mark, price: 101)
        #expect(report.isConserved && report.result == .up && report.receiptsEmitted == count)
        let settled = engine.outbox.drain(max: .max)
        #expect(settled.count == count)
        var paid: UInt64 = 0
        for (i, entry) in settled.enumerated() {
            let p = engine.predictions[i]
            #expect(entry.sequence == placed.last!.sequence + 1 + UInt64(i))
            let expected = Receipt(kind: .settlement, predictionId: p.id, userCommitment: p.userCommitment, asset: btc,
                                   direction: p.direction, stake: UInt128(p.stake), placedAt: p.placedAt, settlesAt: mark,
                                   entryPrice: 100, settlementPrice: 101, outcome: p.direction == .up ? .win : .loss,
                                   payout: UInt128(p.payout))
            #expect(entry.receipt == expected, "receipt \(i)")
            #expect(entry.leaf == expected.leaf, "leaf \(i)")
            #expect(p.outcome == expected.outcome)
            paid += p.payout
        }
        #expect(paid == report.paidToWinners)
    }

    /// With the outbox not kept, settlement still counts every receipt.
    @Test func settlementWithoutKeptReceiptsCountsThem() throws {
        var engine = PredictionEngine(configuration: EngineConfiguration(entropy: .seeded(5), keepsReceipts: false))
        try engine.addAsset(btc)
        try engine.setCurrentPrice(1, asset: btc)
        let u = engine.user(1, funds: 100_000_000_000)
        for i in 0..<5_000 {
            _ = try engine.place(PlacementRequest(user: u, asset: btc, direction: i % 2 == 0 ? .up : .down, stake: 1_000_000),
                                 at: mark - 300)
        }
        _ = try engine.settle(asset: btc, settlesAt: mark, price: 2)
        #expect(engine.outbox.emitted == 10_000 && engine.outbox.pendingCount == 0)
    }
}
