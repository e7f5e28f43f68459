import EVM
import PredictionCore
import Receipts
import TestSupport
import Testing

@Suite("Properties over random histories")
struct PropertyTests {
    /// Thousands of random rounds on one engine: conservation per round and overall, the ledger sums to
    /// zero, no user goes negative, refunds restore balances exactly, refusals change nothing,
    /// retried placements are answered from the first result, and every outbox leaf is its receipt's leaf.
    @Test func randomRounds() throws {
        var random = SeededRandom()
        let limits = try StakeLimits(minimum: 1, maximum: 50_000_000, exposureCap: 80_000_000)
        var e = PredictionEngine(configuration: EngineConfiguration(
            schedule: try RoundSchedule(cutoffSeconds: random.next() % 120), limits: limits,
            fees: try FeeSchedule(bps: random.next() % 1_001), entropy: .seeded(random.next())))
        let assets = [btc, eth, spy]
        for a in assets { try e.addAsset(a); try e.setCurrentPrice(1_000_000, asset: a) }
        let users = (0..<12).map { i in
            e.registerUser(address: PredictionEngine.address(forUserName: "p\(i)"), tier: VIPTier.allCases[i % 3])
        }
        var deposited: UInt64 = 0
        var t: UInt64 = 1_795_608_000
        var placed = 0, refusals = 0, replays = 0
        var lastPlacements: [UserID: (PlacementRequest, Placement)] = [:]
        for round in 0..<3_000 {
            let m = e.configuration.schedule.mark(after: t)
            let asset = assets[round % 3]
            // Top up some users now and then.
            for u in users where random.next() % 10 == 0 {
                let amount = 1 + random.next() % 60_000_000
                try e.deposit(amount, to: u)
                deposited += amount
            }
            let before = users.map { e.balance(of: $0) }
            let n = Int(random.next() % 9)
            for _ in 0..<n {
                let u = users[Int(random.next() % UInt64(users.count))]
                let now = m - 600 + random.next() % 600
                if random.next() % 8 == 0, let (request, first) = lastPlacements[u] {
                    let snapshot = Observable(e)
                    let again = try e.place(request, at: now)
                    #expect(again.replayed && again.prediction.id == first.prediction.id && again.leaf == first.leaf
                            && again.receipt == first.receipt, "\(random.replay)")
                    #expect(Observable(e) == snapshot, "\(random.replay)")
                    replays += 1
                    continue
                }
                let stake = random.next() % 4 == 0 ? random.next() % 100_000_000 : 1 + random.next() % 3_000_000
                let request = PlacementRequest(user: u, asset: asset, direction: random.next() % 2 == 0 ? .up : .down,
                                               stake: stake, clientKey: UInt128(random.next()))
                let snapshot = Observable(e)
                do {
                    let p = try e.place(request, at: now)
                    lastPlacements[u] = (request, p)
                    placed += 1
                    #expect(now < m - e.configuration.schedule.cutoffSeconds, "\(random.replay)")
                } catch {
                    refusals += 1
                    let cutoff = m - e.configuration.schedule.cutoffSeconds
                    if now >= cutoff {
                        #expect(error == .afterCutoff(settlesAt: m, cutoff: cutoff, now: now), "\(random.replay)")
                    }
                    #expect(Observable(e) == snapshot, "refusal \(error) changed state; \(random.replay)")
                }
            }
            let roll = random.next() % 10
            let lock: UInt64? = roll == 0 ? nil : 1_000_000 + random.next() % 5
            let settle: UInt64? = roll == 1 ? nil : 1_000_000 + random.next() % 5
            try e.lock(asset: asset, settlesAt: m, price: lock)
            let report = try e.settle(asset: asset, settlesAt: m, price: settle)
            #expect(report.isConserved, "\(report) \(random.replay)")
            #expect(report.paidToWinners + report.refunded + report.fees + report.dust == report.stakesIn)
            switch report.result {
            case .push, .void:
                #expect(users.map { e.balance(of: $0) } == before, "refund round did not restore balances; \(random.replay)")
            case .up, .down:
                #expect(report.winners > 0 && report.dust <= UInt64(report.winners), "\(report) \(random.replay)")
            }
            #expect(e.ledger.total == 0, "\(random.replay)")
            t = m
        }
        // Money in users and treasury = deposits; escrows are empty.
        let held = users.reduce(UInt64(0)) { $0 + e.balance(of: $1) }
        #expect(held + UInt64(e.ledger.balance(.fees)) + UInt64(e.ledger.balance(.dust)) == deposited, "\(random.replay)")
        #expect(e.ledger.balance(.faucet) == -Int64(deposited))
        #expect(e.ledger.journalReproducesBalances())
        #expect(e.ledger.balances.allSatisfy { $0 >= 0 } || e.ledger.balances.dropFirst().allSatisfy { $0 >= 0 })
        #expect(e.outbox.emitted == UInt64(2 * placed))
        for entry in e.outbox.pending.prefix(2_000) { #expect(entry.leaf == entry.receipt.leaf) }
        #expect(placed > 1_000 && refusals > 100 && replays > 100, "placed \(placed) refused \(refusals) replayed \(replays)")
    }
}
