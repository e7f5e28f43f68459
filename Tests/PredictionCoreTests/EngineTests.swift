import EVM
import Foundation
import PredictionCore
import Receipts
import TestSupport
import Testing

/// 2026-11-25 12:09:00 UTC.
let mark: UInt64 = 1_795_608_540

func makeEngine(limits: StakeLimits = try! StakeLimits(), fee: UInt64 = 300, cutoff: UInt64 = 30,
                seed: UInt64 = 7) -> PredictionEngine {
    var engine = PredictionEngine(configuration: EngineConfiguration(
        schedule: try! RoundSchedule(cutoffSeconds: cutoff), limits: limits, fees: try! FeeSchedule(bps: fee),
        entropy: .seeded(seed)))
    for (asset, price) in [(btc, UInt64(9_712_345_678_901)), (eth, 362_150_000_000), (spy, 60_112_000_000)] {
        try! engine.addAsset(asset)
        try! engine.setCurrentPrice(price, asset: asset)
    }
    return engine
}

extension PredictionEngine {
    mutating func user(_ n: Int, tier: VIPTier = .standard, funds: UInt64 = 10_000_000_000) -> UserID {
        let u = registerUser(address: PredictionEngine.address(forUserName: "u\(n)"), tier: tier)
        if funds > 0 { try! deposit(funds, to: u) }
        return u
    }
}

/// Everything a refusal must leave untouched.
struct Observable: Equatable {
    let balances: [Int64]
    let journal: Int
    let predictions: Int
    let receipts: UInt64

    init(_ e: PredictionEngine) {
        balances = e.ledger.balances
        journal = e.ledger.journal.count
        predictions = e.predictions.count
        receipts = e.outbox.emitted
    }
}

@Suite("Engine")
struct EngineTests {
    @Test func everyRefusalIsTypedAndChangesNothing() throws {
        let limits = try StakeLimits(minimum: 1_000_000, maximum: 100_000_000, exposureCap: 150_000_000)
        var e = makeEngine(limits: limits)
        let u = e.user(1, funds: 120_000_000)
        let poor = e.user(2, funds: 5_000_000)
        let open = mark - 100
        _ = try e.place(PlacementRequest(user: u, asset: btc, direction: .up, stake: 100_000_000), at: open)
        let before = Observable(e)
        func refuses(_ error: PlacementError, _ request: PlacementRequest, at t: UInt64 = open,
                     sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: error, sourceLocation: sourceLocation) { try e.place(request, at: t) }
            #expect(Observable(e) == before, sourceLocation: sourceLocation)
        }
        let sol = try AssetID(symbol: "SOL-USD")
        refuses(.unknownAsset("SOL-USD"), PlacementRequest(user: u, asset: sol, direction: .up, stake: 1_000_000))
        refuses(.unknownUser(UserID(raw: 99)), PlacementRequest(user: UserID(raw: 99), asset: btc, direction: .up, stake: 1_000_000))
        refuses(.afterCutoff(settlesAt: mark, cutoff: mark - 30, now: mark - 30),
                PlacementRequest(user: u, asset: btc, direction: .up, stake: 1_000_000), at: mark - 30)
        refuses(.afterCutoff(settlesAt: mark, cutoff: mark - 30, now: mark - 1),
                PlacementRequest(user: u, asset: btc, direction: .up, stake: 1_000_000), at: mark - 1)
        refuses(.roundNotOpen(requested: mark + 600, open: mark),
                PlacementRequest(user: u, asset: btc, direction: .up, stake: 1_000_000, settlesAt: mark + 600))
        refuses(.stakeBelowMinimum(stake: 999_999, minimum: 1_000_000), PlacementRequest(user: u, asset: btc, direction: .up, stake: 999_999))
        refuses(.stakeAboveMaximum(stake: 100_000_001, maximum: 100_000_000),
                PlacementRequest(user: u, asset: btc, direction: .up, stake: 100_000_001))
        refuses(.exposureCapExceeded(current: 100_000_000, stake: 50_000_001, cap: 150_000_000),
                PlacementRequest(user: u, asset: btc, direction: .down, stake: 50_000_001))
        refuses(.insufficientBalance(available: 5_000_000, required: 5_000_001),
                PlacementRequest(user: poor, asset: btc, direction: .up, stake: 5_000_001))
        try e.setEnabled(false, asset: eth)
        let disabled = Observable(e)
        #expect(throws: PlacementError.assetDisabled("ETH-USD")) {
            try e.place(PlacementRequest(user: u, asset: eth, direction: .up, stake: 1_000_000), at: open)
        }
        try e.setCurrentPrice(nil, asset: spy)
        #expect(throws: PlacementError.priceUnavailable("SPY")) {
            try e.place(PlacementRequest(user: u, asset: spy, direction: .up, stake: 1_000_000), at: open)
        }
        #expect(Observable(e) == disabled)
        // At the limits exactly: accepted.
        _ = try e.place(PlacementRequest(user: u, asset: btc, direction: .down, stake: 20_000_000), at: mark - 31)
        #expect(e.exposure(of: u, asset: btc, settlesAt: mark) == 120_000_000)
        _ = try e.place(PlacementRequest(user: poor, asset: btc, direction: .up, stake: 5_000_000), at: mark - 31)
        #expect(e.balance(of: poor) == 0 && e.balance(of: u) == 0)
        // After the lock nothing is accepted, even before the cutoff time.
        try e.lock(asset: btc, settlesAt: mark, price: 1)
        var f = makeEngine(cutoff: 0)
        let v = f.user(1)
        try f.lock(asset: btc, settlesAt: mark, price: 1)
        #expect(throws: PlacementError.afterCutoff(settlesAt: mark, cutoff: mark, now: mark - 1)) {
            try f.place(PlacementRequest(user: v, asset: btc, direction: .up, stake: 1_000_000), at: mark - 1)
        }
    }

    @Test func depositsAndLimitsAreChecked() throws {
        var e = makeEngine()
        let u = e.user(1, funds: 0)
        #expect(throws: LedgerError.invalidAmount(0)) { try e.deposit(0, to: u) }
        #expect(throws: LedgerError.unknownUser(UserID(raw: 9))) { try e.deposit(1, to: UserID(raw: 9)) }
        try e.deposit(UInt64(Int64.max), to: u)
        #expect(throws: LedgerError.invalidAmount(1)) { try e.deposit(1, to: u) }
        #expect(throws: ConfigurationError.invalidLimits(minimum: 0, maximum: 1, exposureCap: 1)) {
            try StakeLimits(minimum: 0, maximum: 1, exposureCap: 1)
        }
        #expect(throws: ConfigurationError.invalidLimits(minimum: 2, maximum: 1, exposureCap: 3)) {
            try StakeLimits(minimum: 2, maximum: 1, exposureCap: 3)
        }
        #expect(throws: ConfigurationError.invalidFee(bps: 10_001)) { try FeeSchedule(bps: 10_001) }
        #expect(try FeeSchedule(bps: 301).bps(for: .gold) == 150)
        #expect(throws: ConfigurationError.duplicateAsset("BTC-USD")) { try e.addAsset(btc) }
    }

    @Test func placementIsIdempotent() throws {
        var e = makeEngine()
        let u = e.user(1)
        let request = PlacementRequest(user: u, asset: btc, direction: .up, stake: 7_000_000, clientKey: 0xABCD)
        let first = try e.place(request, at: mark - 500)
        let after = Observable(e)
        let again = try e.place(request, at: mark - 10)  // even after the cutoff: the first answer
        #expect(again.replayed && !first.replayed)
        #expect(again.prediction == first.prediction && again.leaf == first.leaf && again.receipt == first.receipt)
        #expect(Observable(e) == after)
        #expect(throws: PlacementError.idempotencyConflict(clientKey: 0xABCD)) {
            try e.place(PlacementRequest(user: u, asset: btc, direction: .down, stake: 7_000_000, clientKey: 0xABCD), at: mark - 400)
        }
        // Keys are per user.
        let v = e.user(2)
        let other = try e.place(PlacementRequest(user: v, asset: btc, direction: .up, stake: 7_000_000, clientKey: 0xABCD), at: mark - 400)
        #expect(!other.replayed && other.prediction.id != first.prediction.id)
        #expect(e.balance(of: u) == 10_000_000_000 - 7_000_000)
    }

    /// Hand-computed pari-mutuel payouts, fee 300 bps (Gold 150, Diamond 0), rounding dust.
    @Test func goldenPayouts() throws {
        var e = makeEngine()
        let u1 = e.user(1), u2 = e.user(2, tier: .gold), u3 = e.user(3, tier: .diamond), u4 = e.user(4), u5 = e.user(5)
        let t = mark - 300
        for (u, d, s) in [(u1, Receipt.Direction.up, UInt64(10_000_000)), (u2, .up, 20_000_000), (u3, .up, 7_000_000),
                          (u4, .down, 13_000_001), (u5, .down, 3_333_333)] {
            _ = try e.place(PlacementRequest(user: u, asset: btc, direction: d, stake: s), at: t)
        }
        let odds = e.odds(asset: btc, settlesAt: mark)
        // Up: (37 + 16.333334 − floor(16.333334 · 3 %)) / 37 = (37_000_000 + 16_333_334 − 490_000) / 37_000_000.
        #expect(odds.up == PayoutMultiple(numerator: 52_843_334, denominator: 37_000_000))
        #expect(odds.up?.fixed6 == 1_428_198)
        #expect(odds.down == PayoutMultiple(numerator: 16_333_334 + 37_000_000 - 1_110_000, denominator: 16_333_334))
        #expect(e.odds(asset: btc, settlesAt: mark, tier: .diamond).up == PayoutMultiple(numerator: 53_333_334, denominator: 37_000_000))
        try e.lock(asset: btc, settlesAt: mark, price: 9_712_345_678_901)
        let report = try e.settle(asset: btc, settlesAt: mark, price: 9_712_345_678_902)
        // W = 37_000_000, L = 16_333_334.
        // u1: share = floor(10_000_000 · 16_333_334 / 37_000_000) = 4_414_414; fee = floor(4_414_414 · 300 / 10_000) = 132_432
        //     paid 10_000_000 + 4_414_414 − 132_432 = 14_281_982
        // u2 (gold): share = floor(20_000_000 · L / W) = 8_828_829; fee = floor(8_828_829 · 150 / 10_000) = 132_432
        //     paid 28_696_397
        // u3 (diamond): share = floor(7_000_000 · L / W) = 3_090_090; fee 0; paid 10_090_090
        // dust = 16_333_334 − (4_414_414 + 8_828_829 + 3_090_090) = 1
        #expect(e.predictions.map(\.payout) == [14_281_982, 28_696_397, 10_090_090, 0, 0])
        #expect(e.predictions.map(\.outcome) == [.win, .win, .win, .loss, .loss])
        #expect(report.result == .up && report.winners == 3)
        #expect(report.fees == 264_864 && report.dust == 1 && report.paidToWinners == 53_068_469 && report.refunded == 0)
        #expect(report.isConserved)
        #expect(e.ledger.balance(.fees) == 264_864 && e.ledger.balance(.dust) == 1)
        #expect(e.balance(of: u1) == 10_000_000_000 - 10_000_000 + 14_281_982)
        #expect(e.balance(of: u4) == 10_000_000_000 - 13_000_001)
        #expect(e.ledger.total == 0 && e.ledger.journalReproducesBalances())
        #expect(throws: SettlementError.alreadySettled(asset: "BTC-USD", settlesAt: mark)) {
            try e.settle(asset: btc, settlesAt: mark, price: 1)
        }
    }

    /// Tiny stakes: every share rounds down to zero, the whole losing pool is dust.
    @Test func goldenAllDust() throws {
        var e = makeEngine(limits: try StakeLimits(minimum: 1, maximum: 10, exposureCap: 10))
        let users = (0..<5).map { e.user($0) }
        for (i, u) in users.enumerated() {
            _ = try e.place(PlacementRequest(user: u, asset: eth, direction: i < 3 ? .down : .up, stake: 1), at: mark - 600)
        }
        try e.lock(asset: eth, settlesAt: mark, price: 200)
        let r = try e.settle(asset: eth, settlesAt: mark, price: 199)
        // W = 3, L = 2: share = floor(1 · 2 / 3) = 0 for each winner, paid 1 each; dust = 2.
        #expect(r.result == .down && r.paidToWinners == 3 && r.fees == 0 && r.dust == 2)
        #expect(e.predictions.map(\.payout) == [1, 1, 1, 0, 0])
    }

    @Test func refundsRestoreBalancesExactly() throws {
        for (lock, settle, upOnly, expected) in [
            (UInt64?(100), UInt64?(100), false, RoundResult.push),
            (nil, 100, false, .void(.missingLockPrice)),
            (100, nil, false, .void(.missingSettlementPrice)),
            (100, 101, true, .void(.oneSided)),
        ] {
            var e = makeEngine()
            let users = (0..<4).map { e.user($0, tier: VIPTier.allCases[$0 % 3]) }
            let start = e.ledger.balances
            for (i, u) in users.enumerated() {
                _ = try e.place(PlacementRequest(user: u, asset: spy, direction: upOnly || i % 2 == 0 ? .up : .down,
                                                 stake: 1_234_567 * UInt64(i + 1)), at: mark - 200)
            }
            try e.lock(asset: spy, settlesAt: mark, price: lock)
            let r = try e.settle(asset: spy, settlesAt: mark, price: settle)
            #expect(r.result == expected)
            #expect(r.refunded == r.stakesIn && r.fees == 0 && r.dust == 0)
            let escrows = e.ledger.balances.count - start.count
            #expect(Array(e.ledger.balances.prefix(start.count)) == start && escrows == 1)
            let outcome: Receipt.Outcome = expected == .push ? .push : .void
            #expect(e.predictions.allSatisfy { $0.outcome == outcome && $0.payout == $0.stake })
        }
    }

    @Test func settlingWithoutLockVoidsAndRecordsPrices() throws {
        var e = makeEngine()
        let u = e.user(1), v = e.user(2)
        _ = try e.place(PlacementRequest(user: u, asset: btc, direction: .up, stake: 2_000_000), at: mark - 100)
        _ = try e.place(PlacementRequest(user: v, asset: btc, direction: .down, stake: 2_000_000), at: mark - 100)
        let r = try e.settle(asset: btc, settlesAt: mark, price: 5)
        #expect(r.result == .void(.missingLockPrice))
        #expect(e.priceHistory.markPrice(asset: btc, settlesAt: mark) == .some(5))
        #expect(e.priceHistory.lockPrice(asset: btc, settlesAt: mark) == .some(nil))
        #expect(throws: SettlementError.notAMark(mark + 1)) { try e.settle(asset: btc, settlesAt: mark + 1, price: 5) }
        #expect(throws: SettlementError.alreadySettled(asset: "BTC-USD", settlesAt: mark)) { try e.lock(asset: btc, settlesAt: mark, price: 5) }
    }

    /// The engine's receipts reproduce docs/PROTOCOL.md's fixtures when given the fixtures' ids and salts.
    @Test func receiptsMatchTheProtocolFixtures() throws {
        let vectors = try #require(try fixtureJSON("protocol-vectors.json") as? [String: Any])
        let placements = try #require(vectors["placementReceipts"] as? [[String: Any]])
        let settlements = try #require(vectors["settlementReceipts"] as? [[String: Any]])
        let commitments = try #require(vectors["userCommitments"] as? [[String: String]])
        func field(_ entry: [String: Any], _ key: String) throws -> String {
            let fields = try #require(entry["fields"] as? [String: Any])
            return try #require(fields[key] as? String)
        }
        var e = makeEngine()
        // Fixture 0: user 0x1111… (Diamond, no fee) up 25 USDC on BTC; someone down 22.5 USDC → paid 47.5 (1.9×).
        let alice = e.registerUser(address: try Address(try #require(commitments[0]["user"])), tier: .diamond)
        let bob = e.registerUser(address: try Address(try #require(commitments[1]["user"])))
        let carol = e.user(3)
        try e.deposit(100_000_000, to: alice)
        try e.deposit(100_000_000, to: bob)
        let p0 = try e.place(PlacementRequest(user: alice, asset: btc, direction: .up, stake: 25_000_000,
                                              predictionID: try Bytes32(hex: try field(placements[0], "predictionId")),
                                              salt: try Bytes32(hex: try #require(commitments[0]["salt"]))), at: 1_795_608_012)
        _ = try e.place(PlacementRequest(user: carol, asset: btc, direction: .down, stake: 22_500_000), at: 1_795_608_012)
        #expect(p0.leaf.description == placements[0]["leaf"] as? String)
        #expect(p0.receipt.userCommitment == userCommitment(user: e.address(of: alice)!, salt: p0.prediction.salt))
        // Fixture 1: user 0xAb58… down 1.5 USDC on ETH at 3621.50, settles at the same price → push.
        let p1 = try e.place(PlacementRequest(user: bob, asset: eth, direction: .down, stake: 1_500_000,
                                              predictionID: try Bytes32(hex: try field(placements[1], "predictionId")),
                                              salt: try Bytes32(hex: try #require(commitments[1]["salt"]))), at: 1_795_608_100)
        #expect(p1.leaf.description == placements[1]["leaf"] as? String)
        try e.lock(asset: btc, settlesAt: mark, price: 9_712_345_678_901)
        try e.lock(asset: eth, settlesAt: mark, price: 362_150_000_000)
        _ = try e.settle(asset: btc, settlesAt: mark, price: 9_712_999_000_000)
        _ = try e.settle(asset: eth, settlesAt: mark, price: 362_150_000_000)
        let emitted = Dictionary(e.outbox.pending.filter { $0.receipt.kind == .settlement }.map { ($0.receipt.predictionId, $0) },
                                 uniquingKeysWith: { a, _ in a })
        for (i, prediction) in [p0.prediction, p1.prediction].enumerated() {
            let entry = try #require(emitted[prediction.id])
            #expect(entry.leaf.description == settlements[i]["leaf"] as? String)
            #expect(Hex.encode(entry.receipt.abiEncoded) == settlements[i]["abiEncoded"] as? String)
            #expect(entry.leaf == entry.receipt.leaf)
        }
        #expect(e.outbox.pendingCount == 6 && e.outbox.pending.map(\.sequence) == Array(1...6))
        let drained = e.outbox.drain(max: 4)
        #expect(drained.count == 4 && e.outbox.pendingCount == 2 && e.outbox.pending.first?.sequence == 5)
        #expect(e.outbox.drain(max: .max).map(\.sequence) == [5, 6] && e.outbox.pendingCount == 0 && e.outbox.emitted == 6)
    }

    @Test func predictionIdsAreUUIDv7AndUnique() throws {
        var e = makeEngine()
        let u = e.user(1)
        var ids = Set<Bytes32>()
        for i in 0..<200 {
            let p = try e.place(PlacementRequest(user: u, asset: btc, direction: .up, stake: 1_000_000), at: mark - 599 + UInt64(i))
            let b = p.prediction.id.bytes
            #expect(b[6] >> 4 == 7 && b[8] >> 6 == 2 && b[16...].allSatisfy { $0 == 0 })
            #expect(b[0..<6].reduce(0) { $0 << 8 | UInt64($1) } == (mark - 599 + UInt64(i)) * 1000)
            ids.insert(p.prediction.id)
        }
        #expect(ids.count == 200)
    }

    /// A round large enough for the parallel leaf hashing: every settlement leaf is its receipt's leaf, in order.
    @Test func largeRoundLeavesMatchTheirReceipts() throws {
        var e = makeEngine(limits: try StakeLimits(minimum: 1, maximum: 1_000_000, exposureCap: 1_000_000_000))
        let users = (0..<50).map { e.user($0) }
        let n = 17_000
        for i in 0..<n {
            _ = try e.place(PlacementRequest(user: users[i % 50], asset: btc, direction: i % 3 == 0 ? .down : .up,
                                             stake: 1 + UInt64(i % 1_000)), at: mark - 100)
        }
        _ = e.outbox.drain(max: n)
        try e.lock(asset: btc, settlesAt: mark, price: 10)
        let r = try e.settle(asset: btc, settlesAt: mark, price: 9)
        #expect(r.result == .down && r.isConserved && r.receiptsEmitted == n)
        let pending = Array(e.outbox.pending)
        #expect(pending.count == n)
        #expect(pending.map(\.receipt.predictionId) == e.predictions.map(\.id))
        for entry in pending { #expect(entry.leaf == entry.receipt.leaf) }
    }
}
