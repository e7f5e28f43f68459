import EVM
import Foundation
import Payouts
import PredictionCore
import PredictionStore
import Receipts
import TestSupport
import Testing

private let btc = try! AssetID(symbol: "BTC-USD")  // invariant: a valid symbol
private let mark: UInt64 = 1_795_612_140

/// A durable store at a temporary path with one settled BTC round: users 0–3 up (win), 4–5 down (loss), and an
/// unsettled round after it.
private func settledStore() throws -> (path: String, users: [Address]) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("payouts-\(UUID()).sqlite").path
    let store = try DurableEngine(path: path, configuration: EngineConfiguration(entropy: .seeded(5)))
    try store.addAsset(btc)
    try store.setCurrentPrice(6_400_000_000_000, asset: btc)
    var users: [Address] = []
    var ids: [UserID] = []
    for i in 0..<6 {
        let address = PredictionEngine.address(forUserName: "payee\(i)")
        let u = try store.registerUser(address: address)
        try store.deposit(100_000_000, to: u)
        users.append(address)
        ids.append(u)
    }
    for i in 0..<6 {
        _ = try store.place(PlacementRequest(user: ids[i], asset: btc, direction: i < 4 ? .up : .down, stake: 10_000_000), at: mark - 300).get()
    }
    try store.lock(asset: btc, settlesAt: mark, price: 6_400_000_000_000)
    _ = try store.settle(asset: btc, settlesAt: mark, price: 6_500_000_000_000)
    _ = try store.place(PlacementRequest(user: ids[0], asset: btc, direction: .up, stake: 1_000_000), at: mark + 100).get()
    return (path, users)
}

private func owed(_ n: Int, micro: UInt64 = 1_000_000) -> [SettledPayout] {
    (0..<n).map { i in
        let receipt = Receipt(kind: .settlement, predictionId: Keccak256.hash(utf8: "p\(i)"), userCommitment: .zero, asset: btc,
                              direction: .up, stake: UInt128(micro), placedAt: mark - 100, settlesAt: mark, entryPrice: 1, settlementPrice: 2,
                              outcome: .win, payout: UInt128(micro))
        return SettledPayout(round: RoundID(asset: btc, settlesAt: mark), predictionId: receipt.predictionId,
                             recipient: PredictionEngine.address(forUserName: "u\(i)"), outcome: .win, micro: micro, receipt: receipt)
    }
}

@Suite("proposing from settled rounds, daily limits, reconciliation")
struct PlanningTests {
    @Test func readsWinsOfSettledRoundsWithTheirSettlementReceipts() throws {
        let (path, users) = try settledStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let round = RoundID(asset: btc, settlesAt: mark)
        let payouts = try SettledPayouts.read(store: path, selection: .rounds([round]))
        #expect(payouts.map(\.recipient) == Array(users.prefix(4)))
        #expect(payouts.allSatisfy { $0.outcome == .win && $0.receipt.kind == .settlement && $0.receipt.payout == UInt128($0.micro) })
        // Pari-mutuel: the 4 winners share the 20 USDC losing pool net of the 3 % fee: 10 + 4.85 each.
        #expect(payouts.map(\.micro) == Array(repeating: 14_850_000, count: 4))
        // The receipts are the ones the store emitted (with the settlement price), equal to those the engine rebuilds.
        #expect(payouts.allSatisfy { $0.receipt.settlementPrice == 6_500_000_000_000 && $0.receipt.entryPrice == 6_400_000_000_000 })
        let emitted = try SettlementReceipts.read(path: path)
        #expect(emitted.count == 6)
        #expect(payouts.allSatisfy { emitted[$0.predictionId] == $0.receipt })
        let store = try DurableEngine(path: path)
        #expect(try SettledPayouts.read(engine: store.engine, selection: .since(0)) == payouts)
        #expect(try SettledPayouts.read(store: path, selection: .since(mark)).count == 4)
        #expect(throws: PayoutError.self) { try SettledPayouts.read(store: path + ".missing", selection: .since(0)) }
        #expect(!FileManager.default.fileExists(atPath: path + ".missing"))
        #expect(try SettledPayouts.read(store: path, selection: .since(mark + 1)).isEmpty)
        #expect(throws: PayoutError.self) { try SettledPayouts.read(store: path, selection: .rounds([RoundID(asset: btc, settlesAt: mark + 600)])) }
    }

    @Test func roundIDsAreAssetAtMark() throws {
        #expect(try RoundID("BTC-USD@1795612140").description == "BTC-USD@1795612140")
        for bad in ["BTC-USD", "BTC-USD@", "@1795612140", "BTC-USD@1795612141", "BTC-USD@12x", "a@b@c"] {
            #expect(throws: PayoutError.self, "\(bad)") { try RoundID(bad) }
        }
    }

    @Test func batchesSplitAtMaxPayoutsAndStayWithinTheDailyLimit() throws {
        let token = try PayoutToken(address: .zero, unitsPerMicro: UInt256(1_000_000_000_000))
        let vault = PredictionEngine.address(forUserName: "vault")
        // 25 payouts of 1 USDC = 1e18 wei each; 20e18 left today: 20 are proposed in batches of 8, 8, 4 at 5, 6, 7.
        let plan = try PayoutPlan(owed: owed(25), handled: [], token: token, remainingToday: UInt256(20) * UInt256(1_000_000_000_000_000_000 as UInt64),
                                  startNonce: 5, maxPerBatch: 8, deadline: 99, chainId: 31337, vault: vault)
        #expect(plan.batches.map(\.entries.count) == [8, 8, 4])
        #expect(plan.batches.map(\.nonce) == [5, 6, 7])
        #expect(plan.deferred.count == 5)
        #expect(plan.batches.flatMap(\.payouts).allSatisfy { $0.amount == UInt256(1_000_000_000_000_000_000 as UInt64) })
        // Nonces of batch files waiting to execute are skipped.
        let skipping = try PayoutPlan(owed: owed(25), handled: [], token: token, remainingToday: UInt256.max, startNonce: 5, usedNonces: [5, 7],
                                      maxPerBatch: 10, deadline: 99, chainId: 31337, vault: vault)
        #expect(skipping.batches.map(\.nonce) == [6, 8, 9])
        // Already paid or already proposed: left out, never proposed twice.
        let all = owed(25)
        let handled = Set(all.prefix(3).map(\.leaf))
        let again = try PayoutPlan(owed: all, handled: handled, token: token, remainingToday: UInt256.max, startNonce: 0, maxPerBatch: 100,
                                   deadline: 99, chainId: 31337, vault: vault)
        #expect(again.alreadyHandled.count == 3)
        #expect(again.batches.flatMap(\.payouts).count == 22)
        #expect(Set(again.batches.flatMap(\.payouts).map(\.receipt)).isDisjoint(with: handled))
        // Nothing left today: everything deferred, no batch.
        let none = try PayoutPlan(owed: all, handled: [], token: token, remainingToday: .zero, startNonce: 0, maxPerBatch: 100,
                                  deadline: 99, chainId: 31337, vault: vault)
        #expect(none.batches.isEmpty && none.deferred.count == 25)
        #expect(throws: PayoutError.self) { try PayoutToken(address: .zero, unitsPerMicro: .zero) }
    }

    @Test func reconciliationFindsMissingDuplicatedUnknownAndMismatched() throws {
        let payouts = owed(4).map { Payout(token: .zero, recipient: $0.recipient, amount: UInt256($0.micro), receipt: $0.leaf) }
        func paid(_ p: Payout) -> PaidOnChain { PaidOnChain(nonce: 0, payout: p, transaction: nil, block: nil) }
        var changed = payouts[2]
        changed.amount += 1
        let stranger = Payout(token: .zero, recipient: payouts[0].recipient, amount: 5, receipt: Keccak256.hash(utf8: "stranger"))
        let report = ReconciliationReport(paid: [paid(payouts[0]), paid(payouts[0]), paid(changed), paid(stranger)], owed: payouts)
        #expect(report.matched == [payouts[0].receipt])
        #expect(report.duplicated == [payouts[0].receipt])
        #expect(report.missing == [payouts[1], payouts[3]])
        #expect(report.mismatched.map(\.owed) == [payouts[2]])
        #expect(report.unknown.map(\.payout) == [stranger])
        #expect(!report.isConsistent)
        let clean = ReconciliationReport(paid: payouts.map(paid), owed: payouts)
        #expect(clean.isConsistent && clean.matched.count == 4 && clean.missing.isEmpty)
        #expect(ReconciliationReport(paid: payouts.map(paid), owed: nil).matched.count == 4)
    }
}
