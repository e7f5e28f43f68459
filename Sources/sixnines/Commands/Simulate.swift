import ArgumentParser
import EVM
import Foundation
import PredictionCore
import PredictionStore
import Receipts

/// `sixnines simulate`: rounds on simulated feeds with simulated users, settled pari-mutuel.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "simulate",
        abstract: "Run prediction rounds on simulated prices with simulated users.",
        discussion: """
            Accelerated time from 2026-11-25 12:09:00 UTC (--start): each round opens at a mark, locks at the cutoff (mark − 30 s) with the median of the simulated sources, and settles at the next mark. Prints, per round and asset: lock and settlement prices, pools, the outcome, fees, dust, refusals, receipts emitted and the conservation check (stakes = payouts + refunds + fees + dust). The same seed gives the same output, byte for byte. Money is in USDC (6 decimals), prices in USD (8 decimals).

            With --db FILE (a new file) every command and receipt is committed to SQLite as the run goes (the output is the same).

            Example:
              sixnines simulate --assets BTC-USD,ETH-USD,SPY --rounds 6 --users 50 --seed 42
              sixnines simulate --rounds 3 --users 10 --db /tmp/run.sqlite
            """
    )

    @Option(name: .long, help: "Comma-separated asset symbols.")
    var assets = "BTC-USD,ETH-USD,SPY"

    @Option(name: .long, help: "Number of rounds.")
    var rounds = 6

    @Option(name: .long, help: "Number of simulated users.")
    var users = 20

    @Option(name: .long, help: "Seed of the simulation.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Unix time of the first round's opening mark (t % 600 == 540).")
    var start: UInt64 = 1_795_608_540

    @Option(name: .long, help: "Cutoff in seconds before each mark.")
    var cutoff: UInt64 = 30

    @Option(name: .long, help: "Fee in basis points (Gold pays half, Diamond none).")
    var feeBps: UInt64 = 300

    @Option(name: .long, help: "New SQLite file: commit every command and receipt there (WAL) as the run goes.")
    var db: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(rounds) else { throw ValidationError("--rounds must be 1…100000") }
        guard (0...100_000).contains(users) else { throw ValidationError("--users must be 0…100000") }
    }

    func run() throws {
        try reportingErrors {
            let symbols = assets.split(separator: ",").map { String($0) }
            guard !symbols.isEmpty else { throw CLIError("--assets: give at least one symbol") }
            let engine: EngineConfiguration
            do {
                engine = EngineConfiguration(schedule: try RoundSchedule(cutoffSeconds: cutoff), fees: try FeeSchedule(bps: feeBps))
            } catch {
                throw CLIError("\(error)")
            }
            let configuration = Simulation.Configuration(assets: symbols, rounds: rounds, users: users, seed: seed, start: start,
                                                         engine: engine)
            var simulation: Simulation
            if let db {
                simulation = try Simulation(configuration) { try DurableEngine(path: db, configuration: $0) }
            } else {
                simulation = try Simulation(configuration)
            }
            var records: [[String: Any]] = []
            var lines: [String] = []
            var totals = (predictions: 0, receipts: 0, fees: UInt64(0), dust: UInt64(0), stakes: UInt64(0), allConserved: true)
            for _ in 0..<rounds {
                for record in try simulation.runRound() {
                    let r = record.report
                    totals.predictions += r.predictions
                    totals.receipts += record.receipts
                    totals.fees += r.fees
                    totals.dust += r.dust
                    totals.stakes += r.stakesIn
                    let conserved = r.isConserved && record.ledgerTotal == 0
                    totals.allConserved = totals.allConserved && conserved
                    if output.json {
                        records.append(Self.json(record, conserved: conserved))
                    } else {
                        lines.append(Self.line(record, conserved: conserved))
                    }
                }
            }
            let ledger = simulation.engine.ledger
            if output.json {
                try printJSON([
                    "seed": String(seed), "rounds": records,
                    "summary": [
                        "predictions": totals.predictions, "receipts": totals.receipts,
                        "stakes": Units.money(totals.stakes), "fees": Units.money(totals.fees), "dust": Units.money(totals.dust),
                        "ledgerTotal": Int(ledger.total), "conserved": totals.allConserved,
                    ] as [String: Any],
                ] as [String: Any])
            } else {
                for line in lines { print(line) }
                print("total predictions \(totals.predictions) receipts \(totals.receipts) stakes \(Units.money(totals.stakes)) "
                      + "fees \(Units.money(totals.fees)) dust \(Units.money(totals.dust)) ledger-sum \(ledger.total) "
                      + "conserved \(totals.allConserved ? "ok" : "VIOLATED")")
            }
            guard totals.allConserved else { throw CLIError("conservation violated") }
        }
    }

    static func price(_ p: UInt64?) -> String { p.map(Units.price) ?? "missing" }

    static func line(_ record: Simulation.RoundRecord, conserved: Bool) -> String {
        let r = record.report
        return "#\(record.round) \(r.asset.symbol) \(iso8601(r.settlesAt)) lock \(price(r.lockPrice)) settle \(price(r.settlementPrice)) "
            + "up \(Units.money(r.upPool)) down \(Units.money(r.downPool)) n \(r.predictions) outcome \(r.result) "
            + "winners \(r.winners) paid \(Units.money(r.paidToWinners)) refunded \(Units.money(r.refunded)) "
            + "fees \(Units.money(r.fees)) dust \(Units.money(r.dust)) refused \(record.refused) replayed \(record.replayed) "
            + "outliers \(record.outliers) stale \(record.staleQuotes) receipts \(record.receipts) "
            + "conserved \(conserved ? "ok" : "VIOLATED")"
    }

    static func json(_ record: Simulation.RoundRecord, conserved: Bool) -> [String: Any] {
        let r = record.report
        return [
            "round": record.round, "asset": r.asset.symbol, "settlesAt": Int(r.settlesAt), "time": iso8601(r.settlesAt),
            "lockPrice": r.lockPrice.map(Units.price) ?? NSNull(), "settlementPrice": r.settlementPrice.map(Units.price) ?? NSNull(),
            "upPool": Units.money(r.upPool), "downPool": Units.money(r.downPool), "predictions": r.predictions,
            "outcome": r.result.description, "winners": r.winners, "paidToWinners": Units.money(r.paidToWinners),
            "refunded": Units.money(r.refunded), "fees": Units.money(r.fees), "dust": Units.money(r.dust),
            "refused": record.refused, "replayed": record.replayed, "outliers": record.outliers, "staleQuotes": record.staleQuotes,
            "receipts": record.receipts, "conserved": conserved,
        ]
    }
}

/// `sixnines rounds`: the round schedule.
struct Rounds: ParsableCommand {
    static let configuration = CommandConfiguration(
            commandName: "rounds",
        abstract: "Round schedule: settlement marks (:09, :19 … :59 UTC) and cutoffs.",
        subcommands: [Next.self]
    )

    /// `sixnines rounds next`.
    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "The next round open for predictions at a time: its settlement mark and cutoff.",
            discussion: """
                Prints "<settlesAt> <cutoff>" (unix seconds): the round a prediction placed at --at would join, that is the first mark after --at, or the one after it when --at is already past that mark's cutoff. --json adds ISO times and the mark right after --at even when it is closed.

                Examples:
                  sixnines rounds next --at 1795608000
                  sixnines rounds next --asset BTC-USD --at 2026-11-25T12:08:45Z --json
                """
        )

        @Option(name: .long, help: "Asset symbol (marks are the same for every asset; checked and echoed).")
        var asset: String?

        @Option(name: .long, help: "Unix seconds or an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ); default: now.")
        var at: String?

        @Option(name: .long, help: "Cutoff in seconds before the mark.")
        var cutoff: UInt64 = 30

        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingErrors {
                if let asset {
                    do { _ = try AssetID(symbol: asset) } catch { throw CLIError("--asset: \(error)") }
                }
                let t: UInt64
                if let at {
                    guard let parsed = parseTime(at) else {
                        throw CLIError("--at: \(at.debugDescription) is neither unix seconds nor YYYY-MM-DDTHH:MM:SSZ")
                    }
                    t = parsed
                } else {
                    t = UInt64(max(0, time(nil)))  // integer clock: no floating point on this path
                }
                guard t < UInt64(1) << 62 else { throw CLIError("--at: \(t) is too far in the future") }
                let schedule: RoundSchedule
                do { schedule = try RoundSchedule(cutoffSeconds: cutoff) } catch { throw CLIError("--cutoff: \(error)") }
                let current = schedule.window(at: t)
                let open = schedule.nextOpenWindow(at: t)
                if output.json {
                    var object: [String: Any] = [
                        "at": Int(t), "atTime": iso8601(t),
                        "settlesAt": Int(open.settlesAt), "settlesAtTime": iso8601(open.settlesAt),
                        "cutoff": Int(open.cutoff), "cutoffTime": iso8601(open.cutoff), "opensAt": Int(open.opensAt),
                        "nextMark": Int(current.settlesAt), "nextMarkOpen": current.isOpen,
                        "secondsToCutoff": Int(open.cutoff - min(open.cutoff, t)),
                    ]
                    if let asset { object["asset"] = asset }
                    try printJSON(object)
                } else {
                    print("\(open.settlesAt) \(open.cutoff)")
                }
            }
        }
    }
}

/// `sixnines durable-stress` (hidden): drives a `DurableEngine` at `--db`, group-committing placements and
/// settling rounds, and prints `ack <prediction id>` for each prediction only after its commit. The crash
/// tests kill it at random moments and check the store against the acknowledgements.
struct DurableStress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durable-stress",
        abstract: "Drive a durable engine for crash tests (prints an ack per committed prediction).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "SQLite file.")
    var db: String

    @Option(name: .long, help: "Batches to commit before exiting.")
    var batches = 100

    @Option(name: .long, help: "Placements per batch (one transaction each).")
    var batchSize = 50

    @Option(name: .long, help: "Batches per round (then the round is locked and settled).")
    var batchesPerRound = 5

    @Option(name: .long, help: "Seed.")
    var seed: UInt64 = 1

    func run() throws {
        try reportingErrors {
            let asset = try AssetID(symbol: "BTC-USD")
            let store = try DurableEngine(path: db, configuration: EngineConfiguration(entropy: .system))
            if store.engine.assetIDs.isEmpty {
                try store.addAsset(asset)
                for i in 0..<20 {
                    let u = try store.registerUser(address: PredictionEngine.address(forUserName: "stress-\(i)"),
                                                   tier: VIPTier.allCases[i % 3])
                    try store.deposit(1_000_000_000_000, to: u)
                }
            }
            let start: UInt64 = 1_795_608_540
            var mark = start + 600
            while store.engine.report(asset: asset, settlesAt: mark) != nil { mark += 600 }
            var random = SplitMix64(seed: seed ^ UInt64(getpid()))
            var batchInRound = 0
            for _ in 0..<batches {
                try store.setCurrentPrice(9_712_345_000_000 + random.below(1_000_000), asset: asset)
                if store.engine.isLocked(asset: asset, settlesAt: mark) {
                    batchInRound = batchesPerRound
                } else {
                    let batch = (0..<batchSize).map { _ in
                        (PlacementRequest(user: UserID(raw: UInt32(random.below(20))), asset: asset,
                                          direction: random.below(2) == 0 ? .up : .down, stake: 1_000_000 + random.below(9_000_000),
                                          clientKey: UInt128(random.next())), mark - 300)
                    }
                    var out = ""
                    for result in try store.place(batch: batch) {
                        if case .success(let p) = result { out += "ack \(p.prediction.id)\n" }
                    }
                    FileHandle.standardOutput.write(Data(out.utf8))
                    batchInRound += 1
                }
                if batchInRound >= batchesPerRound {
                    if !store.engine.isLocked(asset: asset, settlesAt: mark) {
                        try store.lock(asset: asset, settlesAt: mark, price: 9_712_345_000_000 + random.below(100))
                    }
                    let report = try store.settle(asset: asset, settlesAt: mark, price: 9_712_345_000_000 + random.below(100))
                    FileHandle.standardOutput.write(Data("settled \(mark) \(report.predictions) \(report.isConserved)\n".utf8))
                    mark += 600
                    batchInRound = 0
                }
            }
        }
    }
}
